/**
 * The web console at /__admin/ui in Debian's Chromium, each workflow end to end against a real
 * sandbox and the real alipay-sdk: the live journal and a request's detail; flipping an app to
 * NO_USER_ERROR and seeing the next call fail; the scenario editor's checks; finishing a pending
 * certification and seeing the query pass; the magic and synthetic identities; registering an app
 * from a generated key pair and calling with the configuration the console shows; the token prompt;
 * keyboard use and labels; no layout jump while the journal grows. Screenshots of every section at
 * desktop and phone widths go to test-results/console-screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { packagePath } from '../../mock-server/package-root.js';
import { startSandbox } from '../../mock-server/sandbox.js';
import { reset } from '../support/admin-client.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { sharedChromium } from '../support/browser.js';
import { certifyOpenInitializeExample, CERTIFY_OPEN_INITIALIZE } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const SCREENSHOTS = packagePath('test-results', 'console-screenshots');
const INNER_APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const sandbox = useSandbox();
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await sharedChromium();
}, 30_000);

async function openConsole(viewport = { width: 1280, height: 860 }): Promise<Page> {
  context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sandbox().url });
  page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(sandbox().url + '/');
  await page.waitForSelector('#status:has-text("Connected")');
  expect(errors).toEqual([]);
  return page;
}

afterEach(async () => {
  await context?.close();
  await reset(sandbox());
});

const tab = (name: string) => page.getByRole('tab', { name });
const innerApply = () => execSigned(sandbox(), INNER_APPLY, VALID_REQUESTS[INNER_APPLY]);

describe('the web console', { tags: ['chromium'] }, () => {
  it('/ redirects to /__admin/ui, served with a strict CSP and one small bundle', async () => {
    const root = await fetch(sandbox().url + '/', { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/__admin/ui']);
    const ui = await fetch(sandbox().url + '/__admin/ui');
    expect(ui.headers.get('content-security-policy')).toContain("script-src 'self'");
    const bundle = await fetch(sandbox().url + '/__admin/ui/console.js');
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeLessThan(40_000);
  });

  it('shows requests live, filters them, and opens one: parameters, biz_content, sign string, signature, node, rule', async () => {
    await openConsole();
    await innerApply();
    const row = page.locator('#journal tbody tr', { hasText: INNER_APPLY });
    await row.waitFor();
    // A refused signature, so the detail has something to explain.
    const tampered = signedRequest({ ...publicParams(INNER_APPLY), biz_content: JSON.stringify(VALID_REQUESTS[INNER_APPLY]) });
    await postForm(sandbox(), { ...tampered, body: tampered.body.replace('13588111111', '13588111112') });
    await page.locator('#journal tbody tr.refused').waitFor();
    expect(await page.locator('#journal tbody tr').count()).toBe(2);

    await page.selectOption('#filter-outcome', 'refused');
    await expect.poll(() => page.locator('#journal tbody tr:visible').count()).toBe(1);
    await page.selectOption('#filter-outcome', '');
    await page.fill('#filter-app', '2021999');
    await expect.poll(() => page.locator('#journal tbody tr:visible').count()).toBe(0);
    await page.fill('#filter-app', '');

    await page.locator('#journal tbody tr.success button').click();
    await page.locator('#detail-sign-string').waitFor();
    expect(await page.textContent('#detail-signature')).toBe('verified');
    expect(await page.textContent('#detail-sign-string')).toContain(`app_id=${DEFAULT_APP_ID}&biz_content=`);
    expect(JSON.parse((await page.textContent('#detail-biz-content'))!)).toEqual(VALID_REQUESTS[INNER_APPLY]);
    expect(JSON.parse((await page.textContent('#detail-response'))!)).toMatchObject({ code: '10000', auth_token_type: 'permanent' });
    expect(await page.textContent('#detail-rule')).toBe('normal behaviour');

    // A magic identity's answer names the magic identity that chose it.
    const magic = MAGIC_IDENTITIES.find((identity) => JSON.stringify(identity.answers[INNER_APPLY]) === '{"business_error":"NO_USER_ERROR"}')!;
    await execSigned(sandbox(), INNER_APPLY, { ...VALID_REQUESTS[INNER_APPLY], cert_no: magic.cert_no, name: magic.name, mobile: magic.mobile });
    const magicRow = page.locator('#journal tbody tr.error', { hasText: 'NO_USER_ERROR' });
    await magicRow.locator('button').click();
    await page.waitForSelector(`#detail-rule:has-text("magic identity ${magic.cert_no}")`);

    await page.locator('#journal tbody tr.refused button').click();
    await page.waitForSelector('#detail-signature:has-text("did not verify")');
    // A parameter changed after signing: no common mistake explains it, and the detail says what to compare.
    expect(await page.textContent('#detail-why')).toContain('no common mistake explains the sign: the parameters differ from what was signed');
    expect(await page.textContent('#detail-response')).toContain('验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：app_id=');
    await page.screenshot({ path: join(SCREENSHOTS, 'requests-desktop.png'), fullPage: true });
  });

  it('flips an app to NO_USER_ERROR with a click; the next SDK call fails, and the console shows it with its rule', async () => {
    await openConsole();
    expect((await innerApply()).code).toBe('10000');
    await tab('Outcomes').click();
    // The app's own scenario answers late, as on a busy machine: the shipped one chosen meanwhile must
    // stay in the editor (it was overwritten, and the app's old scenario applied, in a CI run).
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    const appScenario = `**/__admin/apps/${DEFAULT_APP_ID}/scenario`;
    await page.route(appScenario, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    const loaded = page.waitForResponse((response) => response.url().endsWith(`/apps/${DEFAULT_APP_ID}/scenario`) && response.request().method() === 'GET');
    await page.selectOption('#scenario-app', DEFAULT_APP_ID);
    await page.selectOption('#shipped-scenario', `business-errors/${INNER_APPLY}/NO_USER_ERROR`);
    release();
    await (await loaded).finished();
    // Time for the page to handle the late answer; with the choice kept, there is nothing to wait for.
    await page.waitForTimeout(300);
    await page.unroute(appScenario);
    await page.waitForSelector('#scenario-check:has-text("Valid scenario")');
    expect(await page.inputValue('#scenario-editor')).toContain('NO_USER_ERROR');
    await page.click('#apply-scenario');
    await page.waitForSelector(`#status:has-text("Scenario applied to app ${DEFAULT_APP_ID}")`);
    expect(await innerApply()).toMatchObject({ code: '40004', sub_code: 'NO_USER_ERROR' });

    await tab('Requests').click();
    const failed = page.locator('#journal tbody tr.error', { hasText: 'NO_USER_ERROR' });
    await failed.waitFor();
    await failed.locator('button').click();
    await page.waitForSelector('#detail-rule:has-text("NO_USER_ERROR")');
  });

  it('checks the scenario as it is typed, naming the path of the error, and refuses to apply a broken one', async () => {
    await openConsole();
    await tab('Outcomes').click();
    await page.fill('#scenario-editor', JSON.stringify({ rules: [{ match: { method: INNER_APPLY }, outcome: { business_error: 'NO_SUCH_CODE' } }] }));
    await page.waitForSelector('#scenario-check.bad');
    expect(await page.textContent('#scenario-check')).toContain('rules[0].outcome.business_error');
    await page.fill('#scenario-editor', '{"rules": [');
    await page.waitForSelector('#scenario-check:has-text("Not JSON")');
    await page.click('#apply-scenario');
    await page.waitForSelector('#status:has-text("Fix the scenario first")');
    expect((await innerApply()).code).toBe('10000');
    await page.fill('#scenario-editor', JSON.stringify({ rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] }, null, 2));
    await page.waitForSelector('#scenario-check:has-text("Valid scenario")');
    await page.screenshot({ path: join(SCREENSHOTS, 'outcomes-desktop.png'), fullPage: true });
  });

  it('moves the business clock and resets the sandbox', async () => {
    await openConsole();
    await tab('Outcomes').click();
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.waitForSelector('#clock-now:has-text("moved 1440 min")');
    await page.click('#reset-sandbox');
    await page.waitForSelector('#status:has-text("Reset")');
    expect(await page.textContent('#clock-now')).not.toContain('moved');
  });

  it('lists a pending certification; Pass finishes it and the query passes; Fail takes a reason', async () => {
    const zhima = await execSigned(sandbox(), 'zhima.customer.certification.initialize', { transaction_id: 'CONSOLEZM01', product_code: 'w1010100000000002978', biz_code: 'FACE', identity_param: certifyOpenInitializeExample.identity_param! });
    const started = await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'CONSOLE01' });
    const failing = await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'CONSOLE02' });
    await openConsole();
    await tab('Verifications').click();
    const card = page.locator(`#pending li[data-id="${String(started.certify_id)}"]`);
    await card.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'verifications-desktop.png'), fullPage: true });
    // Both flows are listed: the Zhima certification too, by its biz_no.
    await page.locator(`#pending li[data-id="${String(zhima.biz_no)}"]`, { hasText: 'biz_no' }).waitFor();
    await card.getByRole('button', { name: 'Pass' }).click();
    await card.waitFor({ state: 'detached' });
    expect(await execSigned(sandbox(), 'alipay.user.certify.open.query', { certify_id: String(started.certify_id) })).toMatchObject({ passed: 'T' });

    const other = page.locator(`#pending li[data-id="${String(failing.certify_id)}"]`);
    await other.getByRole('textbox').fill('人脸比对不一致');
    await other.getByRole('button', { name: 'Fail' }).click();
    await other.waitFor({ state: 'detached' });
    expect(await execSigned(sandbox(), 'alipay.user.certify.open.query', { certify_id: String(failing.certify_id) })).toMatchObject({ passed: 'F', fail_reason: '人脸比对不一致' });
  });

  it('shows the magic identities with copy buttons, and generates a valid synthetic identity', async () => {
    await openConsole();
    await tab('Verifications').click();
    const firstMagic = page.locator('#magic tbody tr').first();
    const certNo = (await firstMagic.locator('code').textContent())!;
    await firstMagic.getByRole('button', { name: /^Copy cert_no/ }).click();
    await page.waitForSelector(`#status:has-text("Copied cert_no ${certNo}")`);
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(certNo);
    await page.click('#generate-identity');
    const generated = (await page.locator('#synthetic code').nth(1).textContent())!;
    expect(residentIdProblem(generated)).toBeUndefined();
  });

  it('registers an app from a generated key pair; the alipay-sdk configuration it shows calls the sandbox', async () => {
    await openConsole();
    await tab('Apps').click();
    await page.fill('#new-app-id', '2021000000007001');
    await page.click('#generate-key-pair');
    await page.locator('#sdk-config').waitFor();
    await page.getByRole('button', { name: 'Register app' }).click();
    await page.waitForSelector('#status:has-text("App 2021000000007001 registered")');
    expect(await page.textContent('#app-list')).toContain('2021000000007001');
    await page.screenshot({ path: join(SCREENSHOTS, 'apps-desktop.png'), fullPage: true });

    const config = (await page.textContent('#sdk-config'))!;
    const pem = (name: string) => new RegExp(`${name}: \`([^\`]+)\``).exec(config)![1]!;
    const sdk = new AlipaySdk({ appId: '2021000000007001', privateKey: pem('privateKey'), alipayPublicKey: pem('alipayPublicKey'), gateway: /gateway: '([^']+)'/.exec(config)![1]! });
    const answer = await sdk.exec(INNER_APPLY, { bizContent: VALID_REQUESTS[INNER_APPLY] }, { validateSign: true });
    expect(answer.code).toBe('10000');
    // The same checks as the API: a key that is none is refused, with the API's reason.
    await page.fill('#new-app-id', '2021000000007002');
    await page.fill('#new-app-key', 'not a key');
    await page.getByRole('button', { name: 'Register app' }).click();
    await page.waitForSelector('#status:has-text("public_key")');
  });

  it('verifies a pasted response: a genuine one verifies, a changed one is named changed after signing', async () => {
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) };
    const body = (await postForm(sandbox(), signedRequest(params))).text;
    await openConsole();
    await tab('Apps').click();
    await page.fill('#verify-body', body);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('#verify-verdict:has-text("sign verifies")');
    expect(await page.textContent('#verify-verdict')).toContain('your client cuts the signed text differently');
    await page.fill('#verify-body', body.replace('"code":"10000"', '"code": "10000"'));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('#verify-verdict:has-text("the body was changed after signing")');
  });

  it('is usable from the keyboard, every control is labelled, and the journal grows without moving the page', async () => {
    await openConsole();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.getAttribute("role")')).toBe('tab');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Outcomes');
    expect(await page.isVisible('#outcomes')).toBe(true);
    await page.keyboard.press('ArrowLeft');
    // In the page: every control has a label, an aria-label, or text of its own.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((control) => !control.getAttribute('aria-label') && !(control.id && document.querySelector('label[for="' + control.id + '"]')) && !(control.textContent ?? '').trim())
      .map((control) => control.outerHTML.slice(0, 80))`);
    expect(unlabelled).toEqual([]);

    const box = async () => JSON.stringify(await page.locator('#request-detail').boundingBox());
    const before = await box();
    await Promise.all(Array.from({ length: 30 }, () => innerApply()));
    await expect.poll(() => page.locator('#journal tbody tr').count()).toBe(30);
    expect(await box()).toBe(before);
  });

  it('at a phone\'s width, every section fits without sideways scrolling', async () => {
    await innerApply();
    await openConsole({ width: 390, height: 844 });
    for (const name of ['Requests', 'Outcomes', 'Verifications', 'Apps']) {
      await tab(name).click();
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, name).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `${name.toLowerCase()}-phone.png`), fullPage: true });
    }
  });
});

describe('the web console bound beyond loopback (an admin token)', { tags: ['chromium'] }, () => {
  it('loads without the token, asks for it, and then works; the API stays closed without it', async () => {
    const guarded = await startSandbox({ port: 0, inMemory: true, quiet: true, adminToken: 'console-test-token' });
    try {
      expect((await fetch(`${guarded.url}/__admin/requests`)).status).toBe(401);
      // Closed even when the test fails: the Chromium is the worker's, and outlives this file.
      const tokenContext = await browser.newContext();
      try {
        const tokenPage = await tokenContext.newPage();
        await tokenPage.goto(`${guarded.url}/__admin/ui`);
        await tokenPage.fill('#token', 'console-test-token');
        await tokenPage.click('.token button');
        await tokenPage.waitForSelector('#status:has-text("Connected")');
        await sdkFor(guarded).exec(INNER_APPLY, { bizContent: VALID_REQUESTS[INNER_APPLY] });
        await tokenPage.locator('#journal tbody tr', { hasText: INNER_APPLY }).waitFor();
      } finally {
        await tokenContext.close();
      }
    } finally {
      await guarded.close();
    }
  });
});
