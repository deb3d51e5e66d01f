/**
 * Near misses: a method name one slip from a served one, JSON encoded twice, a value of the wrong JSON
 * type, a camelCase field name (required or optional), an unknown v3 path. The envelope is Alipay's answer, unchanged; x-sandbox-detail (and so
 * the journal and log) says what the mistake most likely was. A correct request gets no diagnosis.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { VALID_CERT_INFO_CERT_NO, VALID_REQUESTS } from '../support/page-examples.js';
import { detailOf, nodeOf, postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const AUTHQUERY = 'zhima.auth.info.authquery';
const authqueryExample = VALID_REQUESTS[AUTHQUERY];

function call(method: string, bizContent: string): Promise<GatewayAnswer> {
  return postForm(sandbox(), signedRequest({ ...publicParams(method), biz_content: bizContent }));
}

/** The answer's node, exactly: code, msg, sub_code and sub_msg as Alipay's. */
function expectNode(answer: GatewayAnswer, node: Readonly<Record<string, string>>) {
  expect(answer.status).toBe(200);
  expect(nodeOf(answer)).toEqual(node);
}

const invalidMethod = (name: string) => ({
  code: '40002',
  msg: 'Invalid Arguments',
  sub_code: 'isv.invalid-method',
  sub_msg: `不存在的方法名: ${name} is not an API this sandbox serves; see the README's method list`,
});

const illegalArgument = { code: '40004', msg: 'Business Failed', sub_code: 'ILLEGAL_ARGUMENT', sub_msg: '参数不合法' };

describe('an unknown method', () => {
  it('a transposed pair of letters names the served method and says no Alipay API is named so', async () => {
    const answer = await call('zhima.auth.info.authqeury', JSON.stringify(authqueryExample));
    expectNode(answer, invalidMethod('zhima.auth.info.authqeury'));
    expect(detailOf(answer)).toContain('did you mean zhima.auth.info.authquery?');
    expect(detailOf(answer)).toContain('no Alipay API is named so');
  });

  it('dotted segments in another order name the served method', async () => {
    const answer = await call('zhima.info.auth.authquery', JSON.stringify(authqueryExample));
    expectNode(answer, invalidMethod('zhima.info.auth.authquery'));
    expect(detailOf(answer)).toContain('did you mean zhima.auth.info.authquery?');
  });

  it('a real Alipay API the sandbox does not serve is said to be one', async () => {
    const answer = await call('alipay.user.info.auth', '{}');
    expectNode(answer, invalidMethod('alipay.user.info.auth'));
    expect(detailOf(answer)).toContain('alipay.user.info.auth is an Alipay API the sandbox does not serve');
    expect(detailOf(answer)).not.toContain('did you mean');
  });

  it('suggestions are the nearest served methods within a slip or two; a name far from all gets none', async () => {
    expect(detailOf(await call('zhima.customer.certification.qurey', '{}'))).toContain('did you mean zhima.customer.certification.query?');
    expect(detailOf(await call('zhima.customer.certification.qurey', '{}'))).not.toContain('zhima.customer.certification.certify');
    expect(detailOf(await call('alipay.trade.pay', '{}'))).not.toContain('did you mean');
  });
});

