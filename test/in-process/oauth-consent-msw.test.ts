/**
 * The OAuth consent page under msw, at Alipay's own OAuth hosts (production and sandbox): the page
 * for a merchant's unchanged authorize URL, the agreement posted back to that host, the redirect with
 * auth_code and state, and the code exchanged and used through the same handlers.
 */
import { describe, expect, it } from 'vitest';
import { AlipayClient } from '../../client-harness/alipay-client.js';
import { useMswSandbox } from '../support/msw-sandbox.js';

const mswSandbox = useMswSandbox();

const client = () => new AlipayClient({ gateway: 'https://openapi.alipay.com/gateway.do', appId: mswSandbox().defaultApp.appId, privateKey: mswSandbox().defaultApp.privateKeyPem, alipayPublicKey: mswSandbox().alipayPublicKeyPem });

describe('the OAuth consent page under msw', () => {
  for (const host of ['https://openauth.alipay.com', 'https://openauth-sandbox.dl.alipaydev.com']) {
    it(`${host}: page, agreement, redirect with auth_code and state, token, user info`, async () => {
      const query = new URLSearchParams({ app_id: mswSandbox().defaultApp.appId, scope: 'auth_user', redirect_uri: 'https://shop.example/callback?from=login', state: 'st-1' });
      const page = await fetch(`${host}/oauth2/publicAppAuthorize.htm?${query}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await page.text()).toContain('action="/__sandbox/oauth2/authorize"');

      const person = mswSandbox().admin.identities().identities[0]!;
      const agreed = await fetch(`${host}/__sandbox/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${query}&user_id=${person.user_id}&choice=agree`, redirect: 'manual' });
      expect(agreed.status).toBe(303);
      const redirect = new URL(agreed.headers.get('location')!);
      expect(redirect.origin + redirect.pathname).toBe('https://shop.example/callback');
      expect(Object.fromEntries(redirect.searchParams)).toMatchObject({ from: 'login', app_id: mswSandbox().defaultApp.appId, source: 'alipay_wallet', scope: 'auth_user', state: 'st-1' });

      const token = await client().call('alipay.system.oauth.token', { grant_type: 'authorization_code', code: redirect.searchParams.get('auth_code')! });
      const info = await client().call('alipay.user.info.share', { auth_token: token.access_token });
      expect(info).toMatchObject({ user_id: person.user_id, open_id: token.open_id, gender: expect.stringMatching(/^[FM]$/) });
    });
  }

  it('an agreement for a person the sandbox does not know is a 404 page, not a redirect', async () => {
    const body = new URLSearchParams({ app_id: mswSandbox().defaultApp.appId, scope: 'auth_base', redirect_uri: 'https://shop.example/cb', user_id: '2088000000000001' });
    const agreed = await fetch('https://openauth.alipay.com/__sandbox/oauth2/authorize', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    expect(agreed.status).toBe(404);
    expect(await agreed.text()).toContain('id="problem"');
  });
});
