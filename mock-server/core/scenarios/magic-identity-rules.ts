/**
 * The magic identities of fixtures/identities/magic-identities.ts as a built-in scenario, compiled
 * like any scenario file so that their codes are checked against the method definitions at start.
 */
import { MAGIC_IDENTITIES, MAGIC_MISSING_USER_ID } from '../../../fixtures/identities/magic-identities.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { compileScenario } from './load-scenario.js';
import type { Scenario } from './scenario-rules.js';

/** The definition's identityField: where the method carries the person's resident ID number. */
function identityFieldOf(definitions: readonly ApiMethodDefinition[], method: string): string {
  const field = definitions.find((d) => d.name === method)?.identityField;
  if (!field) throw new Error(`a magic identity answers ${method}, whose definition names no identityField`);
  return field;
}

export function magicIdentityScenario(definitions: readonly ApiMethodDefinition[]): Scenario {
  const rules: unknown[] = MAGIC_IDENTITIES.flatMap((identity) =>
    Object.entries(identity.answers).map(([method, answer]) => ({
      name: `magic identity ${identity.cert_no} (${identity.purpose})`,
      match: { method, biz_content: { [identityFieldOf(definitions, method)]: identity.cert_no } },
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
