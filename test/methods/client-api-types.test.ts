/**
 * The reference client's types (client-harness/api-types.ts) are generated from the definitions: the
 * file on disk is what they generate, a change to a definition changes it, and the client built on
 * them calls an API whose parameters travel top-level.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { AlipayApiError, AlipayClient } from '../../client-harness/alipay-client.js';
import { CLIENT_API_TYPES_FILE, clientApiTypes } from '../../mock-server/core/methods/client-api-types.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();

describe('client-harness/api-types.ts', () => {
  it('is what the definitions generate (run `npm run docs` when this fails)', () => {
    expect(readFileSync(new URL(`../../${CLIENT_API_TYPES_FILE}`, import.meta.url), 'utf8')).toBe(clientApiTypes(SUPPORTED_METHODS));
  });

  it('follows the schema and response fields of each definition', () => {
    const [first, ...rest] = SUPPORTED_METHODS;
    const schema = first!.bizContentSchema as { properties: Record<string, unknown>; required: string[] };
    const changed = {
      ...first!,
      bizContentSchema: { ...schema, required: [...schema.required, 'scene'], properties: { ...schema.properties, scene: { type: 'string', enum: ['A', 'B'] } } },
      responseFields: { ...first!.responseFields, score: { type: 'number', optional: true } as const },
    };
    const text = clientApiTypes([changed, ...rest]);
    expect(text).toContain("      scene: 'A' | 'B';");
    expect(text).toContain('      score?: number;');
    expect(clientApiTypes(SUPPORTED_METHODS)).not.toContain(' scene:');
  });
});

describe('the reference client on a top-level-parameter API', () => {
  it('exchanges an auth code with alipay.system.oauth.token, and reads its refusal from error_response', async () => {
    const client = new AlipayClient({ gateway: sandbox().gatewayUrl, appId: DEFAULT_APP_ID, privateKey: sandbox().defaultApp.privateKeyPem, alipayPublicKey: sandbox().alipayPublicKeyPem });
    const person = sandbox().admin.identities().identities[2]!;
    const { auth_code } = await sandbox().admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: person.user_id });
    const token = await client.call('alipay.system.oauth.token', { grant_type: 'authorization_code', code: auth_code });
    expect(token.user_id).toBe(person.user_id);
    expect(token.expires_in).toBe(1296000);

    const refusal = await client.call('alipay.system.oauth.token', { grant_type: 'authorization_code', code: auth_code }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AlipayApiError);
    expect(refusal).toMatchObject({ code: '40002', subCode: 'isv.code-invalid', subMsg: '授权码code无效' });
  });
});
