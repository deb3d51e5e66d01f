/**
 * The magic identities of fixtures/identities/magic-identities.ts as a built-in scenario, compiled
 * like any scenario file so that their codes are checked against the method definitions at start.
 */
import { IDENTITY_FIELD_BY_METHOD, MAGIC_IDENTITIES, MAGIC_MISSING_USER_ID } from '../../fixtures/identities/magic-identities.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { compileScenario } from './load-scenario.js';
import type { Scenario } from './scenario-rules.js';

export function magicIdentityScenario(definitions: readonly ApiMethodDefinition[]): Scenario {
  const rules: unknown[] = MAGIC_IDENTITIES.flatMap((identity) =>
    Object.entries(identity.answers).map(([method, answer]) => ({
      name: `magic identity ${identity.cert_no} (${identity.purpose})`,
      match: { method, biz_content: { [IDENTITY_FIELD_BY_METHOD[method]!]: identity.cert_no } },
      outcome: answer,
    })),
  );
  rules.push({
    name: `magic user id ${MAGIC_MISSING_USER_ID} (no such Alipay account)`,
    match: { method: 'zhima.auth.info.authquery', biz_content: { 'identity_param.userId': MAGIC_MISSING_USER_ID } },
    outcome: { business_error: 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED' },
  });
  return compileScenario({ name: 'magic identities', rules }, 'magic identities', definitions);
}