describe('JSON encoded twice', () => {
  it('biz_content as a JSON string holding the JSON says it was encoded twice', async () => {
    const answer = await call(AUTHQUERY, JSON.stringify(JSON.stringify(authqueryExample)));
    expectNode(answer, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-parameter', sub_msg: '参数无效: biz_content must be a JSON object' });
    expect(detailOf(answer)).toContain("biz_content is JSON text inside a JSON string: it was encoded twice; send the object's JSON once");
  });

  it('identity_param encoded twice says so of identity_param', async () => {
    const identity = JSON.stringify(authqueryExample.identity_param);
    const answer = await call(AUTHQUERY, JSON.stringify({ ...authqueryExample, identity_param: identity }));
    expectNode(answer, illegalArgument);
    expect(detailOf(answer)).toContain('identity_param is JSON text inside a JSON string: it was encoded twice');
  });
});

describe('a value of the wrong JSON type', () => {
  it('an object where the page types a String', async () => {
    const answer = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: { id: 'x' } }));
    expect(nodeOf(answer).code).toBe('40004');
    expect(detailOf(answer)).toContain('outer_order_no is a JSON object where the page types it String');
  });

  it('a number where the page types a String', async () => {
    const answer = await call(AUTHQUERY, JSON.stringify({ ...authqueryExample, identity_type: 2 }));
    expectNode(answer, illegalArgument);
    expect(detailOf(answer)).toContain('identity_type is a JSON number where the page types it String; send "2"');
  });

  it('a JSON string where identity_param must hold an object', async () => {
    const answer = await call(AUTHQUERY, JSON.stringify({ ...authqueryExample, identity_param: '"IDENTITY_CARD"' }));
    expectNode(answer, illegalArgument);
    expect(detailOf(answer)).toContain('identity_param is a JSON string where an object belongs');
  });

  it('identity_param as an object, as typed-model SDKs send it, is accepted without a diagnosis', async () => {
    const answer = await call(AUTHQUERY, JSON.stringify({ ...authqueryExample, identity_param: JSON.parse(authqueryExample.identity_param!) as unknown }));
    expect(nodeOf(answer).code).toBe('10000');
    expect(answer.headers.get('x-sandbox-detail')).toBeNull();
  });
});

describe('a camelCase field name where Alipay wants snake_case', () => {
  it('outerOrderNo in biz_content: did you mean outer_order_no?', async () => {
    const { outer_order_no: outerOrderNo, ...rest } = certifyOpenInitializeExample;
    const answer = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...rest, outerOrderNo }));
    const unchanged = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify(rest));
    expectNode(answer, nodeOf(unchanged));
    expect(detailOf(answer)).toContain('biz_content has outerOrderNo: did you mean outer_order_no?');
  });

  it('certNo in certify-open identity_param: did you mean cert_no?', async () => {
    const identity = JSON.parse(certifyOpenInitializeExample.identity_param!) as Record<string, string>;
    const { cert_no: certNo, ...rest } = identity;
    const answer = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...certifyOpenInitializeExample, identity_param: JSON.stringify({ ...rest, certNo }) }));
    expect(nodeOf(answer).code).toBe('40004');
    expect(detailOf(answer)).toContain('identity_param has certNo: did you mean cert_no?');
  });

  it("authquery's camelCase certNo is its schema's own name: the call succeeds without a diagnosis", async () => {
    const answer = await call(AUTHQUERY, JSON.stringify(authqueryExample));
    expect(nodeOf(answer).code).toBe('10000');
    expect(answer.headers.get('x-sandbox-detail')).toBeNull();
  });
});

describe('an optional field in camelCase, which Alipay ignores: named even though the call succeeds', () => {
  const ZHIMA_INITIALIZE = 'zhima.customer.certification.initialize';
  const identity_param = JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: VALID_CERT_INFO_CERT_NO });
  const zhimaInitialize = () => ({ transaction_id: `NEARMISS${randomUUID().slice(0, 8)}`, product_code: 'w1010100000000002978', biz_code: 'FACE', identity_param });

  it('extBizParam in zhima initialize: did you mean ext_biz_param?, on an unchanged success', async () => {
    const answer = await call(ZHIMA_INITIALIZE, JSON.stringify({ ...zhimaInitialize(), extBizParam: '{"a":"b"}' }));
    const correct = await call(ZHIMA_INITIALIZE, JSON.stringify(zhimaInitialize()));
    expect(nodeOf(answer)).toMatchObject({ code: '10000', msg: 'Success' });
    expect(Object.keys(nodeOf(answer))).toEqual(Object.keys(nodeOf(correct)));
    expect(detailOf(answer)).toBe('biz_content has extBizParam: did you mean ext_biz_param? (Alipay ignores fields it does not know)');
    expect(correct.headers.get('x-sandbox-detail')).toBeNull();
  });

  it("outPutFacialPicture in certify-open's merchant_config: did you mean out_put_facial_picture?", async () => {
    const merchant_config = JSON.stringify({ return_url: 'https://merchant.example/return', outPutFacialPicture: true });
    const answer = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: 'NEARMISSCAMEL1', merchant_config }));
    const correct = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: 'NEARMISSCAMEL2' }));
    expect(nodeOf(answer).code).toBe('10000');
    expect(Object.keys(nodeOf(answer))).toEqual(Object.keys(nodeOf(correct)));
    expect(detailOf(answer)).toContain('merchant_config has outPutFacialPicture: did you mean out_put_facial_picture? (Alipay ignores fields it does not know)');
    expect(correct.headers.get('x-sandbox-detail')).toBeNull();
  });

  it('faceContrastPicture beside a refusal is named after the refusal\'s own detail', async () => {
    const answer = await call(CERTIFY_OPEN_INITIALIZE, JSON.stringify({ ...certifyOpenInitializeExample, biz_code: 'NOPE', faceContrastPicture: 'x' }));
    expect(nodeOf(answer).code).toBe('40004');
    expect(detailOf(answer)).toContain('biz_content has faceContrastPicture: did you mean face_contrast_picture?');
  });
});

