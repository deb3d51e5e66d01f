/**
 * The msw handlers in a browser: the example page (mock-server/msw/browser) runs the sandbox engine and msw's
 * service worker in Chromium; its calls to https://openapi.alipay.com/gateway.do are answered in the
 * page, signed, verified by the reference client, and the chosen outcome is what comes back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserExample } from '../../mock-server/build/build-browser-example.js';
import { useChromium } from '../support/browser.js';
import { serveFolder } from '../../mock-server/msw/browser/static-server.js';

const folder = mkdtempSync(join(tmpdir(), 'browser-example-'));
let site: Awaited<ReturnType<typeof serveFolder>>;
const context = useChromium();
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await buildBrowserExample(folder);
  site = await serveFolder(folder);
  page = await context().newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${site.url}/`);
  await page.locator('#status', { hasText: 'ready' }).waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await site?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Each call below expects an answer different from the one before, so a change means it arrived. */
async function callWith(outcome: string): Promise<Record<string, string>> {
  const before = await page.textContent('#result');
  await page.selectOption('#outcome', outcome);
  await page.click('#apply');
  await expect.poll(() => page.textContent('#result'), { timeout: 20_000 }).not.toBe(before);
  return JSON.parse((await page.textContent('#result'))!) as Record<string, string>;
}

describe('the msw handlers in Chromium (mock-server/msw/browser)', { tags: ['chromium'] }, () => {
  it('answer a call to Alipay\'s gateway with normal behaviour, signed and verified in the page', async () => {
    expect(await callWith('normal')).toMatchObject({ code: '10000', auth_token_type: 'permanent' });
  });

  it('answer the business error the front-end developer chose', async () => {
    expect(await callWith('NO_USER_ERROR')).toEqual({ code: '40004', sub_code: 'NO_USER_ERROR', sub_msg: '身份三要素不存在支付宝认证的个人会员' });
    expect(await callWith('SYSTEM_ERROR')).toMatchObject({ sub_code: 'SYSTEM_ERROR' });
  });

  it('answer a gateway outage', async () => {
    expect(await callWith('outage')).toEqual({ code: '20000', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' });
  });

  it('raise no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
