/**
 * What a certification query reports, as Alipay documents it: material_info with the live face where
 * the merchant asked for it (merchant_config.out_put_facial_picture) and a face was checked, "{}"
 * otherwise; fail_reason on each failure path; CERTIFY_ID_EXPIRED for an id nobody finished in time;
 * the return_url redirect carrying nothing (the merchant queries). Scenario rules choose each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { reset, useScenario } from '../support/admin-client.js';
import { completeCertification, moveClock } from '../support/admin-state.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const INITIALIZE = 'alipay.user.certify.open.initialize';
const QUERY = 'alipay.user.certify.open.query';
let order = 0;

async function started(bizCode: string, merchantConfig: Record<string, unknown>): Promise<string> {
  const node = await execSigned(sandbox(), INITIALIZE, {
    ...VALID_REQUESTS[INITIALIZE],
    outer_order_no: `RESULT${++order}`,
    biz_code: bizCode,
    merchant_config: JSON.stringify({ return_url: 'https://merchant.example/back', ...merchantConfig }),
  });
  return String(node.certify_id);
}

const query = (certifyId: string) => execSigned(sandbox(), QUERY, { certify_id: certifyId });

describe('material_info', () => {
  it('carries the live face, a small synthetic JPEG, when the merchant asked for it and the person passed a face check', async () => {
    const certifyId = await started('FACE', { out_put_facial_picture: true });
    expect((await query(certifyId)).material_info).toBe('{}'); // not finished yet
    await completeCertification(sandbox(), certifyId, { passed: true });
    const material = JSON.parse(String((await query(certifyId)).material_info)) as Record<string, string>;
    expect(Object.keys(material)).toEqual(['FACIAL_PICTURE_FRONT']);
    const jpeg = Buffer.from(material.FACIAL_PICTURE_FRONT!, 'base64');
    expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(jpeg.length).toBeLessThan(4096);
  });

  it.each([
    ['no out_put_facial_picture', 'FACE', {}, { passed: true }],
    ['out_put_facial_picture false', 'SMART_FACE', { out_put_facial_picture: false }, { passed: true }],
    ['a check without a face (CERT_PHOTO)', 'CERT_PHOTO', { out_put_facial_picture: true }, { passed: true }],
    ['a failed check', 'CERT_PHOTO_FACE', { out_put_facial_picture: true }, { passed: false }],
  ])('is "{}" with %s', async (_case, bizCode, config, completion) => {
    const certifyId = await started(bizCode, config);
    await completeCertification(sandbox(), certifyId, completion);
    expect((await query(certifyId)).material_info).toBe('{}');
  });

  it('out_put_facial_picture must be a boolean, as the v3 model types it', async () => {
    const node = await execSigned(sandbox(), INITIALIZE, { ...VALID_REQUESTS[INITIALIZE], outer_order_no: 'RESULTBAD', merchant_config: '{"return_url":"x","out_put_facial_picture":"yes"}' });
    expect(node).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
  });
});

describe('fail_reason, on each path', () => {
  it('a face that does not match: passed "F", fail_reason Z1147 unless the test gives one', async () => {
    const defaulted = await started('FACE', {});
    await completeCertification(sandbox(), defaulted, { passed: false });
    expect(await query(defaulted)).toMatchObject({ passed: 'F', fail_reason: 'Z1147', identity_info: '{}' });
    const given = await started('FACE', {});
    await completeCertification(sandbox(), given, { passed: false, reason: '人脸比对不一致' });
    expect(await query(given)).toMatchObject({ passed: 'F', fail_reason: '人脸比对不一致' });
  });

  it('not tried yet, or cancelled: passed "F" with no fail_reason ("扩展字段，默认不返回")', async () => {
    const untried = await started('FACE', {});
    expect(await query(untried)).not.toHaveProperty('fail_reason');
    const cancelled = await started('FACE', {});
    await completeCertification(sandbox(), cancelled, { cancelled: true });
    const node = await query(cancelled);
    expect(node.passed).toBe('F');
    expect(node).not.toHaveProperty('fail_reason');
  });

  it('never finished within 23 hours: 40004 CERTIFY_ID_EXPIRED 认证已失效, and the reason in x-sandbox-detail', async () => {
    const certifyId = await started('FACE', {});
    await moveClock(sandbox(), { advance_ms: 23 * 3600_000 + 1000 });
    expect(await query(certifyId)).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效' });
    expect(sandbox().requests({ method: QUERY }).at(-1)?.response.detail).toMatch(/not finished within 23 hours/);
  });

  it('an id that was never issued: 40004 OPEN_CERTIFY_BILL_NOT_EXIST', async () => {
    expect(await query('ffffffffffffffffffffffffffffffff')).toMatchObject({ sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id' });
  });
});

describe('scenario rules choose each result', () => {
  it('overrides passed, fail_reason and material_info, or answers CERTIFY_ID_EXPIRED', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [
        { match: { method: QUERY, biz_content: { certify_id: '0123456789abcdef0123456789abcdef' } }, outcome: { business_error: 'CERTIFY_ID_EXPIRED' } },
        { match: { method: QUERY }, outcome: { normal: { passed: 'F', fail_reason: 'Z5120', material_info: '{"FACIAL_PICTURE_FRONT":"/9j/"}' } } },
      ],
    });
    expect(await query('0123456789abcdef0123456789abcdef')).toMatchObject({ sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效' });
    const certifyId = await started('FACE', {});
    expect(await query(certifyId)).toMatchObject({ passed: 'F', fail_reason: 'Z5120', material_info: '{"FACIAL_PICTURE_FRONT":"/9j/"}' });
  });
});
