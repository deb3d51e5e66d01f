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

/** An OpenAPI v3 request signed by hand (reference §7), so each mistake can be made on purpose. */
interface V3Request {
  readonly appId: string;
  readonly httpMethod: 'GET' | 'POST';
  /** The path and query as sent in the request line. */
  readonly url: string;
  readonly body: string;
  readonly authString: string;
  /** The alipay-app-auth-token header, when sent. */
  readonly token?: string;
}

const V3_INITIALIZE = '/v3/alipay/user/certify/open/initialize';
const V3_QUERY = '/v3/alipay/user/certify/open/query';

function v3Request(overrides: Partial<Omit<V3Request, 'authString'>> = {}): V3Request {
  const appId = overrides.appId ?? DEFAULT_APP_ID;
  const body = JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: `V3DOC${randomUUID().slice(0, 8)}` });
  return { appId, httpMethod: 'POST', url: V3_INITIALIZE, body, ...overrides, authString: `app_id=${appId},nonce=${randomUUID()},timestamp=${Date.now()}` };
}

/** The v3 sign string of the parts given, built here independently of the sandbox. */
function v3SignString(parts: Pick<V3Request, 'authString' | 'httpMethod' | 'url' | 'body' | 'token'>): string {
  return `${parts.authString}\n${parts.httpMethod}\n${parts.url}\n${parts.body}\n${parts.token ? `${parts.token}\n` : ''}`;
}

async function postV3(request: V3Request, signature: string): Promise<{ status: number; json: unknown; detail: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${request.authString},sign=${signature}` };
  if (request.token) headers['alipay-app-auth-token'] = request.token;
  const response = await fetch(sandbox().url + request.url, { method: request.httpMethod, headers, ...(request.httpMethod === 'POST' ? { body: request.body } : {}) });
  const header = response.headers.get('x-sandbox-detail');
  return { status: response.status, json: await response.json(), detail: header === null ? null : decodeURI(header) };
}

/** The v3 refusal, exactly as before the diagnosis; the detail it came with. */
async function refusedV3(request: V3Request, signature: string): Promise<string> {
  const answer = await postV3(request, signature);
  expect(answer.status).toBe(401);
  expect(answer.json).toEqual({ code: 'invalid-signature', message: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配', links: [{ link: 'https://opendocs.alipay.com/common/02km9f', desc: '解决方案' }] });
  return answer.detail ?? '';
}

/** The detail: the finding, then the sign string the gateway verified, as before. */
function v3Detail(finding: string, request: V3Request): string {
  return `${finding}. The gateway verified SHA256withRSA over ${JSON.stringify(v3SignString(request))} with app ${request.appId}'s public key`;
}

const SIGN_AS_SENT = 'sign the path and query exactly as in the request line (build the URL once and use it for both)';

