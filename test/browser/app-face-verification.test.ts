/**
 * The App face verification (datadigital.fincloud.generalsaas.face.verification.*) and its liveness-only
 * face check (...face.check.*) through the real alipay-sdk and Debian's Chromium against a running
 * sandbox: initialize, the web_url opened in the browser (the hosted certification page), pass or fail,
 * then the query's certify_state and scores. Their borrowed codes by scenario and by magic identity, the
 * 23 hours on the business clock, and the v3 paths.
 */
import { describe, expect, it } from 'vitest';
import { moveClock } from '../support/admin-state.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { chooseOnPage, useChromium } from '../support/browser.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { itAnswersUnderShippedScenarios } from '../support/shipped-scenarios.js';

const VERIFICATION_INITIALIZE = 'datadigital.fincloud.generalsaas.face.verification.initialize';
const VERIFICATION_QUERY = 'datadigital.fincloud.generalsaas.face.verification.query';
const CHECK_INITIALIZE = 'datadigital.fincloud.generalsaas.face.check.initialize';
const CHECK_QUERY = 'datadigital.fincloud.generalsaas.face.check.query';
const CERT_NO = '330106197909275965';
const NOBODYS_ID = '0123456789abcdef0123456789abcdef';

const sandbox = useSandbox();
const context = useChromium();

function verificationRequest(outerOrderNo: string, certNo = CERT_NO): Record<string, string> {
  return { outer_order_no: outerOrderNo, biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION', identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: certNo };
}

const checkRequest = (outerOrderNo: string) => ({ outer_order_no: outerOrderNo, biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_CHECK_LIVE' });

async function initialize(method: string, request: Record<string, string>): Promise<{ certifyId: string; webUrl: string }> {
  const node = await execSigned(sandbox(), method, request);
  expect(node).toMatchObject({ code: '10000', certify_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  expect(node.web_url).toBe(`${sandbox().url}/__sandbox/certifications/${node.certify_id as string}`);
  return { certifyId: node.certify_id as string, webUrl: node.web_url as string };
}

/** Opens web_url as the merchant's App would in its web view, checks what the page shows, and clicks the choice. */
function certifyInBrowser(webUrl: string, shows: string, choice: '#pass' | '#fail' | '#cancel'): Promise<string> {
  return chooseOnPage(context(), webUrl, { check: async (page) => expect(await page.textContent('dl')).toContain(shows), choice });
}

const score = (node: Record<string, unknown>) => Number(node.score);

describe('the App face verification through alipay-sdk and Chromium', () => {
  it('PROCESSING until the person passes on the page web_url opens, then SUCCESS with a high score', { tags: ['chromium'] }, async () => {
    const { certifyId, webUrl } = await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0001'));
    const pending = await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: certifyId });
    expect(pending).toEqual({ code: '10000', msg: 'Success', certify_state: 'PROCESSING' });
    expect(await certifyInBrowser(webUrl, '收委', '#pass')).toContain('PASSED');
    const answer = await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: certifyId });
    expect(answer).toMatchObject({ code: '10000', certify_state: 'SUCCESS', meta_info: { device_type: 'h5' }, attack_flag: 'false' });
    expect(score(answer)).toBeGreaterThanOrEqual(80);
    expect(Number(answer.quality)).toBeGreaterThanOrEqual(60);
    expect(answer).not.toHaveProperty('alive_photo');
    // The scores are the certification's own: a second query answers the same.
    expect(await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: certifyId })).toEqual(answer);
  });

  it('FAIL with a low score after a failed check; alive_photo when need_alive_photo asks for it', { tags: ['chromium'] }, async () => {
    const { certifyId, webUrl } = await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0002'));
    expect(await certifyInBrowser(webUrl, '收委', '#fail')).toContain('FAILED');
    const answer = await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: certifyId, need_alive_photo: 'Y' });
    expect(answer).toMatchObject({ code: '10000', certify_state: 'FAIL', alive_photo: expect.stringMatching(/^iVBOR/) });
    expect(score(answer)).toBeLessThan(60);
  });

  it('a cancelled check stays PROCESSING: no verdict was reached', { tags: ['chromium'] }, async () => {
    const { certifyId, webUrl } = await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0003'));
    await certifyInBrowser(webUrl, '收委', '#cancel');
    expect(await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: certifyId })).toMatchObject({ certify_state: 'PROCESSING' });
  });

  it('a retried initialize of the same outer_order_no continues its certification; ids of other families are unknown', async () => {
    const first = await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0004'));
    expect(await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0004'))).toEqual(first);
    const check = await initialize(CHECK_INITIALIZE, checkRequest('APPFACE0004'));
    expect(check.certifyId).not.toBe(first.certifyId);
    expect(await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: check.certifyId })).toMatchObject({ code: '40004', sub_code: 'QUERY_INVALID_CERTIFYID', sub_msg: '无效的certify_id' });
    expect(await execSigned(sandbox(), CHECK_QUERY, { certify_id: first.certifyId })).toMatchObject({ code: '40004', sub_code: 'QUERY_INVALID_CERTIFYID' });
  });
});

