/**
 * Every schema or content failure maps to the page's documented business code, with the page's
 * sub_msg verbatim, or else to 40002 isv.invalid-parameter; the x-sandbox-detail header names the field.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_EXAMPLES, VALID_AUTHQUERY_CERT_NO, VALID_INNER_APPLY_CERT_NO, VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { detailOf, nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();

type Change = Record<string, string | undefined>;

/** The page example with fields replaced; undefined removes a field. */
function changed(method: SeedMethod, change: Change, base: Record<string, string> = VALID_REQUESTS[method]): Record<string, string> {
  const biz: Record<string, string> = { ...base };
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) delete biz[field];
    else biz[field] = value;
  }
  return biz;
}

async function send(method: SeedMethod, biz: Record<string, string>) {
  const answer = await postForm(sandbox(), signedRequest({ ...publicParams(method), biz_content: JSON.stringify(biz) }));
  return { node: nodeOf(answer), detail: detailOf(answer) };
}

const business = (sub_code: string, sub_msg: string) => ({ code: '40004', msg: 'Business Failed', sub_code, sub_msg });
const invalidParameter = { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-parameter' };

interface Case {
  change: Change;
  expected: Record<string, string>;
  /** Words the x-sandbox-detail header must contain. */
  detail: string;
}

const innerApply = { ...PAGE_EXAMPLES['alipay.user.auth.zhimaper.inner.apply'], cert_no: VALID_INNER_APPLY_CERT_NO };
const authquery = { ...PAGE_EXAMPLES['zhima.auth.info.authquery'], identity_param: `{"certType":"IDENTITY_CARD","name":"张三","certNo":"${VALID_AUTHQUERY_CERT_NO}"}` };

const CASES: ReadonlyArray<[SeedMethod, string, Case, Record<string, string>?]> = [
  ['alipay.user.auth.zhimaper.inner.apply', 'no cert_no', { change: { cert_no: undefined }, expected: business('CERT_NO_IS_NULL', '证件号码参数为空'), detail: 'cert_no is required' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'an empty cert_no', { change: { cert_no: '' }, expected: business('CERT_NO_IS_NULL', '证件号码参数为空'), detail: 'cert_no must not be empty' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'no cert_type', { change: { cert_type: undefined }, expected: business('CERT_TYPE_IS_NULL', '证件类型参数为空'), detail: 'cert_type is required' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'no name', { change: { name: undefined }, expected: business('NAME_IS_NULL', '姓名参数为空'), detail: 'name is required' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'no mobile', { change: { mobile: undefined }, expected: business('MOBILE_IS_NULL', '手机号码参数为空'), detail: 'mobile is required' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'a cert_no of the wrong length', { change: { cert_no: '33070119990101131' }, expected: business('NO_USER_ERROR', '身份三要素不存在支付宝认证的个人会员'), detail: 'has 17 characters' }, innerApply],
  ['alipay.user.auth.zhimaper.inner.apply', 'a cert_type other than IDENTITY_CARD', { change: { cert_type: 'PASSPORT' }, expected: invalidParameter, detail: 'cert_type must be one of IDENTITY_CARD' }, innerApply],

  ['alipay.security.risk.verifyidentity.apply', 'no biz_id', { change: { biz_id: undefined }, expected: business('USABLE_QUERY_FAIL', '参数biz_id为空'), detail: 'biz_id is required' }],
  ['alipay.security.risk.verifyidentity.apply', 'no account_id', { change: { account_id: '' }, expected: business('USABLE_QUERY_FAIL', '参数account_id为空'), detail: 'account_id must not be empty' }],
  ['alipay.security.risk.verifyidentity.apply', 'no validate_product_group', { change: { validate_product_group: undefined }, expected: business('USABLE_QUERY_FAIL', '参数validate_product_group为空'), detail: 'validate_product_group is required' }],
  ['alipay.security.risk.verifyidentity.apply', 'no scene_code', { change: { scene_code: undefined }, expected: business('USABLE_QUERY_FAIL', '参数scene_code为空'), detail: 'scene_code is required' }],
  ['alipay.security.risk.verifyidentity.apply', 'a product group that is not JSON', { change: { validate_product_group: 'NATIVE_PAYMENT_PASSWORD' }, expected: business('USABLE_QUERY_FAIL', '参数validate_product_group包含的产品参数错误'), detail: 'validate_product_group must be a string holding JSON' }],
  ['alipay.security.risk.verifyidentity.apply', 'a product without a name', { change: { validate_product_group: '{"id":1}' }, expected: business('USABLE_QUERY_FAIL', '参数validate_product_group包含的产品参数错误'), detail: 'validate_product_group' }],
  ['alipay.security.risk.verifyidentity.apply', 'a product name that is no product code', { change: { validate_product_group: '[{"id":1,"name":"face"}]' }, expected: business('USABLE_QUERY_FAIL', '参数validate_product_group包含的产品参数错误'), detail: 'validate_product_group' }],
  ['alipay.security.risk.verifyidentity.apply', 'an account_type the page does not list', { change: { account_type: 'EMAIL' }, expected: invalidParameter, detail: 'account_type must be one of ALIPAY_USERID, CERT' }],
  ['alipay.security.risk.verifyidentity.apply', 'biz_params that is not JSON', { change: { biz_params: 'sms_code=test' }, expected: invalidParameter, detail: 'biz_params must be a string holding JSON' }],

  ['alipay.user.certify.open.initialize', 'no outer_order_no', { change: { outer_order_no: undefined }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'outer_order_no is required' }],
  ['alipay.user.certify.open.initialize', 'a biz_code the page does not list', { change: { biz_code: 'PALM' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'biz_code must be one of FACE, CERT_PHOTO, CERT_PHOTO_FACE, SMART_FACE' }],
  ['alipay.user.certify.open.initialize', 'identity_param without cert_no', { change: { identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委"}' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'identity_param.cert_no is required' }],
  ['alipay.user.certify.open.initialize', 'identity_type other than CERT_INFO', { change: { identity_param: '{"identity_type":"X","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'identity_param.identity_type must be CERT_INFO' }],
  ['alipay.user.certify.open.initialize', 'merchant_config without return_url', { change: { merchant_config: '{}' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'merchant_config.return_url is required' }],
  ['alipay.user.certify.open.initialize', 'identity_param that is not JSON', { change: { identity_param: 'cert_no=1' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'identity_param must be a string holding JSON' }],
  ['alipay.user.certify.open.initialize', 'a cert_no with a wrong check digit', { change: { identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275964"}' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'last character should be 5' }],
  ['alipay.user.certify.open.initialize', 'a cert_no of no real province and prefecture (the page example\'s own 2601…)', { change: { identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"260104197909275964"}' }, expected: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常'), detail: 'starts with 2601, which is no province and prefecture of GB/T 2260' }],

  ['zhima.customer.certification.material.certify', 'no transaction_id', { change: { transaction_id: undefined }, expected: business('INVALID_PARAMETER', '参数有误'), detail: 'transaction_id is required' }],
  ['zhima.customer.certification.material.certify', 'a transaction_id with characters other than letters, digits and _', { change: { transaction_id: 'ZGYD-2016' }, expected: business('INVALID_PARAMETER', '参数有误'), detail: 'transaction_id does not match' }],
  ['zhima.customer.certification.material.certify', 'a biz_code other than FACE_API', { change: { biz_code: 'SMART_FACE' }, expected: business('UNSUPPORTED_BIZ_CODE', '不支持的认证场景'), detail: 'biz_code "SMART_FACE"' }],
  ['zhima.customer.certification.material.certify', 'materials without the face photo FACE_API needs', { change: { materials: '{"CERT_PICTURE":"/9j/"}' }, expected: business('INVALID_PARAMETER', '参数有误'), detail: 'materials.FACIAL_PICTURE_FRONT' }],
  ['zhima.customer.certification.material.certify', 'a cert_type other than IDENTITY_CARD', { change: { identity_param: '{"identity_type":"CERT_INFO","cert_type":"PASSPORT","cert_name":"收委","cert_no":"330106197909275965"}' }, expected: business('INVALID_PARAMETER', '参数有误'), detail: 'identity_param.cert_type must be IDENTITY_CARD' }],
  ['zhima.customer.certification.material.certify', 'merchant_config that is not JSON', { change: { merchant_config: 'none' }, expected: business('INVALID_PARAMETER', '参数有误'), detail: 'merchant_config must be a string holding JSON' }],

  ['zhima.auth.info.authquery', 'no identity_param', { change: { identity_param: undefined }, expected: business('NULL_ARGUMENT', '参数为空'), detail: 'identity_param is required' }, authquery],
  ['zhima.auth.info.authquery', 'no identity_type', { change: { identity_type: undefined }, expected: business('NULL_ARGUMENT', '参数为空'), detail: 'identity_type is required' }, authquery],
  ['zhima.auth.info.authquery', 'identity_type 3', { change: { identity_type: '3' }, expected: business('ILLEGAL_ARGUMENT', '参数不合法'), detail: 'identity_type must be one of 2, 5' }, authquery],
  ['zhima.auth.info.authquery', 'an auth_category the page does not list', { change: { auth_category: 'C2C' }, expected: business('ILLEGAL_ARGUMENT', '参数不合法'), detail: 'auth_category must be one of C2B, C2ConB, B2B' }, authquery],
  ['zhima.auth.info.authquery', 'identity_param that is not JSON', { change: { identity_param: 'certNo=1' }, expected: business('ILLEGAL_ARGUMENT', '参数不合法'), detail: 'identity_param must be a string holding JSON' }, authquery],
  ['zhima.auth.info.authquery', 'identity_type 2 without a name', { change: { identity_param: `{"certType":"IDENTITY_CARD","certNo":"${VALID_AUTHQUERY_CERT_NO}"}` }, expected: business('NULL_ARGUMENT', '参数为空'), detail: 'identity_param.name' }, authquery],
  ['zhima.auth.info.authquery', 'a certType other than IDENTITY_CARD', { change: { identity_param: `{"certType":"PASSPORT","name":"张三","certNo":"${VALID_AUTHQUERY_CERT_NO}"}` }, expected: business('ILLEGAL_ARGUMENT', '参数不合法'), detail: 'certType must be IDENTITY_CARD' }, authquery],
  ['zhima.auth.info.authquery', 'a certNo with a wrong check digit', { change: { identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"330211199003132430"}' }, expected: business('CERTNO_WRONG', '证件号错误'), detail: 'last character should be 7' }, authquery],
  ['zhima.auth.info.authquery', 'identity_type 5 without a userId', { change: { identity_type: '5', identity_param: '{}' }, expected: business('NULL_ARGUMENT', '参数为空'), detail: 'identity_param.userId' }, authquery],
  ['zhima.auth.info.authquery', 'identity_type 5 with a userId that is no Alipay user id', { change: { identity_type: '5', identity_param: '{"userId":"12345"}' }, expected: business('ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', '此支付宝账户ID不存在'), detail: '"12345" is no Alipay user id' }, authquery],
];

describe.each(CASES)('%s with %s', (method, _what, { change, expected, detail }, base) => {
  it(`answers ${expected.sub_code}`, async () => {
    const answer = await send(method, changed(method, change, base));
    if (expected.code === '40004') expect(answer.node).toEqual(expected);
    else expect(answer.node).toMatchObject(expected);
    expect(answer.detail).toContain(detail);
  });
});
