/**
 * Requests written byte for byte as the other official clients send them, from their public sources:
 * typed request models that put JSON objects where the pages say JSON text (Java's domain classes,
 * Python's models, Go's structs), the PHP SDK's page form that names charset in the action URL and in
 * a field, and GBK callers (Java, PHP, Python) who read the answer, and check its signature, in GBK.
 */
import { createPublicKey, verify } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { aesKeyBytes, decryptContent, encryptContent } from '../../mock-server/keys/node-crypto.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { jsonTextFields } from '../../mock-server/core/methods/biz-content.js';
import { exampleRequest } from '../../mock-server/core/methods/method-examples.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { detailOf, nodeOf, postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signedRequest, signParams, type Charset } from '../support/signed-request.js';
import { javaExtractor, phpExtractor, pythonExtractor } from '../support/sdk-sign-extractors.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();

/**
 * Each method with JSON-text fields and its example call, from its definition: what the derived smoke
 * check and contract send. A call whose example needs a record made first (a confirm's token) is
 * refused the same way in both forms; the others are answered with success.
 */
const WITH_JSON_TEXT: ReadonlyArray<[string, Record<string, string>, boolean]> = SUPPORTED_METHODS.filter((d) => jsonTextFields(d.bizContentSchema).length > 0).map((d) => [
  d.name,
  exampleRequest(d),
  d.exampleCall?.needs === undefined,
]);

/** The JSON-text fields as a typed model sends them: JSON objects. */
function asTypedModel(method: string, bizContent: Readonly<Record<string, string>>): Record<string, unknown> {
  const fields = jsonTextFields(SUPPORTED_METHODS.find((d) => d.name === method)!.bizContentSchema);
  return Object.fromEntries(Object.entries(bizContent).map(([k, v]) => [k, fields.includes(k) ? JSON.parse(v) : v]));
}

function call(method: string, bizContent: unknown, overrides: Readonly<Record<string, string>> = {}): Promise<GatewayAnswer> {
  return postForm(sandbox(), signedRequest({ ...publicParams(method, overrides), biz_content: JSON.stringify(bizContent) }));
}

describe('fields the pages describe as JSON text, sent as JSON objects by typed-model SDKs', () => {
  it('finds the methods whose pages describe JSON text (a check of the list the next test runs over)', () => {
    expect(WITH_JSON_TEXT.map(([method]) => method)).toEqual(expect.arrayContaining([CERTIFY_OPEN_INITIALIZE, 'zhima.customer.certification.initialize', 'datadigital.fincloud.generalsaas.face.certify.initialize']));
  });

  it.each(WITH_JSON_TEXT)('%s answers the object form exactly as the text form', async (method, bizContent, succeeds) => {
    const asText = nodeOf(await call(method, bizContent));
    const asObjects = nodeOf(await call(method, asTypedModel(method, bizContent)));
    if (succeeds) expect(asText.code).toBe('10000');
    // What differs between two calls of the same text (a new verify_id each time) is the call's, not the form's.
    const again = nodeOf(await call(method, bizContent));
    const perCall = Object.keys(asText).filter((field) => asText[field] !== again[field]);
    const without = (node: Record<string, unknown>) => Object.fromEntries(Object.entries(node).filter(([field]) => !perCall.includes(field)));
    expect(Object.keys(asObjects).sort()).toEqual(Object.keys(asText).sort());
    expect(without(asObjects)).toEqual(without(asText));
  });

  it('applies the page\'s maximum length to the serialized object', async () => {
    // merchant_config is at most 4096 characters: an object whose compact JSON is 4097 long is refused.
    const long = { return_url: 'https://merchant.example/' + 'r'.repeat(4096 - '{"return_url":"https://merchant.example/"}'.length + 1) };
    expect(JSON.stringify(long)).toHaveLength(4097);
    const answer = await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'OBJLEN01', merchant_config: long });
    expect(nodeOf(answer)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(detailOf(answer)).toContain('merchant_config is longer than 4096 characters');
    const fits = { return_url: long.return_url.slice(1) };
    expect(nodeOf(await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'OBJLEN02', merchant_config: fits })).code).toBe('10000');
  });

  it('validates what the object holds by the same schema: a missing cert_no is the documented code', async () => {
    const identity = { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委' };
    const answer = await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'OBJMISS1', identity_param: identity });
    expect(nodeOf(answer)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(detailOf(answer)).toContain('identity_param.cert_no is required');
  });

  it('still refuses JSON text that is not JSON, and an object where a scalar belongs', async () => {
    const notJson = await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'OBJBAD01', identity_param: '{cert_no:1' });
    expect(nodeOf(notJson)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(detailOf(notJson)).toContain('identity_param must be a string holding JSON');
    const objectOrderNo = await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: { no: 1 } });
    expect(nodeOf(objectOrderNo)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(detailOf(objectOrderNo)).toContain('outer_order_no must be a string');
  });

  it('lets scenario rules read into the object form as into the text', async () => {
    const appId = sandbox().defaultApp.appId;
    sandbox().setScenario(appId, { rules: [{ match: { method: 'zhima.auth.info.authquery', biz_content: { 'identity_param.certNo': '330211199003132437' } }, outcome: { business_error: 'ZM_ACCOUNT_PAUSE' } }] });
    try {
      const method: SeedMethod = 'zhima.auth.info.authquery';
      expect(nodeOf(await call(method, asTypedModel(method, VALID_REQUESTS[method]))).sub_code).toBe('ZM_ACCOUNT_PAUSE');
    } finally {
      sandbox().clearScenario(appId);
    }
  });
});

