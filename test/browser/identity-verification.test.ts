/**
 * 核身 after apply, through the real alipay-sdk and Debian's Chromium against a running sandbox:
 * alipay.security.risk.verifyidentity.initialize answers the verify_url and token, the verify page
 * opened in the browser passes or fails the person (and lands on biz_callback_url), and
 * alipay.security.risk.verifyidentity.confirm answers the result. Its refusals, the page's own, and a
 * cross-site page that cannot pass the person for the tester.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveClock } from '../support/admin-state.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { chooseOnPage, useChromium } from '../support/browser.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { itAnswersUnderShippedScenarios } from '../support/shipped-scenarios.js';

const INITIALIZE = 'alipay.security.risk.verifyidentity.initialize';
const CONFIRM = 'alipay.security.risk.verifyidentity.confirm';
const SCENE = 'metro#metro#metro_forgetpwd_confirm#mobileClient';

const sandbox = useSandbox();
const context = useChromium();
let merchant: LoopbackServer;
/** The cross-site page's target: the token it tries to pass. */
let forgedToken = '';

beforeAll(async () => {
  merchant = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    if (url.pathname === '/verified') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="merchant">back at the merchant</h1>');
      return;
    }
    const form = `<form id="f" method="post" action="${sandbox().url}/__sandbox/verifications/${forgedToken}/complete"><input name="choice" value="pass"></form><script>document.getElementById('f').submit()</script>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(form);
  });
}, 30_000);

afterAll(async () => {
  await merchant?.close();
});

function initializeRequest(bizId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { biz_id: bizId, scene_code: SCENE, product_code: 'SMS|FACE', account_id: '330106197909275965', account_name: '收委', account_type: 'CERT', ...extra };
}

async function initialize(bizId: string, extra: Record<string, string> = {}): Promise<{ url: string; token: string }> {
  const node = await execSigned(sandbox(), INITIALIZE, initializeRequest(bizId, extra));
  expect(node).toMatchObject({ code: '10000', is_success: 'true', veritfy_token: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return { url: node.verify_url as string, token: node.veritfy_token as string };
}

const confirm = (token: string, bizId: string, scene = SCENE) => execSigned(sandbox(), CONFIRM, { verify_token: token, biz_id: bizId, scene_code: scene });

/** Opens verify_url as the merchant's front end would, and clicks the tester's choice; the heading it lands on. */
function verifyInBrowser(url: string, choice: '#pass' | '#fail', reason?: string): Promise<string> {
  const check = async (page: Page) => {
    expect(await page.textContent('#account-name')).toBe('收委');
    expect(await page.textContent('#account-id')).toBe('330106********5965');
    expect(await page.textContent('#products')).toContain('人脸识别 (FACE)');
  };
  return chooseOnPage(context(), url, { check, reason, choice });
}

describe('核身 through alipay-sdk and Chromium', () => {
  it('pass on the page verify_url opens: confirm answers verify_result true, and the browser lands on biz_callback_url', { tags: ['chromium'] }, async () => {
    const { url, token } = await initialize('VERIFY0001', { biz_callback_url: `${merchant.url}/verified` });
    expect(url).toBe(`${sandbox().url}/__sandbox/verifications/${token}`);
    expect(await confirm(token, 'VERIFY0001')).toEqual({ code: '10000', msg: 'Success', verify_result: false, error_code: 'VERIFY_NOT_FINISHED', error_msg: '用户尚未完成核身' });
    const page = await context().newPage();
    await page.goto(url);
    await page.screenshot({ path: 'test-results/identity-verification-page.png' });
    await Promise.all([page.waitForURL(`${merchant.url}/verified`), page.click('#pass')]);
    expect(await page.textContent('#merchant')).toBe('back at the merchant');
    await page.close();
    expect(await confirm(token, 'VERIFY0001')).toEqual({ code: '10000', msg: 'Success', verify_result: true });
  });

  it('fail with a reason: confirm answers verify_result false, VERIFY_FAILED and that reason', { tags: ['chromium'] }, async () => {
    const { url, token } = await initialize('VERIFY0002');
    expect(await verifyInBrowser(url, '#fail', '短信校验码错误')).toContain('FAILED');
    expect(await confirm(token, 'VERIFY0002')).toMatchObject({ code: '10000', verify_result: false, error_code: 'VERIFY_FAILED', error_msg: '短信校验码错误' });
  });

  it('a finished verification\'s page is not shown again, and its post is refused', { tags: ['chromium'] }, async () => {
    const { url, token } = await initialize('VERIFY0003');
    expect(await verifyInBrowser(url, '#pass')).toContain('PASSED');
    const response = await fetch(url);
    expect(response.status).toBe(409);
    const again = await fetch(`${url}/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=fail' });
    expect(again.status).toBe(409);
    expect(await confirm(token, 'VERIFY0003')).toMatchObject({ verify_result: true });
  });

  it('a cross-site page cannot pass the person for the tester', { tags: ['chromium'] }, async () => {
    const { token } = await initialize('VERIFY0004');
    forgedToken = token;
    const page = await context().newPage();
    const refused = page.waitForResponse((response) => response.url().endsWith(`/__sandbox/verifications/${token}/complete`));
    await page.goto(`${merchant.url}/forge`);
    expect((await refused).status()).toBe(403);
    await page.close();
    expect(await confirm(token, 'VERIFY0004')).toMatchObject({ verify_result: false, error_code: 'VERIFY_NOT_FINISHED' });
  });

  it('a retried initialize of the same biz_id gets the same token; past the page\'s hour the page refuses the choice', async () => {
    const first = await initialize('VERIFY0005');
    expect((await initialize('VERIFY0005')).token).toBe(first.token);
    await moveClock(sandbox(), { advance_ms: 3600_000 + 1 });
    try {
      const late = await fetch(`${first.url}/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass' });
      expect(late.status).toBe(409);
    } finally {
      await moveClock(sandbox(), { advance_ms: -(3600_000 + 1) });
    }
  });
});

describe('核身 refusals', () => {
  it('confirm refuses a token nobody issued, another biz_id or scene_code, and a malformed request', async () => {
    const { token } = await initialize('VERIFY0010');
    for (const answer of [await confirm('0123456789abcdef0123456789abcdef', 'VERIFY0010'), await confirm(token, 'VERIFY9999'), await confirm(token, 'VERIFY0010', 'other#scene')]) {
      expect(answer).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'VERIFY_TOKEN_INVALID', sub_msg: '核身校验token无效' });
    }
    expect(await execSigned(sandbox(), CONFIRM, { verify_token: token, biz_id: 'VERIFY0010' })).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
  });

  it('initialize refuses a request without product_code, or with a product_code that is no product list', async () => {
    const { product_code: _dropped, ...missing } = initializeRequest('VERIFY0011');
    expect(await execSigned(sandbox(), INITIALIZE, missing)).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
    expect(await execSigned(sandbox(), INITIALIZE, initializeRequest('VERIFY0012', { product_code: 'sms,face' }))).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
    expect(await execSigned(sandbox(), INITIALIZE, initializeRequest('VERIFY0013', { biz_params: '{not json' }))).toMatchObject({ sub_code: 'INVALID_PARAMETER' });
  });

  it('an unknown token\'s page is a 404 page, not a crash', async () => {
    const response = await fetch(`${sandbox().url}/__sandbox/verifications/${encodeURIComponent('<nope>')}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('VERIFY_TOKEN_INVALID');
    const post = await fetch(`${sandbox().url}/__sandbox/verifications/nope/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=maybe' });
    expect(post.status).toBe(400);
  });

  itAnswersUnderShippedScenarios(sandbox, [
    [INITIALIZE, 'SYSTEM_ERROR', initializeRequest('VERIFY0020')],
    [CONFIRM, 'SYSTEM_ERROR', { verify_token: '0123456789abcdef0123456789abcdef', biz_id: 'VERIFY0020', scene_code: SCENE }],
  ], { sub_msg: '系统繁忙' });
});