const INITIALIZE_V3 = '/v3/alipay/user/certify/open/initialize';

/** A v3 call signed by hand: status, body and detail header as sent back. */
async function v3Call(httpMethod: 'GET' | 'POST', path: string, body: string) {
  const authString = `app_id=${DEFAULT_APP_ID},nonce=${randomUUID()},timestamp=${Date.now()}`;
  const key = createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'));
  const signature = sign('sha256', Buffer.from(`${authString}\n${httpMethod}\n${path}\n${body}\n`), key).toString('base64');
  const headers = { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}` };
  const response = await fetch(sandbox().url + path, { method: httpMethod, headers, ...(httpMethod === 'POST' ? { body } : {}) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, header: response.headers.get('x-sandbox-detail'), detail: decodeURI(response.headers.get('x-sandbox-detail') ?? '') };
}

describe('OpenAPI v3', () => {
  const initialize = (outer_order_no: string, merchant_config: Record<string, unknown>) => JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no, merchant_config });

  it('an unknown path with a typo names the served path: 400 and the body unchanged', async () => {
    const answer = await v3Call('POST', '/v3/alipay/user/certify/open/intialize', '{}');
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('invalid-method');
    expect(answer.json.message).toMatch(/^不存在的方法名: POST \/v3\/alipay\/user\/certify\/open\/intialize is not a v3 API this sandbox serves; it serves /);
    expect(answer.detail).toContain('no Alipay API is named so');
    expect(answer.detail).toContain(`did you mean POST ${INITIALIZE_V3}?`);
  });

  it('the path of an Alipay API the sandbox does not serve is said to be one', async () => {
    const answer = await v3Call('POST', '/v3/alipay/user/info/auth', '{}');
    expect(answer.status).toBe(400);
    expect(answer.detail).toContain('alipay.user.info.auth is an Alipay API the sandbox does not serve');
    expect(answer.detail).not.toContain('did you mean');
  });

  it('a served path called with the other HTTP method says which one serves it', async () => {
    const answer = await v3Call('GET', INITIALIZE_V3, '');
    expect(answer.status).toBe(400);
    expect(answer.detail).toContain(`alipay.user.certify.open.initialize is served as POST ${INITIALIZE_V3}, not GET`);
  });

  it('a camelCase optional field in a v3 body is named on the success; a correct v3 call gets no detail', async () => {
    const answer = await v3Call('POST', INITIALIZE_V3, initialize('NEARMISSV3A', { return_url: 'https://m.example/r', faceReserveStrategy: 'never' }));
    expect(answer.status).toBe(200);
    expect(answer.json.certify_id).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.detail).toBe('merchant_config has faceReserveStrategy: did you mean face_reserve_strategy? (Alipay ignores fields it does not know)');
    const correct = await v3Call('POST', INITIALIZE_V3, initialize('NEARMISSV3B', { return_url: 'https://m.example/r' }));
    expect(correct.status).toBe(200);
    expect(correct.header).toBeNull();
  });
});
