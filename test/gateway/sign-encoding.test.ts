/**
 * The sign as Alipay decodes it: standard base64 only (A-Z a-z 0-9 + /, '=' padding to a multiple of
 * 4), whitespace skipped. A correct signature re-encoded as base64url, or cut of its padding, which
 * Node's own decoder would still read, is refused with Alipay's invalid-signature answer, and the
 * x-sandbox-detail header says what was wrong with the encoding.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { signEncodingProblem } from '../../mock-server/core/protocol/signature.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { detailOf, nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signParams, type SignedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const STANDARD = 'Alipay decodes standard base64: use + and / with = padding';
const INVALID_SIGNATURE = { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' };

/**
 * Parameters whose signature `fits` (by default: has a '+' or a '/', so that a base64url copy differs
 * in more than its padding), with that signature; the order number changes until one does.
 */
function signedParameters(fits = (signature: string) => /[+/]/.test(signature)): { params: Record<string, string>; sign: string } {
  for (let attempt = 0; ; attempt++) {
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: `SIGNENC${attempt}${randomUUID().slice(0, 8)}` }) };
    const signature = signParams(params);
    if (fits(signature)) return { params, sign: signature };
  }
}

/** The request with this text as its sign, everything in the form body, percent-encoded. */
function withSign(params: Readonly<Record<string, string>>, signText: string): SignedRequest {
  return { path: '/gateway.do', body: formEncode({ ...params, sign: signText }) };
}

const base64url = (text: string) => text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

describe('a sign in standard base64', () => {
  it('is accepted', async () => {
    const { params, sign: signature } = signedParameters();
    expect(nodeOf(await postForm(sandbox(), withSign(params, signature)))).toMatchObject({ code: '10000' });
  });
});

describe('a sign that is not standard base64, though Node would decode it to the right signature', () => {
  it('base64url (- and _, no padding) is refused as an invalid signature, the detail saying so', async () => {
    const { params, sign: signature } = signedParameters();
    const answer = await postForm(sandbox(), withSign(params, base64url(signature)));
    expect(nodeOf(answer)).toMatchObject(INVALID_SIGNATURE);
    expect(nodeOf(answer).sub_msg).toMatch(/^验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：/);
    expect(detailOf(answer)).toBe(`the sign is base64url (it has '-' or '_'); ${STANDARD}`);
  });

  it('base64url with its padding kept is refused the same way', async () => {
    const { params, sign: signature } = signedParameters();
    const answer = await postForm(sandbox(), withSign(params, signature.replaceAll('+', '-').replaceAll('/', '_')));
    expect(nodeOf(answer)).toMatchObject(INVALID_SIGNATURE);
    expect(detailOf(answer)).toBe(`the sign is base64url (it has '-' or '_'); ${STANDARD}`);
  });

  it('standard base64 with only its padding stripped is refused, the detail counting its characters', async () => {
    const { params, sign: signature } = signedParameters();
    // An RSA-2048 signature is 256 bytes: 344 characters, the last two '='.
    expect(signature).toMatch(/==$/);
    const answer = await postForm(sandbox(), withSign(params, signature.slice(0, -2)));
    expect(nodeOf(answer)).toMatchObject(INVALID_SIGNATURE);
    expect(detailOf(answer)).toBe(`the sign has no '=' padding (342 characters, not a multiple of 4); ${STANDARD}`);
  });

  it('a sign whose + were sent unencoded (so arrive as spaces) is refused, the detail saying why', async () => {
    // Without its '+' it is not a multiple of 4 long: the spaces are then what the detail can point at.
    const { params, sign: signature } = signedParameters((text) => text.split('+').length % 4 !== 1);
    const request = withSign(params, signature);
    const answer = await postForm(sandbox(), { ...request, body: request.body.replaceAll('%2B', '+') });
    expect(nodeOf(answer)).toMatchObject(INVALID_SIGNATURE);
    expect(detailOf(answer)).toBe(`the sign has spaces: a '+' sent without percent-encoding (%2B) arrives as one; ${STANDARD}`);
  });
});

describe('signEncodingProblem', () => {
  const signature = 'ab+/'.repeat(85) + 'QQ==';

  it('passes standard base64, also wrapped into lines, whose whitespace Alipay\'s decoder skips', () => {
    expect(signEncodingProblem(signature)).toBeUndefined();
    expect(signEncodingProblem(signature.replace(/(.{76})/g, '$1\r\n'))).toBeUndefined();
    expect(signEncodingProblem('QUJD')).toBeUndefined();
    expect(signEncodingProblem('QUI=')).toBeUndefined();
  });

  it('names what is wrong otherwise', () => {
    expect(signEncodingProblem(base64url(signature))).toBe(`the sign is base64url (it has '-' or '_'); ${STANDARD}`);
    expect(signEncodingProblem('QUJD.QUJD')).toBe(`the sign has ".", which is not in base64's alphabet; ${STANDARD}`);
    expect(signEncodingProblem('QQ==QUJD')).toBe(`the sign has '=' before its last two characters, where only padding goes; ${STANDARD}`);
    expect(signEncodingProblem('QUJ')).toBe(`the sign has no '=' padding (3 characters, not a multiple of 4); ${STANDARD}`);
    expect(signEncodingProblem('QUJDQ=')).toBe(`the sign's '=' padding leaves it 6 characters long, not a multiple of 4; ${STANDARD}`);
    expect(signEncodingProblem('QUJ DQ==')).toBe(`the sign has spaces: a '+' sent without percent-encoding (%2B) arrives as one; ${STANDARD}`);
  });
});

describe('the v3 Authorization header\'s sign', () => {
  const PATH = '/v3/alipay/user/certify/open/initialize';

  async function call(encode: (signature: string) => string): Promise<{ status: number; code: unknown; detail?: string }> {
    const body = JSON.stringify({ outer_order_no: `V3ENC${randomUUID().slice(0, 8)}`, biz_code: 'FACE', identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' }, merchant_config: { return_url: 'https://m.example/r' } });
    const authString = `app_id=${DEFAULT_APP_ID},nonce=${randomUUID()},timestamp=${Date.now()}`;
    const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${PATH}\n${body}\n`), createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'))).toString('base64');
    const response = await fetch(sandbox().url + PATH, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${encode(signature)}` }, body });
    const answer = { status: response.status, code: ((await response.json()) as { code?: unknown }).code };
    return response.status === 200 ? answer : { ...answer, detail: decodeURIComponent(response.headers.get('x-sandbox-detail') ?? '') };
  }

  it('is verified as strictly: standard base64 passes, base64url and an unpadded sign are refused', async () => {
    expect((await call((signature) => signature)).status).toBe(200);
    expect(await call(base64url)).toMatchObject({ status: 401, code: 'invalid-signature', detail: expect.stringContaining("the sign is base64url (it has '-' or '_')") });
    expect(await call((signature) => signature.replace(/=+$/, ''))).toMatchObject({ status: 401, code: 'invalid-signature', detail: expect.stringContaining("the sign has no '=' padding") });
  });
});
