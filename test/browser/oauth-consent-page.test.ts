/**
 * Log in with Alipay end to end in Chromium: the merchant's authorize URL opens the sandbox's stand-in
 * for publicAppAuthorize.htm, the tester picks a person and agrees, the browser lands on the
 * merchant's redirect_uri (a tiny local server) with auth_code and state, and the merchant exchanges
 * the code with alipay-sdk and reads the person's profile. A cross-site page cannot agree for the
 * tester, and bad parameters get a 4xx page saying which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { useChromium } from '../support/browser.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
const context = useChromium();
let merchant: LoopbackServer;
let merchantUrl: string;
/** The redirects the merchant's callback received, by state. */
const callbacks = new Map<string, URLSearchParams>();

beforeAll(async () => {
  merchant = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    if (url.pathname === '/callback') {
      callbacks.set(url.searchParams.get('state') ?? '', url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="merchant">logged in</h1>');
      return;
    }
    // A cross-site page that posts an agreement to the sandbox as soon as it loads.
    const form = `<form id="f" method="post" action="${sandbox().url}/__sandbox/oauth2/authorize">
<input name="app_id" value="${DEFAULT_APP_ID}"><input name="scope" value="auth_user"><input name="redirect_uri" value="${merchantUrl}/callback">
<input name="state" value="forged"><input name="user_id" value="${sandbox().admin.identities().identities[0]!.user_id}"></form><script>document.getElementById('f').submit()</script>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(form);
  });
  merchantUrl = merchant.url;
}, 30_000);

afterAll(async () => {
  await merchant?.close();
});

/** The URL a merchant builds, with the sandbox's host in place of https://openauth.alipay.com. */
function authorizeUrl(scope: string, state: string, redirectUri = `${merchantUrl}/callback`): string {
  const query = new URLSearchParams({ app_id: DEFAULT_APP_ID, scope, redirect_uri: redirectUri, state });
  return `${sandbox().url}/oauth2/publicAppAuthorize.htm?${query}`;
}

describe('the OAuth consent page in Chromium', { tags: ['chromium'] }, () => {
  it('agree → redirect_uri gets auth_code and state → the code becomes a token → the profile of the person chosen', async () => {
    const person = sandbox().admin.identities().identities[2]!;
    const page = await context().newPage();
    await page.goto(authorizeUrl('auth_user', 'login-1'));
    expect(await page.textContent('#app-id')).toBe(DEFAULT_APP_ID);
    expect(await page.textContent('#scope')).toBe('auth_user');
    await page.check(`input[value="${person.user_id}"]`);
    await page.screenshot({ path: 'test-results/oauth-consent-page.png' });
    await Promise.all([page.waitForURL(`${merchantUrl}/callback?**`), page.click('#agree')]);
    expect(await page.textContent('#merchant')).toBe('logged in');
    await page.close();

    const redirect = callbacks.get('login-1')!;
    expect(Object.fromEntries(redirect)).toMatchObject({ app_id: DEFAULT_APP_ID, source: 'alipay_wallet', scope: 'auth_user', state: 'login-1' });
    const alipay = sdkFor(sandbox());
    const token = await alipay.exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: redirect.get('auth_code')! }, { validateSign: true });
    expect(token.user_id).toBe(person.user_id);
    const info = await alipay.exec('alipay.user.info.share', { authToken: token.access_token as string }, { validateSign: true });
    expect(info).toMatchObject({ code: '10000', user_id: person.user_id, open_id: token.open_id, nick_name: [...person.name].slice(1).join('') });
  });

  it('scope auth_base: alipay.user.info.share refuses the token, 20001 aop.invalid-auth-token (user info needs auth_user)', async () => {
    const page = await context().newPage();
    await page.goto(authorizeUrl('auth_base', 'login-2'));
    await Promise.all([page.waitForURL(`${merchantUrl}/callback?**`), page.click('#agree')]);
    await page.close();
    const alipay = sdkFor(sandbox());
    const token = await alipay.exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: callbacks.get('login-2')!.get('auth_code')! });
    expect(token.user_id).toMatch(/^2088\d{12}$/);
    const { traceId: _traceId, ...info } = await alipay.exec('alipay.user.info.share', { authToken: token.access_token as string });
    expect(info).toEqual({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-auth-token', sub_msg: '无效的访问令牌' });
  });

  it('a cross-site page cannot agree for the tester: its post is refused and no code reaches the merchant', async () => {
    const page = await context().newPage();
    const refused = page.waitForResponse((response) => response.url().endsWith('/__sandbox/oauth2/authorize'));
    await page.goto(`${merchantUrl}/forge`);
    expect((await refused).status()).toBe(403);
    await page.close();
    expect(callbacks.has('forged')).toBe(false);
  });

  it('bad parameters get a 4xx page that says which, and javascript: is never a redirect_uri', async () => {
    const page = await context().newPage();
    for (const [url, status, said] of [
      [authorizeUrl('auth_zhima', 's'), 400, 'scope'],
      [authorizeUrl('auth_user', 's', `javascript:alert(1)`), 400, 'redirect_uri'],
      [authorizeUrl('auth_user', 'x'.repeat(101)), 400, 'state'],
      [`${sandbox().url}/oauth2/publicAppAuthorize.htm?app_id=2021999999999999&scope=auth_base&redirect_uri=https%3A%2F%2Fm.example%2F`, 404, '2021999999999999'],
      [`${sandbox().url}/oauth2/publicAppAuthorize.htm`, 400, 'app_id'],
    ] as const) {
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(status);
      expect(await page.textContent('#problem')).toContain(said);
    }
    await page.close();
  });
});