describe('the liveness-only face check', () => {
  it('shows nobody on its page; after a pass, quality only with need_quality_score Y and no attack_flag', { tags: ['chromium'] }, async () => {
    const { certifyId, webUrl } = await initialize(CHECK_INITIALIZE, checkRequest('APPFACE0010'));
    expect(await execSigned(sandbox(), CHECK_QUERY, { certify_id: certifyId })).toEqual({ code: '10000', msg: 'Success', certify_state: 'PROCESSING' });
    expect(await certifyInBrowser(webUrl, 'liveness only', '#pass')).toContain('PASSED');
    const plain = await execSigned(sandbox(), CHECK_QUERY, { certify_id: certifyId });
    expect(plain).toMatchObject({ certify_state: 'SUCCESS', meta_info: { device_type: 'h5' } });
    expect(score(plain)).toBeGreaterThanOrEqual(80);
    expect(plain).not.toHaveProperty('quality');
    expect(plain).not.toHaveProperty('attack_flag');
    const asked = await execSigned(sandbox(), CHECK_QUERY, { certify_id: certifyId, need_quality_score: 'Y', need_alive_photo: 'Y_M' });
    expect(asked).toMatchObject({ quality: expect.stringMatching(/^\d+\.\d{2}$/), alive_photo: expect.any(String) });
  });

  it('answers over OpenAPI v3 (POST initialize, GET query) through alipay-sdk curl()', async () => {
    const v3 = sdkFor(sandbox(), { endpoint: sandbox().url });
    const started = await v3.curl<{ certify_id: string; web_url: string }>('POST', '/v3/datadigital/fincloud/generalsaas/face/check/initialize', { body: checkRequest('APPFACE0011') });
    expect(started.data.web_url).toContain(started.data.certify_id);
    const query = await v3.curl<{ certify_state: string }>('GET', '/v3/datadigital/fincloud/generalsaas/face/check/query', { query: { certify_id: started.data.certify_id } });
    expect(query.data).toEqual({ certify_state: 'PROCESSING' });
  });
});

describe('their codes', () => {
  it('refuse a malformed initialize with ILLEGAL_ARGUMENT_FORMAT 参数异常 and a cert_no of no resident ID with INVALID_CERT_INFO, never a crash', async () => {
    const { cert_no: _dropped, ...missing } = verificationRequest('APPFACE0020');
    const malformed: Record<string, string>[] = [
      missing,
      { ...verificationRequest('APPFACE0022'), biz_code: 'FACE' },
      { ...verificationRequest('APPFACE0023'), cert_type: 'PASSPORT' },
    ];
    for (const request of malformed) {
      expect(await execSigned(sandbox(), VERIFICATION_INITIALIZE, request)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
    }
    expect(await execSigned(sandbox(), VERIFICATION_INITIALIZE, verificationRequest('APPFACE0021', '330106197909275964'))).toMatchObject({ code: '40004', sub_code: 'INVALID_CERT_INFO', sub_msg: '证件信息无效' });
    expect(await execSigned(sandbox(), CHECK_INITIALIZE, { outer_order_no: 'APPFACE0024', biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION' })).toMatchObject({ sub_code: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(await execSigned(sandbox(), CHECK_QUERY, { certify_id: NOBODYS_ID, need_alive_photo: 'maybe' })).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
  });

  it('past its 23 hours on the business clock an unfinished id answers QUERY_CERTIFYID_EXPIRED; a finished one stays queryable', { tags: ['chromium'] }, async () => {
    const pending = await initialize(VERIFICATION_INITIALIZE, verificationRequest('APPFACE0030'));
    const finished = await initialize(CHECK_INITIALIZE, checkRequest('APPFACE0031'));
    await certifyInBrowser(finished.webUrl, 'liveness only', '#pass');
    await moveClock(sandbox(), { advance_ms: 23 * 3600_000 + 1 });
    try {
      expect(await execSigned(sandbox(), VERIFICATION_QUERY, { certify_id: pending.certifyId })).toMatchObject({ code: '40004', sub_code: 'QUERY_CERTIFYID_EXPIRED', sub_msg: 'certify_id已过期' });
      expect(await execSigned(sandbox(), CHECK_QUERY, { certify_id: finished.certifyId })).toMatchObject({ code: '10000', certify_state: 'SUCCESS' });
      const page = await context().newPage();
      try {
        await page.goto(pending.webUrl);
        await Promise.all([page.waitForLoadState(), page.click('#pass')]);
        expect(await page.textContent('body')).toContain('expired');
      } finally {
        await page.close();
      }
    } finally {
      await moveClock(sandbox(), { advance_ms: -(23 * 3600_000 + 1) });
    }
  });

  itAnswersUnderShippedScenarios(sandbox, [
    [VERIFICATION_INITIALIZE, 'SYSTEM_ERROR', verificationRequest('APPFACE0050')],
    [VERIFICATION_INITIALIZE, 'INVALID_SWITCH', verificationRequest('APPFACE0051')],
    [VERIFICATION_QUERY, 'SYSTEM_ERROR', { certify_id: NOBODYS_ID }],
    [VERIFICATION_QUERY, 'QUERY_CERTIFYID_EXPIRED', { certify_id: NOBODYS_ID }],
    [CHECK_INITIALIZE, 'SYSTEM_ERROR', checkRequest('APPFACE0052')],
    [CHECK_INITIALIZE, 'INVALID_SWITCH', checkRequest('APPFACE0053')],
    [CHECK_QUERY, 'SYSTEM_ERROR', { certify_id: NOBODYS_ID }],
    [CHECK_QUERY, 'QUERY_CERTIFYID_EXPIRED', { certify_id: NOBODYS_ID }],
  ]);
});
