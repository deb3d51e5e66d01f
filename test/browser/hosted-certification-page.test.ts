/**
 * The hosted page that stands in for Alipay's face check, in a real browser (Debian's Chromium):
 * pass and fail are clicked, the browser lands on the merchant's return_url, and the query agrees.
 * Everything the page shows is escaped: an injection payload in the name, the reason and the
 * return_url runs nowhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { useChromium } from '../support/browser.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
const context = useChromium();
let merchant: Server;
let merchantUrl: string;
const merchantHits: string[] = [];

beforeAll(async () => {
  // The merchant's site on loopback: where return_url sends the browser back.
  merchant = createServer((req, res) => {
    merchantHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="merchant">back at the merchant</h1>');
  });
  await new Promise<void>((done) => merchant.listen(0, '127.0.0.1', done));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((done) => merchant?.close(done));
});

async function initialize(outerOrderNo: string, certName: string, returnUrl: string): Promise<string> {
  const node = await execSigned(sandbox(), 'alipay.user.certify.open.initialize', {
    outer_order_no: outerOrderNo,
    biz_code: 'FACE',
    identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: certName, cert_no: '330106197909275965' }),
    merchant_config: JSON.stringify({ return_url: returnUrl }),
  });
  return node.certify_id as string;
}

/** Opens the page as the merchant's front end would: the URL alipay-sdk's pageExec builds. */
async function openCertifyPage(page: Page, certifyId: string): Promise<void> {
  await page.goto(sdkFor(sandbox()).pageExec('alipay.user.certify.open.certify', 'GET', { bizContent: { certify_id: certifyId } }));
}

const query = (certifyId: string) => execSigned(sandbox(), 'alipay.user.certify.open.query', { certify_id: certifyId });

/**
 * Certification number `n` (outer_order_no BROWSER000n, return_url's order Bn) opened in a new page,
 * where `choose` acts until the browser is back at return_url: its certify_id.
 */
async function certifyAndReturn(n: number, choose: (page: Page, returnUrl: string) => Promise<unknown>): Promise<string> {
  const returnUrl = `${merchantUrl}/certified?order=B${n}`;
  const certifyId = await initialize(`BROWSER000${n}`, '收委', returnUrl);
  const page = await context().newPage();
  try {
    await openCertifyPage(page, certifyId);
    await choose(page, returnUrl);
  } finally {
    await page.close();
  }
  return certifyId;
}

describe('the hosted certification page in Chromium', { tags: ['chromium'] }, () => {
  it('pass: the browser returns to return_url and the query answers passed "T"', async () => {
    const certifyId = await certifyAndReturn(1, async (page, returnUrl) => {
      expect(await page.textContent('#cert-name')).toBe('收委');
      await page.screenshot({ path: 'test/browser/.last-certify-page.png' });
      await Promise.all([page.waitForURL(returnUrl), page.click('#pass')]);
      expect(await page.textContent('#merchant')).toBe('back at the merchant');
    });
    expect(merchantHits).toContain('/certified?order=B1');
    expect(await query(certifyId)).toMatchObject({ passed: 'T' });
  });

  it('fail with a reason: back at return_url, and the query answers passed "F" with that reason', async () => {
    const certifyId = await certifyAndReturn(2, async (page, returnUrl) => {
      await page.fill('#reason', '活体检测未通过');
      await Promise.all([page.waitForURL(returnUrl), page.click('#fail')]);
    });
    expect(await query(certifyId)).toMatchObject({ passed: 'F', fail_reason: '活体检测未通过' });
  });

  it('cancel: back at return_url, and the query answers passed "F"', async () => {
    const certifyId = await certifyAndReturn(3, (page, returnUrl) => Promise.all([page.waitForURL(returnUrl), page.click('#cancel')]));
    expect(await query(certifyId)).toMatchObject({ passed: 'F' });
  });

  it('works through the SDK\'s POST form too (pageExec without GET)', async () => {
    const returnUrl = `${merchantUrl}/certified?order=B4`;
    const certifyId = await initialize('BROWSER0004', '收委', returnUrl);
    const form = sdkFor(sandbox()).pageExec('alipay.user.certify.open.certify', { bizContent: { certify_id: certifyId } });
    const page = await context().newPage();
    await page.setContent(form);
    await page.waitForSelector('#cert-name');
    await Promise.all([page.waitForURL(returnUrl), page.click('#pass')]);
    expect(await query(certifyId)).toMatchObject({ passed: 'T' });
    await page.close();
  });

  it('escapes everything it shows: an injection payload in the name, the reason and the return_url runs nowhere', async () => {
    const payload = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>"'&`;
    const certifyId = await initialize('BROWSER0005', payload, `javascript:document.title='pwned'//${payload}`);
    const page = await context().newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await openCertifyPage(page, certifyId);
    expect(await page.textContent('#cert-name')).toBe(payload);
    expect(await page.textContent('#return-url')).toContain(payload);
    expect(await page.locator('#cert-name img, #cert-name script').count()).toBe(0);
    await page.fill('#reason', payload);
    await page.click('#fail');
    // A javascript: return_url is never followed: the sandbox stops on its own page, showing it as text.
    await page.waitForSelector('#return-url');
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__sandbox\/certifications\//);
    expect(await page.textContent('#return-url')).toBe(`javascript:document.title='pwned'//${payload}`);
    expect(await page.title()).not.toBe('pwned');
    expect(dialogs).toEqual([]);
    expect(await query(certifyId)).toMatchObject({ passed: 'F', fail_reason: payload });
    await page.close();
  });

  it('shows an expired or unknown certify_id as an error page', async () => {
    const page = await context().newPage();
    await openCertifyPage(page, 'ffffffffffffffffffffffffffffffff');
    expect(await page.textContent('#sub-code')).toBe('OPEN_CERTIFY_BILL_NOT_EXIST');
    await page.close();
  });
});
