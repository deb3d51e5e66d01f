/**
 * The two face-verification flows: initialize → certify (a hosted page) → query, finished headless
 * through the admin API here (the browser test drives the page itself), with 23-hour expiry on the
 * business clock, and material.certify's results kept under their transaction_id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reset } from '../support/admin-client.js';
import { completeCertification, moveClock } from '../support/admin-state.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const HOUR = 3600_000;

async function initializeCertifyOpen(outerOrderNo = 'ZGYD201809132323000001234'): Promise<string> {
  const node = await execSigned(sandbox(), 'alipay.user.certify.open.initialize', {
    ...VALID_REQUESTS['alipay.user.certify.open.initialize'],
    outer_order_no: outerOrderNo,
    merchant_config: '{"return_url":"https://merchant.example/certified"}',
  });
  return node.certify_id as string;
}

const queryCertifyOpen = (certifyId: string) => execSigned(sandbox(), 'alipay.user.certify.open.query', { certify_id: certifyId });

/** The hosted page, fetched as the user's browser would from the SDK's pageExec URL. */
async function certifyPage(method: string, bizContent: Record<string, string>, extra: Record<string, string> = {}): Promise<{ status: number; type: string | null; html: string }> {
  const url = sdkFor(sandbox()).pageExec(method, 'GET', { bizContent, ...extra });
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
}

describe('alipay.user.certify.open', () => {
  it('query answers passed "F" before the person certifies, "T" with identity_info after', async () => {
    const certifyId = await initializeCertifyOpen();
    expect(await queryCertifyOpen(certifyId)).toEqual({ code: '10000', msg: 'Success', passed: 'F', identity_info: '{}', material_info: '{}' });
    expect((await completeCertification(sandbox(), certifyId, { passed: true })).status).toBe(200);
    const node = await queryCertifyOpen(certifyId);
    expect(node).toMatchObject({ passed: 'T', material_info: '{}' });
    expect(JSON.parse(node.identity_info as string)).toEqual({ cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' });
  });

  it('a failed check answers passed "F" with its fail_reason', async () => {
    const certifyId = await initializeCertifyOpen();
    await completeCertification(sandbox(), certifyId, { passed: false, reason: '人脸比对不一致' });
    expect(await queryCertifyOpen(certifyId)).toMatchObject({ passed: 'F', fail_reason: '人脸比对不一致' });
  });

  it('query of an unknown certify_id answers OPEN_CERTIFY_BILL_NOT_EXIST 无效的certify_id', async () => {
    expect(await queryCertifyOpen('0123456789abcdef0123456789abcdef')).toEqual({
      code: '40004',
      msg: 'Business Failed',
      sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST',
      sub_msg: '无效的certify_id',
    });
  });

  it('certify (a page API) serves the hosted page for a live certify_id', async () => {
    const certifyId = await initializeCertifyOpen();
    const page = await certifyPage('alipay.user.certify.open.certify', { certify_id: certifyId });
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html;charset=utf-8');
    expect(page.html).toContain('<dd id="cert-name">收委</dd>');
    expect(page.html).toContain('330106********5965');
    expect(page.html).toContain(`/__sandbox/certifications/${certifyId}/complete`);
  });

  it('after 23 hours an unfinished certify_id can no longer be certified, and queries as CERTIFY_ID_EXPIRED 认证已失效', async () => {
    const certifyId = await initializeCertifyOpen();
    await moveClock(sandbox(), { advance_ms: 23 * HOUR - 60_000 });
    expect((await certifyPage('alipay.user.certify.open.certify', { certify_id: certifyId })).html).toContain('cert-name');
    await moveClock(sandbox(), { advance_ms: 2 * 60_000 });
    const expired = await certifyPage('alipay.user.certify.open.certify', { certify_id: certifyId });
    expect(expired.html).toContain('<dd id="sub-code">OPEN_CERTIFY_BILL_NOT_EXIST</dd>');
    const late = await completeCertification(sandbox(), certifyId, { passed: true });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: string }).error).toContain('expired');
    // As Alipay's easysdk tests record the query of an old certify_id.
    expect(await queryCertifyOpen(certifyId)).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效' });
  });

  it('a finished certify_id stays queryable after its 23 hours, passed or failed', async () => {
    const passed = await initializeCertifyOpen('DONE0001');
    const failed = await initializeCertifyOpen('DONE0002');
    await completeCertification(sandbox(), passed, { passed: true });
    await completeCertification(sandbox(), failed, { passed: false, reason: 'Z1146' });
    await moveClock(sandbox(), { advance_ms: 30 * 24 * HOUR });
    expect(await queryCertifyOpen(passed)).toMatchObject({ code: '10000', passed: 'T' });
    expect(await queryCertifyOpen(failed)).toMatchObject({ code: '10000', passed: 'F', fail_reason: 'Z1146' });
  });

  it('a certification is finished once: a second completion gets 409', async () => {
    const certifyId = await initializeCertifyOpen();
    await completeCertification(sandbox(), certifyId, { passed: true });
    expect((await completeCertification(sandbox(), certifyId, { passed: false })).status).toBe(409);
  });

  it('a retried initialize with the same outer_order_no continues the same certification', async () => {
    const certifyId = await initializeCertifyOpen('RETRY0001');
    await completeCertification(sandbox(), certifyId, { passed: true });
    expect(await initializeCertifyOpen('RETRY0001')).toBe(certifyId);
    expect(await queryCertifyOpen(certifyId)).toMatchObject({ passed: 'T' });
  });
});

