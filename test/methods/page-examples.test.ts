/**
 * The real alipay-sdk, validateSign on, sends each seed page's own example and gets the page's success
 * shape: the same field names, strings where the page has strings, a JSON boolean where it has one.
 */
import { readFileSync } from 'node:fs';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { loadFixturePeople } from '../../mock-server/files/fixture-people.js';
import { PAGE_EXAMPLES, VALID_AUTHQUERY_CERT_NO, VALID_INNER_APPLY_CERT_NO, VALID_REQUESTS } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();

/** camelcase: false, so the SDK hands back the node's own field names. */
function sdk(): AlipaySdk {
  return new AlipaySdk({
    appId: DEFAULT_APP_ID,
    privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
    alipayPublicKey: sandbox().alipayPublicKeyPem,
    gateway: sandbox().gatewayUrl,
    camelcase: false,
  });
}

async function call(method: string, bizContent: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  const { traceId: _traceId, ...node } = await sdk().exec(method, { bizContent }, { validateSign: true });
  return node;
}

const HEX32 = /^[0-9a-f]{32}$/;
const TOKEN = /^\d{8}[0-9a-f]{32}$/;
const BIZ_NO = /^ZM\d{30}$/;
const OPEN_ID = /^2088\d{12}$/;

describe('each page\'s own example request', () => {
  it('zhima.customer.certification.material.certify refuses the example\'s cert_no, whose region 2601 is no real one, with INVALID_PARAMETER', async () => {
    const node = await call('zhima.customer.certification.material.certify', PAGE_EXAMPLES['zhima.customer.certification.material.certify']);
    expect(node).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
  });

  it('zhima.customer.certification.material.certify answers biz_no, passed "true" and failed_reason for the same request with a real ID number', async () => {
    const node = await call('zhima.customer.certification.material.certify', VALID_REQUESTS['zhima.customer.certification.material.certify']);
    expect(Object.keys(node)).toEqual(['code', 'msg', 'biz_no', 'passed', 'failed_reason']);
    expect(node).toMatchObject({ code: '10000', msg: 'Success', passed: 'true', failed_reason: '认证完成' });
    expect(node.biz_no).toMatch(BIZ_NO);
    expect(node.biz_no).toHaveLength(32);
  });

  it('alipay.user.certify.open.initialize refuses the example\'s cert_no, whose region 2601 is no real one, with ILLEGAL_ARGUMENT_FORMAT', async () => {
    const node = await call('alipay.user.certify.open.initialize', PAGE_EXAMPLES['alipay.user.certify.open.initialize']);
    expect(node).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
  });

  it('alipay.user.certify.open.initialize answers a 32-hex certify_id for the same request with a real ID number', async () => {
    const node = await call('alipay.user.certify.open.initialize', VALID_REQUESTS['alipay.user.certify.open.initialize']);
    expect(Object.keys(node)).toEqual(['code', 'msg', 'certify_id']);
    expect(node.certify_id).toMatch(HEX32);
  });

  it('alipay.security.risk.verifyidentity.apply answers is_success "true" with the usable products as a JSON string', async () => {
    const node = await call('alipay.security.risk.verifyidentity.apply', PAGE_EXAMPLES['alipay.security.risk.verifyidentity.apply']);
    expect(Object.keys(node)).toEqual(['code', 'msg', 'is_success', 'err_code', 'err_message', 'usable_product_group', 'unusable_product_list']);
    expect(node).toMatchObject({ code: '10000', is_success: 'true', usable_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}', unusable_product_list: '[]' });
  });

  it('alipay.user.auth.zhimaper.inner.apply refuses the example\'s cert_no, whose check digit is wrong, with NO_USER_ERROR', async () => {
    const node = await call('alipay.user.auth.zhimaper.inner.apply', PAGE_EXAMPLES['alipay.user.auth.zhimaper.inner.apply']);
    expect(node).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'NO_USER_ERROR', sub_msg: '身份三要素不存在支付宝认证的个人会员' });
  });

  it('alipay.user.auth.zhimaper.inner.apply answers 40-character tokens for the same request with a real ID number', async () => {
    const node = await call('alipay.user.auth.zhimaper.inner.apply', { ...PAGE_EXAMPLES['alipay.user.auth.zhimaper.inner.apply'], cert_no: VALID_INNER_APPLY_CERT_NO });
    expect(Object.keys(node)).toEqual(['code', 'msg', 'access_token', 'refresh_token', 'auth_token_type']);
    expect(node).toMatchObject({ code: '10000', auth_token_type: 'permanent' });
    expect(node.access_token).toMatch(TOKEN);
    expect(node.refresh_token).toMatch(TOKEN);
    expect(node.refresh_token).not.toBe(node.access_token);
  });

  it('zhima.auth.info.authquery refuses the example\'s 17-digit certNo with CERTNO_WRONG', async () => {
    const node = await call('zhima.auth.info.authquery', PAGE_EXAMPLES['zhima.auth.info.authquery']);
    expect(node).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'CERTNO_WRONG', sub_msg: '证件号错误' });
  });

  it('zhima.auth.info.authquery answers authorized false, with no open_id, for a real ID number that granted nothing', async () => {
    const node = await call('zhima.auth.info.authquery', VALID_REQUESTS['zhima.auth.info.authquery']);
    expect(node).toEqual({ code: '10000', msg: 'Success', authorized: false });
  });

  it('zhima.auth.info.authquery answers authorized true, a JSON boolean, and an open_id once inner.apply granted it', async () => {
    const identity = JSON.parse(VALID_REQUESTS['zhima.auth.info.authquery'].identity_param!) as { name: string; certNo: string };
    await call('alipay.user.auth.zhimaper.inner.apply', { cert_no: identity.certNo, cert_type: 'IDENTITY_CARD', name: identity.name, mobile: '13588111111' });
    const node = await call('zhima.auth.info.authquery', VALID_REQUESTS['zhima.auth.info.authquery']);
    expect(Object.keys(node)).toEqual(['code', 'msg', 'authorized', 'open_id']);
    expect(node.authorized).toBe(true);
    expect(node.open_id).toMatch(OPEN_ID);
  });

  it('zhima.auth.info.authquery by Alipay user id (identity_type 5) answers the same shape for a known person', async () => {
    const [person] = loadFixturePeople();
    await call('alipay.user.auth.zhimaper.inner.apply', { cert_no: person!.cert_no, cert_type: 'IDENTITY_CARD', name: person!.name, mobile: person!.mobile });
    const node = await call('zhima.auth.info.authquery', { identity_param: JSON.stringify({ userId: person!.user_id }), identity_type: '5' });
    expect(node).toMatchObject({ code: '10000', authorized: true });
    expect(node.open_id).toMatch(OPEN_ID);
  });
});

describe('retries are idempotent', () => {
  it('the same transaction_id from the same app gets the same biz_no; another transaction_id another', async () => {
    const example = VALID_REQUESTS['zhima.customer.certification.material.certify'];
    const first = await call('zhima.customer.certification.material.certify', example);
    const retry = await call('zhima.customer.certification.material.certify', example);
    const other = await call('zhima.customer.certification.material.certify', { ...example, transaction_id: 'ZGYD201610252323000009999' });
    expect(retry.biz_no).toBe(first.biz_no);
    expect(other.biz_no).not.toBe(first.biz_no);
  });

  it('the same identity gets the same open_id on every query', async () => {
    const identity = { identity_param: `{"certType":"IDENTITY_CARD","name":"张三","certNo":"${VALID_AUTHQUERY_CERT_NO}"}`, identity_type: '2' };
    await call('alipay.user.auth.zhimaper.inner.apply', { cert_no: VALID_AUTHQUERY_CERT_NO, cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' });
    const [a, b] = [await call('zhima.auth.info.authquery', identity), await call('zhima.auth.info.authquery', identity)];
    expect(a.open_id).toMatch(OPEN_ID);
    expect(a.open_id).toBe(b.open_id);
  });
});
