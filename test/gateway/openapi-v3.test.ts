/**
 * OpenAPI v3 with the real alipay-sdk's curl(), which signs the Authorization header and verifies the
 * answer's alipay-signature with its own code: the same engine, state and scenarios as gateway.do,
 * rendered as v3 bodies and HTTP errors.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { AlipayClient, AlipayV3Error } from '../../client-harness/alipay-client.js';
import { DEFAULT_APP_ID, testCertificatePaths, testKeyPaths } from '../../fixtures/test-keys.js';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { registerApp, useScenario } from '../support/admin-client.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
const INITIALIZE = '/v3/alipay/user/certify/open/initialize';
const QUERY = '/v3/alipay/user/certify/open/query';
const USER_INFO_SHARE = '/v3/alipay/user/info/share';
const IDENTITY = { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' };

function v3Sdk(running: RunningSandbox, privateKey = readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'), appId = DEFAULT_APP_ID): AlipaySdk {
  return new AlipaySdk({ appId, privateKey, alipayPublicKey: running.alipayPublicKeyPem, endpoint: running.url });
}

/** The refusal curl() throws, as the caller sees it. */
async function refusalOf(call: Promise<unknown>): Promise<AlipayRequestError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AlipayRequestError);
  return error as AlipayRequestError;
}

/** A v3 request signed by hand, for what the SDK never sends (an old timestamp, a reused nonce). */
async function handSigned(running: RunningSandbox, options: { timestamp?: number; nonce?: string; sentBody?: string } = {}) {
  const body = JSON.stringify({ outer_order_no: `HAND${randomUUID().slice(0, 8)}`, biz_code: 'FACE', identity_param: IDENTITY, merchant_config: { return_url: 'https://m.example/r' } });
  const authString = `app_id=${DEFAULT_APP_ID},nonce=${options.nonce ?? randomUUID()},timestamp=${options.timestamp ?? Date.now()}`;
  const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${INITIALIZE}\n${body}\n`), createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'))).toString('base64');
  const headers = { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}` };
  const response = await fetch(running.url + INITIALIZE, { method: 'POST', headers, body: options.sentBody ?? body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, detail: decodeURI(response.headers.get('x-sandbox-detail') ?? '') };
}