describe('zhima.customer.certification', () => {
  async function initialize(): Promise<string> {
    const node = await execSigned(sandbox(), 'zhima.customer.certification.initialize', {
      transaction_id: 'ZGYD201610252323000001234',
      product_code: 'w1010100000000002978',
      biz_code: 'FACE',
      identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
    });
    expect(node.biz_no).toMatch(/^ZM\d{30}$/);
    return node.biz_no as string;
  }

  it('initialize → certify page (with the public return_url) → query passed "true"', async () => {
    const bizNo = await initialize();
    const page = await certifyPage('zhima.customer.certification.certify', { biz_no: bizNo }, { returnUrl: 'https://merchant.example/zhima-done' });
    expect(page.html).toContain('<dd id="return-url">https://merchant.example/zhima-done</dd>');
    expect(await execSigned(sandbox(), 'zhima.customer.certification.query', { biz_no: bizNo })).toMatchObject({ passed: 'false', channel_statuses: '[]' });
    await completeCertification(sandbox(), bizNo, { passed: true });
    const node = await execSigned(sandbox(), 'zhima.customer.certification.query', { biz_no: bizNo });
    expect(node).toMatchObject({ code: '10000', passed: 'true', attribute_info: '{}', channel_statuses: '[{"channel_type":"FACE","success":true}]' });
    expect(JSON.parse(node.identity_info as string)).toMatchObject({ cert_no: '330106197909275965' });
  });

  it('a failed check answers passed "false" with its failed_reason', async () => {
    const bizNo = await initialize();
    await completeCertification(sandbox(), bizNo, { passed: false });
    expect(await execSigned(sandbox(), 'zhima.customer.certification.query', { biz_no: bizNo })).toMatchObject({ passed: 'false', failed_reason: 'Z1147' });
  });

  it('an unknown biz_no gets INVALID_PARAMETER on query and an error page on certify', async () => {
    expect(await execSigned(sandbox(), 'zhima.customer.certification.query', { biz_no: 'ZM201612013000000393900404029253' })).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
    expect((await certifyPage('zhima.customer.certification.certify', { biz_no: 'ZM201612013000000393900404029253' })).html).toContain('<dd id="sub-code">INVALID_PARAMETER</dd>');
  });

  it('a biz_code outside Zhima\'s face scenes gets UNSUPPORTED_BIZ_CODE', async () => {
    const node = await execSigned(sandbox(), 'zhima.customer.certification.initialize', {
      transaction_id: 'T1',
      product_code: 'w1010100000000002978',
      biz_code: 'PALM',
      identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
    });
    expect(node).toMatchObject({ sub_code: 'UNSUPPORTED_BIZ_CODE', sub_msg: '不支持的认证场景' });
  });
});

describe('page APIs refuse in a page', () => {
  it('a badly signed certify call shows isv.invalid-signature as a page, not JSON', async () => {
    const certifyId = await initializeCertifyOpen();
    const url = sdkFor(sandbox()).pageExec('alipay.user.certify.open.certify', 'GET', { bizContent: { certify_id: certifyId } });
    const response = await fetch(url.replace(certifyId, certifyId.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))));
    const html = await response.text();
    expect(response.headers.get('content-type')).toBe('text/html;charset=utf-8');
    expect(html).toContain('<dd id="sub-code">isv.invalid-signature</dd>');
  });
});

describe('the business clock', () => {
  it('can be set, advanced and put back to real time', async () => {
    const set = await moveClock(sandbox(), { set: '2030-01-01T00:00:00Z' });
    expect(set.now.startsWith('2030-01-01T00:00')).toBe(true);
    const advanced = await moveClock(sandbox(), { advance_ms: 24 * HOUR });
    expect(advanced.now.startsWith('2030-01-02T00:00')).toBe(true);
    const back = (await (await fetch(`${sandbox().url}/__admin/clock`, { method: 'DELETE' })).json()) as { offset_ms: number };
    expect(back.offset_ms).toBe(0);
  });

  it.each(['{"set":"soon"}', '{"set":1e400}', '{"advance_ms":1e400}', '{}'])('refuses %s with 400', async (body) => {
    const response = await fetch(`${sandbox().url}/__admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
  });

  it('dates biz_nos, while request timestamps are still checked against the real time', async () => {
    await moveClock(sandbox(), { set: '2030-06-01T00:00:00Z' });
    const node = await execSigned(sandbox(), 'zhima.customer.certification.material.certify', VALID_REQUESTS['zhima.customer.certification.material.certify']);
    expect(node.biz_no).toMatch(/^ZM20300601/);
  });
});
