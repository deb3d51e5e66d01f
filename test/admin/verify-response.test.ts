/**
 * POST /__admin/verify-response: a genuine answer verifies (and the fix says the client cuts the text
 * wrongly), a tampered one does not, a client holding another Alipay key is told so, bad input is a 400.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testKeyPaths } from '../../fixtures/test-keys.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPairPem } from '../support/spare-app-keys.js';

const sandbox = useSandbox();
const sandboxAlipayKey = readFileSync(testKeyPaths.alipayPublicKey, 'utf8');

async function genuineBody(charset: 'utf-8' | 'gbk' = 'utf-8'): Promise<string> {
  const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE, { charset }), biz_content: JSON.stringify(certifyOpenInitializeExample) };
  return (await postForm(sandbox(), signedRequest(params, { charset }))).text;
}

async function verify(request: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox().url}/__admin/verify-response`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /__admin/verify-response', () => {
  it("verifies a genuine answer with the sandbox's key, and says the client's cut must differ", async () => {
    const body = await genuineBody();
    const { status, body: verdict } = await verify({ body, alipay_public_key: sandboxAlipayKey });
    expect(status).toBe(200);
    expect(verdict).toMatchObject({ node: 'alipay_user_certify_open_initialize_response', signed: true, sign_verifies: true, sign_type: 'RSA2', client_key: { is_sandbox_key: true } });
    expect(body).toContain(verdict.signed_text as string);
    expect(verdict.fix).toMatch(/^the sign verifies: your client cuts the signed text differently/);
  });

  it('verifies a gbk answer over its gbk bytes when told the charset', async () => {
    const body = await genuineBody('gbk');
    expect((await verify({ body, charset: 'gbk' })).body).toMatchObject({ sign_verifies: true });
  });

  it('says a tampered body was changed after signing', async () => {
    const tampered = (await genuineBody()).replace('"code":"10000"', '"code": "10000"');
    const { status, body: verdict } = await verify({ body: tampered, alipay_public_key: sandboxAlipayKey });
    expect(status).toBe(200);
    expect(verdict).toMatchObject({ signed: true, sign_verifies: false, client_key: { is_sandbox_key: true } });
    expect(verdict.fix).toMatch(/the body was changed after signing/);
  });

  it('names a client key that is not the sandbox\'s, with where to get the right one', async () => {
    const { body: verdict } = await verify({ body: await genuineBody(), alipay_public_key: spareKeyPairPem('pkcs8').publicKey });
    expect(verdict).toMatchObject({ sign_verifies: true, client_key: { is_sandbox_key: false } });
    expect(verdict.client_key).not.toMatchObject({ fingerprint: verdict.sandbox_key_fingerprint });
    expect(verdict.fix).toMatch(/another Alipay public key: use the sandbox's, GET \/__admin\/alipay-public-key/);
  });

  it('says a body without sign has nothing to verify', async () => {
    const { body: verdict } = await verify({ body: '{"error_response":{"code":"40001","msg":"Missing Required Arguments","sub_code":"isv.missing-signature"}}' });
    expect(verdict).toMatchObject({ node: 'error_response', signed: false, sign_verifies: false });
  });

  it.each([
    ['no body', {}, /body is required/],
    ['a body that is not JSON', { body: '<html>' }, /not JSON/],
    ['an unknown charset', { body: '{}', charset: 'latin1' }, /charset must be/],
    ['a private key as the client key', { body: '{"a_response":{},"sign":"x"}', alipay_public_key: spareKeyPairPem('pkcs8').privateKey }, /PRIVATE key/],
    ['a body that is not an object', { body: '[1]' }, /not a JSON object/],
  ])('refuses %s with 400', async (_what, request, message) => {
    const { status, body } = await verify(request);
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
    expect(JSON.stringify(body)).not.toContain('PRIVATE KEY-----');
  });
});