describe('OpenAPI v3: a failed signature names the mistake that verifies', () => {
  it('a correct v3 request verifies and gets no diagnosis', async () => {
    const request = v3Request();
    const answer = await postV3(request, signText(v3SignString(request)));
    expect(answer.status).toBe(200);
    expect(answer.detail).toBeNull();
  });

  it('the query left out of the signed path', async () => {
    const request = v3Request({ httpMethod: 'GET', url: `${V3_QUERY}?certify_id=${randomUUID().replaceAll('-', '')}`, body: '' });
    const detail = await refusedV3(request, signText(v3SignString({ ...request, url: V3_QUERY })));
    expect(detail).toBe(v3Detail(`the sign string's path leaves out the query (${request.url.slice(V3_QUERY.length)}); ${SIGN_AS_SENT}`, request));
  });

  it('the path and query signed URL-decoded', async () => {
    const request = v3Request({ httpMethod: 'GET', url: `${V3_QUERY}?certify_id=${encodeURIComponent('a b/张三')}`, body: '' });
    const detail = await refusedV3(request, signText(v3SignString({ ...request, url: `${V3_QUERY}?certify_id=a b/张三` })));
    expect(detail).toBe(v3Detail(`the path and query were signed URL-decoded, not as sent; ${SIGN_AS_SENT}`, request));
  });

  it('the query signed with encodeURIComponent but sent form-encoded', async () => {
    const request = v3Request({ httpMethod: 'GET', url: `${V3_QUERY}?${new URLSearchParams({ certify_id: 'a b/张三' })}`, body: '' });
    expect(request.url).toContain('a+b');
    const detail = await refusedV3(request, signText(v3SignString({ ...request, url: `${V3_QUERY}?certify_id=${encodeURIComponent('a b/张三')}` })));
    expect(detail).toBe(v3Detail(`the query was signed encoded another way (encodeURIComponent) than sent; ${SIGN_AS_SENT}`, request));
  });

  it('the trailing newline missing', async () => {
    const request = v3Request();
    const detail = await refusedV3(request, signText(v3SignString(request).slice(0, -1)));
    expect(detail).toBe(v3Detail('the sign string has no newline after its last line; end every line with \\n, the last one included', request));
  });

  it('the body sent pretty-printed but signed as compact JSON', async () => {
    const compact = v3Request();
    const request = { ...compact, body: JSON.stringify(JSON.parse(compact.body), null, 2) };
    const detail = await refusedV3(request, signText(v3SignString(compact)));
    expect(detail).toBe(v3Detail('the body was signed as compact JSON re-serialised from its value, not as the text sent; sign exactly the body you send', request));
  });

  it('the body left out of the sign string', async () => {
    const request = v3Request();
    const detail = await refusedV3(request, signText(v3SignString({ ...request, body: '' })));
    expect(detail).toBe(v3Detail('the sign string leaves out the body; sign the body exactly as sent, on the line after the path (an empty line only when there is no body)', request));
  });

  it('the alipay-app-auth-token header sent but its line missing from the sign string', async () => {
    const request = v3Request({ token: `202601BB${randomUUID().replaceAll('-', '').slice(0, 24)}` });
    const detail = await refusedV3(request, signText(v3SignString({ ...request, token: undefined })));
    expect(detail).toBe(v3Detail('the request sends alipay-app-auth-token but the sign string has no line for it; add the token and \\n after the body line whenever you send that header', request));
  });

  it('an app auth token line signed, the token sent in the body rather than the header', async () => {
    const token = `202601BB${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const plain = v3Request();
    const request = { ...plain, body: JSON.stringify({ ...(JSON.parse(plain.body) as object), app_auth_token: token }) };
    const detail = await refusedV3(request, signText(v3SignString({ ...request, token })));
    expect(detail).toBe(
      v3Detail('the sign string has an app auth token line, but the request sends no alipay-app-auth-token header (the token is in the query or body); send the token in the alipay-app-auth-token header, or leave its line out', request),
    );
  });

  it('an empty app auth token line signed without the header', async () => {
    const request = v3Request();
    const detail = await refusedV3(request, signText(`${v3SignString(request)}\n`));
    expect(detail).toBe(v3Detail('the sign string ends with an empty app auth token line, but the request sends no alipay-app-auth-token header; add that line only with the header', request));
  });

  it('SHA1 instead of SHA256', async () => {
    const request = v3Request();
    const detail = await refusedV3(request, signText(v3SignString(request), { digest: 'sha1' }));
    expect(detail).toBe(v3Detail('the sign is SHA1withRSA; v3 takes SHA256withRSA only (the ALIPAY-SHA256withRSA scheme): sign with SHA256withRSA', request));
  });

  it("another registered app's key", async () => {
    const otherId = `doctor-v3-other-${randomUUID().slice(0, 8)}`;
    const otherKey = await registerApp(sandbox(), otherId);
    const request = v3Request();
    const detail = await refusedV3(request, signText(v3SignString(request), { key: otherKey }));
    expect(detail).toBe(v3Detail(`the sign was made with app ${otherId}'s private key, not app ${DEFAULT_APP_ID}'s; sign with the private key of the app named in app_id`, request));
  });

  it("the default test app's key, for a registered app", async () => {
    const appId = `doctor-v3-own-${randomUUID().slice(0, 8)}`;
    await registerApp(sandbox(), appId);
    const request = v3Request({ appId });
    const detail = await refusedV3(request, signText(v3SignString(request)));
    expect(detail).toBe(v3Detail(`the sign was made with the sandbox's default test app's private key (app ${DEFAULT_APP_ID}), not app ${appId}'s; sign with the private key of the app named in app_id`, request));
  });

  it("falls back as gateway.do does: the registered key's fingerprint, then the sign string", async () => {
    const request = v3Request();
    const detail = await refusedV3(request, signText(v3SignString(request), { key: spareKeyPair().privateKey }));
    const defaultKey = createPublicKey(readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'));
    const fingerprint = createHash('sha256').update(defaultKey.export({ type: 'spki', format: 'der' })).digest('hex');
    expect(detail).toMatch(new RegExp(`^no common mistake explains the sign: the parameters differ from what was signed, or it was made with a key the sandbox does not know; app ${DEFAULT_APP_ID}'s registered public key has SPKI SHA-256 fingerprint ${fingerprint}: `));
    expect(detail.endsWith(`. The gateway verified SHA256withRSA over ${JSON.stringify(v3SignString(request))} with app ${DEFAULT_APP_ID}'s public key`)).toBe(true);
  });
});