describe('OpenAPI v3 through alipay-sdk curl()', () => {
  it('starts a face verification and queries it, with objects where v3 types them, the answer signature verified by the SDK', async () => {
    const started = await v3Sdk(sandbox()).curl<{ certify_id: string }>('POST', INITIALIZE, { body: { outer_order_no: 'V3INIT0001', biz_code: 'FACE', identity_param: IDENTITY, merchant_config: { return_url: 'https://m.example/r' } } });
    expect(started.responseHttpStatus).toBe(200);
    expect(started.data.certify_id).toMatch(/^[0-9a-f]{32}$/);
    const query = () => v3Sdk(sandbox()).curl<{ passed: string }>('GET', QUERY, { query: { certify_id: started.data.certify_id } });
    expect((await query()).data.passed).toBe('F');
    await sandbox().completeCertification(started.data.certify_id, { passed: true });
    expect((await query()).data).toMatchObject({ passed: 'T' });
  });

  it('answers links on the origin the call reached, as gateway.do does: the H5 face check\'s certify_url', async () => {
    const identity_param = { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' };
    const started = await v3Sdk(sandbox()).curl<{ certify_id: string }>('POST', '/v3/datadigital/fincloud/generalsaas/face/certify/initialize', {
      body: { outer_order_no: 'V3LINK0001', biz_code: 'FUTURE_TECH_BIZ_FACE_SDK', identity_param, merchant_config: { return_url: 'https://m.example/r' } },
    });
    const verified = await v3Sdk(sandbox()).curl<{ certify_url: string }>('POST', '/v3/datadigital/fincloud/generalsaas/face/certify/verify', { body: { certify_id: started.data.certify_id } });
    expect(verified.data.certify_url).toBe(`${sandbox().url}/__sandbox/certifications/${started.data.certify_id}`);
    expect((await fetch(verified.data.certify_url)).status).toBe(200);
  });

  it('shares state with gateway.do both ways, and takes JSON text where v1 has it', async () => {
    const v1 = await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'V1THENV3' });
    const viaV3 = await v3Sdk(sandbox()).curl<{ passed: string }>('GET', QUERY, { query: { certify_id: String(v1.certify_id) } });
    expect(viaV3.data.passed).toBe('F');
    const v3 = await v3Sdk(sandbox()).curl<{ certify_id: string }>('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3THENV1' } });
    expect(await execSigned(sandbox(), 'alipay.user.certify.open.query', { certify_id: v3.data.certify_id })).toMatchObject({ code: '10000', passed: 'F' });
    // The same outer_order_no gets the same certify_id over either protocol.
    const again = await v3Sdk(sandbox()).curl<{ certify_id: string }>('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V1THENV3' } });
    expect(again.data.certify_id).toBe(v1.certify_id);
  });

  it('answers a business error as HTTP 400 with the documented code, and a scenario outage as 500', async () => {
    const unknown = await refusalOf(v3Sdk(sandbox()).curl('GET', QUERY, { query: { certify_id: '0123456789abcdef0123456789abcdef' } }));
    expect(unknown).toMatchObject({ responseHttpStatus: 400, code: 'OPEN_CERTIFY_BILL_NOT_EXIST' });
    expect(unknown.message).toMatch(/^无效的certify_id \(traceId: \w+\)$/);
    expect(unknown.links).toHaveLength(1);

    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: 'alipay.user.certify.open.initialize' }, outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] });
    try {
      const outage = await refusalOf(v3Sdk(sandbox()).curl('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3OUTAGE' } }));
      expect(outage).toMatchObject({ responseHttpStatus: 500, code: 'unknow-error' });
    } finally {
      sandbox().clearScenario(DEFAULT_APP_ID);
    }
  });

  it('gives a magic identity the v3 form of its outcome: SYSTEM_ERROR as HTTP 400', async () => {
    const busy = MAGIC_IDENTITIES[0]!;
    const refused = await refusalOf(v3Sdk(sandbox()).curl('POST', INITIALIZE, { body: { outer_order_no: 'V3MAGIC', biz_code: 'FACE', identity_param: { ...IDENTITY, cert_name: busy.name, cert_no: busy.cert_no }, merchant_config: { return_url: 'https://m.example/r' } } }));
    expect(refused).toMatchObject({ responseHttpStatus: 400, code: 'SYSTEM_ERROR' });
    expect(refused.message).toContain('系统繁忙');
  });

  it('refuses a bad signature (401, the expected sign string in the detail), an unknown app (401) and an unknown path (400)', async () => {
    const otherKey = (await registerApp(sandbox(), '2021000000000931')).export({ type: 'pkcs1', format: 'pem' }).toString();
    const forged = await refusalOf(v3Sdk(sandbox(), otherKey).curl('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3FORGED' } }));
    expect(forged).toMatchObject({ responseHttpStatus: 401, code: 'invalid-signature' });

    const unknownApp = await refusalOf(v3Sdk(sandbox(), otherKey, '2021000000000932').curl('POST', INITIALIZE, { body: certifyOpenInitializeExample }));
    expect(unknownApp).toMatchObject({ responseHttpStatus: 401, code: 'invalid-app-id' });

    const noSuchPath = await refusalOf(v3Sdk(sandbox()).curl('POST', '/v3/alipay/user/certify/open/certify', { body: { certify_id: 'x' } }));
    expect(noSuchPath).toMatchObject({ responseHttpStatus: 400, code: 'invalid-method' });
  });

  it('refuses a timestamp outside the window and a nonce used twice, with the sign string it verified in the detail', async () => {
    const stale = await handSigned(sandbox(), { timestamp: Date.now() - 16 * 60_000 });
    expect([stale.status, stale.json.code]).toEqual([401, 'invalid-timestamp']);
    const nonce = randomUUID();
    expect((await handSigned(sandbox(), { nonce })).status).toBe(200);
    const replayed = await handSigned(sandbox(), { nonce });
    expect([replayed.status, replayed.json.code]).toEqual([401, 'invalid-signature']);
    expect(replayed.detail).toContain(`nonce ${nonce} was already used`);
    // Signed over one body, sent with another: the detail shows the sign string the gateway built.
    const tampered = await handSigned(sandbox(), { sentBody: '{"outer_order_no":"X"}' });
    expect([tampered.status, tampered.json.code]).toEqual([401, 'invalid-signature']);
    expect(tampered.detail).toContain('\\nPOST\\n/v3/alipay/user/certify/open/initialize\\n{\\"outer_order_no\\":\\"X\\"}\\n');
  });

  it('works in certificate mode: app_cert_sn and alipay-root-cert-sn checked, alipay-sn answered and checked by the SDK', async () => {
    const certSdk = new AlipaySdk({
      appId: DEFAULT_APP_ID,
      privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
      endpoint: sandbox().url,
      appCertPath: testCertificatePaths.defaultAppCert,
      alipayPublicCertPath: testCertificatePaths.alipayPublicCert,
      alipayRootCertPath: testCertificatePaths.alipayRootCert,
    });
    const started = await certSdk.curl<{ certify_id: string }>('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3CERT' } });
    expect(started.data.certify_id).toMatch(/^[0-9a-f]{32}$/);
    // The SDK compares alipay-sn only when it is there: check that it is.
    const authString = `app_id=${DEFAULT_APP_ID},app_cert_sn=${certSdk.config.appCertSn},nonce=${randomUUID()},timestamp=${Date.now()}`;
    const path = `${QUERY}?certify_id=${started.data.certify_id}`;
    const signature = sign('sha256', Buffer.from(`${authString}\nGET\n${path}\n\n`), createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'))).toString('base64');
    const raw = await fetch(sandbox().url + path, { headers: { authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}`, 'alipay-root-cert-sn': certSdk.config.alipayRootCertSn! } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('alipay-sn')).toBe(certSdk.config.alipayCertSn);
    const wrongRoot = new AlipaySdk({ appId: DEFAULT_APP_ID, privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'), endpoint: sandbox().url, alipayPublicKey: sandbox().alipayPublicKeyPem, appCertSn: certSdk.config.appCertSn, alipayRootCertSn: 'not-the-root' });
    expect(await refusalOf(wrongRoot.curl('POST', INITIALIZE, { body: certifyOpenInitializeExample }))).toMatchObject({ responseHttpStatus: 400, code: 'invalid-parameter' });
  });

  it('signs the app auth token line too, when alipay-app-auth-token is sent, and checks the token', async () => {
    const { app_auth_token } = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    const withToken = await v3Sdk(sandbox()).curl<{ certify_id: string }>('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3TOKEN' }, appAuthToken: app_auth_token });
    expect(withToken.responseHttpStatus).toBe(200);
    const unknown = v3Sdk(sandbox()).curl('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3TOKEN' }, appAuthToken: '202601BB0123456789abcdef' });
    expect(await refusalOf(unknown)).toMatchObject({ responseHttpStatus: 401, code: 'invalid-app-auth-token' });
  });

  it('encrypts both ways with alipay-encrypt-type AES (needEncrypt), the SDK decrypting the answer', async () => {
    const key = (await registerApp(sandbox(), '2021000000000941')).export({ type: 'pkcs1', format: 'pem' }).toString();
    const { aes_key } = await sandbox().admin.setAesKey('2021000000000941');
    const sdk = new AlipaySdk({ appId: '2021000000000941', privateKey: key, alipayPublicKey: sandbox().alipayPublicKeyPem, endpoint: sandbox().url, encryptKey: aes_key });
    const started = await sdk.curl<{ certify_id: string }>('POST', INITIALIZE, { body: { ...certifyOpenInitializeExample, outer_order_no: 'V3AES' }, needEncrypt: true });
    expect(started.data.certify_id).toMatch(/^[0-9a-f]{32}$/);
    expect(sandbox().requests({ app_id: '2021000000000941' }).at(-1)?.parameters.outer_order_no).toBe('V3AES');
    const wrongKey = new AlipaySdk({ appId: '2021000000000941', privateKey: key, alipayPublicKey: sandbox().alipayPublicKeyPem, endpoint: sandbox().url, encryptKey: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    const refused = await refusalOf(wrongKey.curl('POST', INITIALIZE, { body: certifyOpenInitializeExample, needEncrypt: true }));
    expect(refused).toMatchObject({ responseHttpStatus: 400, code: 'decryption-error-unknown' });
  });

  it('answers malformed v3 requests with a v3 refusal, never a 5xx', async () => {
    const cases: Array<[string, RequestInit]> = [
      [INITIALIZE, { method: 'POST', body: '{}' }],
      [INITIALIZE, { method: 'POST', headers: { authorization: 'Basic abc' }, body: '{}' }],
      [INITIALIZE, { method: 'POST', headers: { authorization: 'ALIPAY-SHA256withRSA ,,,=,sign=' }, body: 'not json' }],
      [INITIALIZE, { method: 'POST', headers: { authorization: `ALIPAY-SHA256withRSA app_id=${DEFAULT_APP_ID},nonce=x,timestamp=abc,sign=%%%` }, body: '[]' }],
      [`${QUERY}?certify_id=%E4%B8`, { method: 'GET', headers: { authorization: `ALIPAY-SHA256withRSA app_id=${DEFAULT_APP_ID},sign=x` } }],
      ['/v3/', { method: 'DELETE' }],
    ];
    for (const [path, init] of cases) {
      const response = await fetch(sandbox().url + path, init);
      expect(response.status, `${init.method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${init.method} ${path}`).toBeLessThan(500);
      expect(Object.keys((await response.json()) as object)).toEqual(['code', 'message', 'links']);
    }
    expect((await fetch(`${sandbox().url}/__admin/health`)).status).toBe(200);
  });

  it('exchanges an auth code on /v3/alipay/system/oauth/token', async () => {
    const person = sandbox().admin.identities().identities[0]!;
    const { auth_code } = await sandbox().admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: person.user_id });
    const token = await v3Sdk(sandbox()).curl<{ user_id: string }>('POST', '/v3/alipay/system/oauth/token', { body: { grant_type: 'authorization_code', code: auth_code } });
    expect(token.data.user_id).toBe(person.user_id);
    const again = await refusalOf(v3Sdk(sandbox()).curl('POST', '/v3/alipay/system/oauth/token', { body: { grant_type: 'authorization_code', code: auth_code } }));
    expect(again).toMatchObject({ responseHttpStatus: 400, code: 'code-invalid' });
  });

  it('shares the user info on POST /v3/alipay/user/info/share, auth_token in the query and no body, as the v3 SDKs send it', async () => {
    const person = sandbox().admin.identities().identities[0]!;
    const { auth_code } = await sandbox().admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: person.user_id, scope: 'auth_user' });
    const token = await v3Sdk(sandbox()).curl<{ access_token: string; open_id: string }>('POST', '/v3/alipay/system/oauth/token', { body: { grant_type: 'authorization_code', code: auth_code } });
    const shared = await v3Sdk(sandbox()).curl<{ user_id: string; open_id: string }>('POST', USER_INFO_SHARE, { query: { auth_token: token.data.access_token } });
    expect(shared).toMatchObject({ responseHttpStatus: 200, data: { user_id: person.user_id, open_id: token.data.open_id } });
    // The token alipay-sdk's own tests send to Alipay, and the refusal they record.
    const unknown = await refusalOf(v3Sdk(sandbox()).curl('POST', USER_INFO_SHARE, { query: { auth_token: '20120823ac6ffaa4d2d84e7384bf983531473993' } }));
    expect(unknown).toMatchObject({ responseHttpStatus: 401, code: 'invalid-auth-token', message: expect.stringContaining('无效的访问令牌') });
  });
});

describe("the reference client's callV3", () => {
  it('calls the v3 paths, verifying the answer, and reads a refusal as AlipayV3Error', async () => {
    const client = new AlipayClient({ gateway: sandbox().gatewayUrl, appId: DEFAULT_APP_ID, privateKey: sandbox().defaultApp.privateKeyPem, alipayPublicKey: sandbox().alipayPublicKeyPem });
    const started = await client.callV3('alipay.user.certify.open.initialize', { ...certifyOpenInitializeExample, outer_order_no: 'V3CLIENT' } as never);
    expect(started.certify_id).toMatch(/^[0-9a-f]{32}$/);
    expect((await client.callV3('alipay.user.certify.open.query', { certify_id: started.certify_id })).passed).toBe('F');
    const refused = await client.callV3('alipay.user.certify.open.query', { certify_id: '0123456789abcdef0123456789abcdef' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlipayV3Error);
    expect(refused).toMatchObject({ status: 400, code: 'OPEN_CERTIFY_BILL_NOT_EXIST', links: [{ desc: '解决方案' }] });
    const wrongKey = new AlipayClient({ gateway: sandbox().gatewayUrl, appId: DEFAULT_APP_ID, privateKey: sandbox().defaultApp.privateKeyPem, alipayPublicKey: readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8') });
    await expect(wrongKey.callV3('alipay.user.certify.open.query', { certify_id: started.certify_id })).rejects.toThrow("alipay-signature does not verify");
  });

  it('sends the parameters a v3 POST takes in its query there: alipay.user.info.share\'s auth_token', async () => {
    const client = new AlipayClient({ gateway: sandbox().gatewayUrl, appId: DEFAULT_APP_ID, privateKey: sandbox().defaultApp.privateKeyPem, alipayPublicKey: sandbox().alipayPublicKeyPem });
    const person = sandbox().admin.identities().identities[1]!;
    const { auth_code } = await sandbox().admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: person.user_id, scope: 'auth_user' });
    const token = await client.callV3('alipay.system.oauth.token', { grant_type: 'authorization_code', code: auth_code });
    expect(await client.callV3('alipay.user.info.share', { auth_token: token.access_token })).toMatchObject({ user_id: person.user_id });
  });
});
