/**
 * The H5 face check (datadigital.fincloud.generalsaas.face.certify.*) through the real alipay-sdk and
 * Debian's Chromium against a running sandbox: initialize, verify's certify_url opened in the browser
 * (the hosted certification page), pass or fail, then the query. Its documented codes by scenario and
 * by magic identity, and the 23 hours on the business clock.
 */
import { describe, expect, it } from 'vitest';
import { moveClock } from '../support/admin-state.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { chooseOnPage, useChromium } from '../support/browser.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { itAnswersFaceMagicIdentities, itAnswersUnderShippedScenarios } from '../support/shipped-scenarios.js';

const INITIALIZE = 'datadigital.fincloud.generalsaas.face.certify.initialize';
const VERIFY = 'datadigital.fincloud.generalsaas.face.certify.verify';
const QUERY = 'datadigital.fincloud.generalsaas.face.certify.query';
const CERT_NO = '330106197909275965';

const sandbox = useSandbox();
const context = useChromium();

function initializeRequest(outerOrderNo: string, certNo = CERT_NO): Record<string, string> {
  return {
    outer_order_no: outerOrderNo,
    biz_code: 'FUTURE_TECH_BIZ_FACE_SDK',
    identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: certNo }),
    // No page of the merchant's: the hosted page stops at its own "认证完成" page.
    merchant_config: JSON.stringify({ return_url: '', face_reserve_strategy: 'never' }),
  };
}

async function initialize(outerOrderNo: string): Promise<string> {
  const node = await execSigned(sandbox(), INITIALIZE, initializeRequest(outerOrderNo));
  expect(node).toMatchObject({ code: '10000', certify_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return node.certify_id as string;
}

const verify = (certifyId: string) => execSigned(sandbox(), VERIFY, { certify_id: certifyId });
const query = (certifyId: string) => execSigned(sandbox(), QUERY, { certify_id: certifyId });

/** Opens certify_url as the merchant's front end would, and clicks the tester's choice. */
function certifyInBrowser(certifyUrl: string, choice: '#pass' | '#fail', reason?: string): Promise<string> {
  return chooseOnPage(context(), certifyUrl, { check: async (page) => expect(await page.textContent('#cert-name')).toBe('收委'), reason, choice });
}

describe('the H5 face check through alipay-sdk and Chromium', () => {
  it('pass on the page certify_url opens: the query answers passed "T"', { tags: ['chromium'] }, async () => {
    const certifyId = await initialize('H5FACE0001');
    expect(await query(certifyId)).toMatchObject({ code: '10000', passed: 'F', identity_info: '{}', material_info: '{}' });
    const { certify_url } = await verify(certifyId);
    expect(certify_url).toBe(`${sandbox().url}/__sandbox/certifications/${certifyId}`);
    expect(await certifyInBrowser(certify_url as string, '#pass')).toContain('PASSED');
    const answer = await query(certifyId);
    expect(answer).toMatchObject({ code: '10000', passed: 'T' });
    expect(answer).not.toHaveProperty('fail_reason');
  });

  it('fail with a reason: the query answers passed "F" and that fail_reason', { tags: ['chromium'] }, async () => {
    const certifyId = await initialize('H5FACE0002');
    const { certify_url } = await verify(certifyId);
    expect(await certifyInBrowser(certify_url as string, '#fail', 'Z1147')).toContain('FAILED');
    expect(await query(certifyId)).toMatchObject({ code: '10000', passed: 'F', fail_reason: 'Z1147' });
  });

  it('a retried initialize of the same outer_order_no continues its certification', async () => {
    expect(await initialize('H5FACE0003')).toBe(await initialize('H5FACE0003'));
  });

  it('an id of the certify-open family is unknown to the H5 family', async () => {
    const other = await execSigned(sandbox(), 'alipay.user.certify.open.initialize', { ...initializeRequest('H5FACE0004'), biz_code: 'FACE', merchant_config: '{"return_url":"https://merchant.example/return"}' });
    expect(await query(other.certify_id as string)).toMatchObject({ code: '40004', sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id' });
  });
});

describe('the H5 face check\'s codes', () => {
  it('refuses a malformed initialize with INVALID_PARAMETER 参数有误, and a cert_no that is no resident ID', async () => {
    const { merchant_config: _dropped, ...missing } = initializeRequest('H5FACE0010');
    expect(await execSigned(sandbox(), INITIALIZE, missing)).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
    expect(await execSigned(sandbox(), INITIALIZE, initializeRequest('H5FACE0011', '330106197909275964'))).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
    expect(await execSigned(sandbox(), INITIALIZE, { ...initializeRequest('H5FACE0012'), merchant_config: '{not json' })).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
  });

  it('answers an unknown certify_id with INVALID_PARAMETER on verify, OPEN_CERTIFY_BILL_NOT_EXIST 无效的certify_id on query', async () => {
    const unknown = { certify_id: '0123456789abcdef0123456789abcdef' };
    expect(await execSigned(sandbox(), VERIFY, unknown)).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
    expect(await execSigned(sandbox(), QUERY, unknown)).toMatchObject({ code: '40004', sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id' });
  });

  it('past its 23 hours on the business clock: verify refuses it, the query answers CERTIFY_ID_EXPIRED 认证已失效', async () => {
    const certifyId = await initialize('H5FACE0020');
    await moveClock(sandbox(), { advance_ms: 23 * 3600_000 + 1 });
    try {
      expect(await verify(certifyId)).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
      expect(await query(certifyId)).toMatchObject({ code: '40004', sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效' });
    } finally {
      await moveClock(sandbox(), { advance_ms: -(23 * 3600_000 + 1) });
    }
  });

  itAnswersFaceMagicIdentities(sandbox, INITIALIZE, 'initialize', (certNo) => initializeRequest('H5FACE0030', certNo));

  const NOBODYS_ID = { certify_id: '0123456789abcdef0123456789abcdef' };
  itAnswersUnderShippedScenarios(sandbox, [
    [INITIALIZE, 'SYSTEM_ERROR', initializeRequest('H5FACE0040')],
    [INITIALIZE, 'ARRANGEMENT_STATUS_ERROR', initializeRequest('H5FACE0041')],
    [INITIALIZE, 'INVALID_SWITCH', initializeRequest('H5FACE0042')],
    [VERIFY, 'SYSTEM_ERROR', NOBODYS_ID],
    [QUERY, 'SYSTEM_ERROR', NOBODYS_ID],
    [QUERY, 'CERTIFY_ID_EXPIRED', NOBODYS_ID],
    [QUERY, 'OPEN_CERTIFY_BILL_STATUS_ERROR', NOBODYS_ID],
  ]);
});

describe('the page certify_url opens', () => {
  it('is an error page for an id nobody issued, never a crash', async () => {
    const answer = await fetch(`${sandbox().url}/__sandbox/certifications/${encodeURIComponent('<script>x</script>')}`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).not.toContain('<script>x');
  });
});