describe('a parameter repeated with the same value (the PHP SDK\'s pageExecute form)', () => {
  /** AopClient::pageExecute($request, 'POST'): a form posted to gateway.do?charset=UTF-8 with every parameter, charset included, as fields. */
  function phpPageForm(method: string, bizContent: object, queryCharset = 'UTF-8', fieldCharset = 'UTF-8') {
    const params = { ...publicParams(method, { charset: fieldCharset }), biz_content: JSON.stringify(bizContent) };
    return { path: `/gateway.do?charset=${queryCharset}`, body: formEncode({ ...params, sign: signParams(params) }) };
  }

  it('is one parameter: the page API answers its page', async () => {
    const started = nodeOf(await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'PHPFORM01' }));
    const form = phpPageForm('alipay.user.certify.open.certify', { certify_id: started.certify_id });
    const response = await fetch(sandbox().url + form.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.body });
    const html = await response.text();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain(started.certify_id!);
    expect(html).not.toContain('isv.invalid-parameter');
  });

  it('is one parameter for a JSON API too (?charset=utf-8 in the configured gateway URL)', async () => {
    const request = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: 'PHPFORM02' }) });
    const answer = await postForm(sandbox(), { ...request, body: `${request.body}&charset=utf-8` });
    expect(nodeOf(answer).code).toBe('10000');
  });

  it('with different values stays refused, naming the parameter and both values', async () => {
    const form = phpPageForm(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'PHPFORM03' }, 'GBK', 'UTF-8');
    const node = nodeOf(await postForm(sandbox(), form));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
    expect(node.sub_msg).toContain('parameter charset appears in both the query and the body with different values ("GBK" and "UTF-8"); send it once');
  });
});

