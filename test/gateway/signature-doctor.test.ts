/**
 * A request whose signature fails gets Alipay's own invalid-signature answer, unchanged; the
 * x-sandbox-detail header (and the journal entry's response.detail) names the common mistake under
 * which the sign does verify, with its fix, or, when none does, the fingerprint of the app's key.
 */
import { createHash, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { adminOf, journal, registerApp } from '../support/admin-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { detailOf, nodeOf, postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { defaultAppPrivateKey, formEncode, publicParams, signString } from '../support/signed-request.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();

type Params = Record<string, string>;

/** A request of the default app (or `overrides`' app_id) whose biz_content has Chinese, so charsets and escapes differ. */
function requestParams(overrides: Params = {}, bizContent?: string): Params {
  const business = { ...certifyOpenInitializeExample, outer_order_no: `DOCTOR${randomUUID().slice(0, 12)}`, note: '张三的认证' };
  return { ...publicParams(CERTIFY_OPEN_INITIALIZE, overrides), biz_content: bizContent ?? JSON.stringify(business) };
}

interface SignWith {
  readonly digest?: 'sha256' | 'sha1';
  readonly key?: KeyObject;
  readonly charset?: 'utf-8' | 'gbk';
}

function signText(text: string, options: SignWith = {}): string {
  const bytes = options.charset === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
  return sign(options.digest ?? 'sha256', bytes, options.key ?? defaultAppPrivateKey).toString('base64');
}

/** Posts the parameters, every one in the body in the order given, with this sign. */
function post(params: Params, signature: string): Promise<GatewayAnswer> {
  return postForm(sandbox(), { path: '/gateway.do', body: formEncode({ ...params, sign: signature }) });
}

/** Alipay's answer to a failed signature, exactly: nothing the sandbox adds is in the envelope. */
function expectAlipaysRefusal(answer: GatewayAnswer, params: Params): void {
  expect(answer.status).toBe(200);
  expect(nodeOf(answer)).toEqual({
    code: '40002',
    msg: 'Invalid Arguments',
    sub_code: 'isv.invalid-signature',
    sub_msg: `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signString(params).replaceAll('&', '&amp;')}`,
  });
}

async function refusedWith(params: Params, signature: string): Promise<string> {
  const answer = await post(params, signature);
  expectAlipaysRefusal(answer, params);
  return detailOf(answer);
}

const byName = (entries: [string, string][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const joined = (entries: [string, string][]) => entries.map(([k, v]) => `${k}=${v}`).join('&');

describe('a correct request', () => {
  it('verifies and gets no diagnosis', async () => {
    const params = requestParams();
    const answer = await post(params, signText(signString(params)));
    expect(nodeOf(answer)).toMatchObject({ code: '10000' });
    expect(answer.headers.get('x-sandbox-detail')).toBeNull();
  });
});

describe('a failed signature names the mistake that verifies', () => {
  it('SHA1 under sign_type RSA2', async () => {
    const params = requestParams();
    const detail = await refusedWith(params, signText(signString(params), { digest: 'sha1' }));
    expect(detail).toBe('the sign is SHA1withRSA (sign_type RSA), but the request says sign_type RSA2; sign with SHA256withRSA, as RSA2 means');
  });

  it('SHA256 under sign_type RSA, for an app registered for RSA', async () => {
    const { privateKey, publicKey } = spareKeyPair();
    const appId = `doctor-rsa-${randomUUID().slice(0, 8)}`;
    await adminOf(sandbox()).registerApp({ app_id: appId, sign_type: 'RSA', public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const params = requestParams({ app_id: appId, sign_type: 'RSA' });
    const detail = await refusedWith(params, signText(signString(params), { key: privateKey }));
    expect(detail).toBe('the sign is SHA256withRSA (sign_type RSA2), but the request says sign_type RSA; sign with SHA1withRSA, as RSA means');
  });

  it('values URL-encoded before signing', async () => {
    const params = requestParams();
    const encoded = byName(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]));
    const detail = await refusedWith(params, signText(joined(encoded)));
    expect(detail).toBe('the sign string was built from URL-encoded values (encodeURIComponent); sign the raw values and URL-encode only the request you send');
  });

  it('values form-encoded (spaces as +) before signing', async () => {
    const params = requestParams();
    const encoded = byName(Object.entries(params).map(([k, v]) => [k, new URLSearchParams({ v }).toString().slice(2)]));
    const detail = await refusedWith(params, signText(joined(encoded)));
    expect(detail).toMatch(/^the sign string was built from URL-encoded values \(form encoding\); sign the raw values/);
  });

  it('sign_type left out of the sign string', async () => {
    const params = requestParams();
    const withoutSignType = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'sign_type'));
    const detail = await refusedWith(params, signText(signString(withoutSignType)));
    expect(detail).toMatch(/^the sign string leaves out sign_type; keep sign_type in it and leave out only sign/);
  });

  it('sign put in the sign string (empty, as before signing)', async () => {
    const params = requestParams();
    const detail = await refusedWith(params, signText(joined(byName([...Object.entries(params), ['sign', '']]))));
    expect(detail).toBe('the sign string includes sign (empty, as it was before signing); leave sign out of the string you sign');
  });

  it('empty parameters kept in the sign string, as alipay-sdk for Node keeps them', async () => {
    const params = { ...requestParams(), notify_url: '' };
    const detail = await refusedWith(params, signText(joined(byName(Object.entries(params)))));
    expect(detail).toMatch(/^the sign string keeps the empty parameters \(notify_url\), as alipay-sdk for Node does; Alipay drops empty values/);
  });

  it('parameters not sorted (signed in the order sent)', async () => {
    const params = requestParams();
    const detail = await refusedWith(params, signText(joined(Object.entries(params))));
    expect(detail).toBe('the sign string has the parameters in the order sent, not sorted; sort them by name in ASCII order');
  });

  it('biz_content sent pretty-printed but signed as compact JSON', async () => {
    const compact = requestParams();
    const params = { ...compact, biz_content: JSON.stringify(JSON.parse(compact.biz_content!), null, 2) };
    const detail = await refusedWith(params, signText(signString(compact)));
    expect(detail).toBe('biz_content was signed as compact JSON re-serialised from its value, not as the text sent; sign exactly the biz_content string you send');
  });

  it('biz_content signed with \\u escapes but sent without them', async () => {
    const params = requestParams();
    const escaped = params.biz_content!.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const detail = await refusedWith(params, signText(signString({ ...params, biz_content: escaped })));
    expect(detail).toMatch(/^biz_content was signed as JSON with its non-ASCII characters as \\u escapes, not as the text sent/);
  });

  it('the sign string signed as GBK bytes under charset=utf-8', async () => {
    const params = requestParams();
    const detail = await refusedWith(params, signText(signString(params), { charset: 'gbk' }));
    expect(detail).toBe("the sign string was signed as GBK bytes, but the request says charset=utf-8; sign the string's UTF-8 bytes, the charset the request declares");
  });

  it("another registered app's key", async () => {
    const otherId = `doctor-other-${randomUUID().slice(0, 8)}`;
    const otherKey = await registerApp(sandbox(), otherId);
    const params = requestParams();
    const detail = await refusedWith(params, signText(signString(params), { key: otherKey }));
    expect(detail).toBe(`the sign was made with app ${otherId}'s private key, not app ${DEFAULT_APP_ID}'s; sign with the private key of the app named in app_id`);
  });

  it("the default test app's key, for a registered app", async () => {
    const appId = `doctor-own-${randomUUID().slice(0, 8)}`;
    await registerApp(sandbox(), appId);
    const params = requestParams({ app_id: appId });
    const detail = await refusedWith(params, signText(signString(params)));
    expect(detail).toBe(`the sign was made with the sandbox's default test app's private key (app ${DEFAULT_APP_ID}), not app ${appId}'s; sign with the private key of the app named in app_id`);
  });
});

describe('a sign that no mistake explains', () => {
  const fingerprint = (key: KeyObject) => createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');

  it("names the app's registered key by its SPKI SHA-256 fingerprint, in the header and the journal", async () => {
    const params = requestParams();
    const detail = await refusedWith(params, signText(signString(params), { key: spareKeyPair().privateKey }));
    const defaultKey = createPublicKey(readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'));
    expect(detail).toMatch(new RegExp(`^no common mistake explains the sign: the parameters differ from what was signed, or it was made with a key the sandbox does not know; app ${DEFAULT_APP_ID}'s registered public key has SPKI SHA-256 fingerprint ${fingerprint(defaultKey)}: `));
    const entry = (await journal(sandbox(), { app_id: DEFAULT_APP_ID })).at(-1);
    expect(entry?.response.detail).toBe(detail);
  });

  it('fingerprints a key registered as PKCS#1 PEM the same as its SPKI', async () => {
    const { publicKey } = spareKeyPair();
    const appId = `doctor-pkcs1-${randomUUID().slice(0, 8)}`;
    await adminOf(sandbox()).registerApp({ app_id: appId, public_key: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    const params = requestParams({ app_id: appId });
    const detail = await refusedWith(params, signText(signString(params), { key: spareKeyPair().privateKey }));
    expect(detail).toContain(`app ${appId}'s registered public key has SPKI SHA-256 fingerprint ${fingerprint(publicKey)}: `);
  });
});
