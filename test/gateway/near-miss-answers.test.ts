/**
 * Near misses: a method name one slip from a served one, JSON encoded twice, a value of the wrong JSON
 * type, a camelCase field name. The envelope is Alipay's answer, unchanged; x-sandbox-detail (and so
 * the journal and log) says what the mistake most likely was. A correct request gets no diagnosis.
 */
import { describe, expect, it } from 'vitest';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { detailOf, nodeOf, postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { editDistance, nearestMethods } from '../../mock-server/core/methods/method-suggestions.js';

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

  it('suggestions are the nearest few within a slip or two, nearest first', () => {
    expect(editDistance('authqeury', 'authquery')).toBe(1);
    const served = ['zhima.customer.certification.query', 'zhima.customer.certification.certify', 'alipay.user.info.share'];
    expect(nearestMethods('zhima.customer.certification.qurey', served)).toEqual(['zhima.customer.certification.query']);
    expect(nearestMethods('alipay.trade.pay', served)).toEqual([]);
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