describe('answers in the request\'s charset', () => {
  /** A GBK caller's request: parameters in GBK bytes, signed over GBK bytes (Java, PHP, Python). */
  function gbkCall(method: string, bizContent: object, label: Charset | 'GBK' = 'GBK', extra: Readonly<Record<string, string>> = {}) {
    const encoding: Charset = label === 'GBK' ? 'gbk' : label;
    const params = { ...publicParams(method, { charset: label }), ...extra, biz_content: JSON.stringify(bizContent) };
    return postForm(sandbox(), signedRequest(params, { charset: encoding }));
  }

  /** The signature over the node cut out as the Java and PHP SDKs cut it, encoded in `charset`. */
  function verifiesOver(answer: GatewayAnswer, method: string, charset: 'gbk' | 'utf-8'): boolean {
    const content = javaExtractor(answer.text, method);
    const bytes = charset === 'gbk' ? iconv.encode(content, 'gbk') : Buffer.from(content, 'utf8');
    return verify('sha256', bytes, createPublicKey(sandbox().alipayPublicKeyPem), Buffer.from(answer.json.sign as string, 'base64'));
  }

  it.each<[Charset | 'GBK']>([['GBK'], ['gbk'], ['gb2312']])('charset=%s: GBK bytes, labelled GBK, signed over the GBK bytes of the node', async (label) => {
    const answer = await gbkCall(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: `GBKANSWER${label}` }, label);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=GBK');
    expect(nodeOf(answer).code).toBe('10000');
    expect(verifiesOver(answer, CERTIFY_OPEN_INITIALIZE, 'gbk')).toBe(true);
  });

  it('a Chinese sub_msg arrives as GBK bytes, and the signature holds over them, not over UTF-8', async () => {
    const answer = await gbkCall('alipay.user.auth.zhimaper.inner.apply', { cert_no: '110101190001010022', cert_type: 'IDENTITY_CARD', name: '无会员', mobile: '13800000002' });
    const node = nodeOf(answer);
    expect(node).toMatchObject({ sub_code: 'NO_USER_ERROR', sub_msg: '身份三要素不存在支付宝认证的个人会员' });
    // The bytes on the wire are GBK: the UTF-8 bytes of the text are nowhere in them.
    expect(answer.bytes.includes(iconv.encode('身份三要素', 'gbk'))).toBe(true);
    expect(answer.bytes.includes(Buffer.from('身份三要素', 'utf8'))).toBe(false);
    expect(verifiesOver(answer, 'alipay.user.auth.zhimaper.inner.apply', 'gbk')).toBe(true);
    expect(verifiesOver(answer, 'alipay.user.auth.zhimaper.inner.apply', 'utf-8')).toBe(false);
  });

  it('a gateway error with a Chinese sub_msg is GBK too', async () => {
    const answer = await gbkCall(CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample, 'GBK', { timestamp: '2001-01-01 00:00:00' });
    expect(answer.headers.get('content-type')).toBe('application/json;charset=GBK');
    expect(nodeOf(answer).sub_code).toBe('isv.invalid-timestamp');
    expect(verifiesOver(answer, CERTIFY_OPEN_INITIALIZE, 'gbk')).toBe(true);
  });

  it('is read by the Python and PHP SDKs\' ways: decode the body in GBK, cut out the node', async () => {
    const answer = await gbkCall('alipay.user.auth.zhimaper.inner.apply', { cert_no: '110101190001010022', cert_type: 'IDENTITY_CARD', name: '无会员', mobile: '13800000002' });
    const asPython = new TextDecoder('gbk', { fatal: true }).decode(answer.bytes);
    for (const cut of [pythonExtractor, phpExtractor]) {
      const content = cut(asPython, 'alipay.user.auth.zhimaper.inner.apply');
      expect(JSON.parse(content).sub_msg).toBe('身份三要素不存在支付宝认证的个人会员');
      expect(verify('sha256', iconv.encode(content, 'gbk'), createPublicKey(sandbox().alipayPublicKeyPem), Buffer.from(answer.json.sign as string, 'base64'))).toBe(true);
    }
  });

  it('a UTF-8 request keeps its UTF-8 answer, and hosted pages stay UTF-8 HTML', async () => {
    const answer = await call(CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'UTF8ANSWER' });
    expect(answer.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(verifiesOver(answer, CERTIFY_OPEN_INITIALIZE, 'utf-8')).toBe(true);
    const params = { ...publicParams('alipay.user.certify.open.certify', { charset: 'GBK' }), biz_content: JSON.stringify({ certify_id: nodeOf(answer).certify_id }) };
    // A page API as the browser opens it: every parameter in the URL, GBK-encoded.
    const page = await fetch(`${sandbox().url}/gateway.do?${formEncode({ ...params, sign: signParams(params, { charset: 'gbk' }) }, 'gbk')}`);
    expect(page.headers.get('content-type')).toBe('text/html;charset=utf-8');
    expect(await page.text()).toContain(nodeOf(answer).certify_id!);
  });
});

describe('AES content in a GBK request (the Java SDK\'s encrypted GBK call)', () => {
  it('decrypts to GBK bytes, read as GBK; the encrypted answer is GBK too', async () => {
    const appId = '2021000000000801';
    const { privateKey, publicKey } = spareKeyPair();
    await sandbox().registerApp({ app_id: appId, public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const { aes_key: aesKey } = await sandbox().admin.setAesKey(appId);
    const key = aesKeyBytes(aesKey);
    const plaintext = JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: 'AESGBK01' });
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE, { app_id: appId, charset: 'GBK', encrypt_type: 'AES' }), biz_content: encryptContent(iconv.encode(plaintext, 'gbk'), key) };
    const answer = await postForm(sandbox(), signedRequest(params, { charset: 'gbk', privateKey }));
    const node = answer.json.alipay_user_certify_open_initialize_response as unknown as string;
    expect(typeof node).toBe('string');
    const decrypted = decryptContent(node, key)!;
    expect(JSON.parse(new TextDecoder('gbk', { fatal: true }).decode(decrypted))).toMatchObject({ code: '10000', msg: 'Success' });

    // The same plaintext encrypted as UTF-8 bytes under charset=GBK would reach Alipay as mojibake: refused, as a plain parameter is.
    const mislabelled = { ...params, biz_content: encryptContent(Buffer.from(plaintext.replace('AESGBK01', 'AESGBK02')), key) };
    const refused = nodeOf(await postForm(sandbox(), signedRequest(mislabelled, { charset: 'gbk', privateKey })));
    expect(refused).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
    expect(refused.sub_msg).toContain('biz_content (decrypted) is UTF-8 encoded but the request says charset=gbk');
  });
});
