/**
 * alipay.user.info.share with the real alipay-sdk 4, which takes the public auth_token among the call's
 * parameters (`exec(method, { authToken })`; it puts auth_token in the URL, as Alipay's docs show):
 * a token of scope auth_user shares the person's ids and public profile, made from the same synthetic
 * person; a token granted without auth_user (auth_base, id_verify) is refused with 20001
 * aop.invalid-auth-token, as Alipay's support answer for that code on this method says
 * (developer.aliyun.com/ask/285672); and each token Alipay refuses gets its public 20001 code.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { REGION_CODES } from '../../fixtures/identities/region-codes.js';
import { publicProfile } from '../../mock-server/core/identity/person-profile.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { registerApp } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { detailOf, nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const OTHER_APP = '2021000000000777';

/** The access token of a person's grant, as the merchant gets it: an auth code, exchanged. */
async function accessToken(running: RunningSandbox, scope: 'auth_base' | 'auth_user' | 'id_verify', personIndex = 0, appId = DEFAULT_APP_ID) {
  const person = running.admin.identities().identities[personIndex]!;
  const { auth_code } = await running.admin.issueAuthCode({ app_id: appId, user_id: person.user_id, scope });
  const token = await sdkFor(running).exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: auth_code }, { validateSign: true });
  return { person, token: token as Record<string, string> };
}

function share(running: RunningSandbox, authToken: string) {
  return sdkFor(running).exec('alipay.user.info.share', { authToken }, { validateSign: true });
}

describe('alipay.user.info.share', () => {
  it('auth_base, or id_verify, without auth_user: 20001 aop.invalid-auth-token, the header naming the scope', async () => {
    for (const scope of ['auth_base', 'id_verify'] as const) {
      const { token } = await accessToken(sandbox(), scope);
      const { traceId: _traceId, ...answer } = await share(sandbox(), token.access_token!);
      expect(answer, scope).toEqual({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-auth-token', sub_msg: '无效的访问令牌' });
      const raw = await postForm(sandbox(), signedRequest(publicParams('alipay.user.info.share', { auth_token: token.access_token! })));
      expect(nodeOf(raw), scope).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
      expect(detailOf(raw), scope).toContain(`granted scope ${scope}`);
      expect(detailOf(raw), scope).toContain('only for a token of scope auth_user');
    }
  });

  it('auth_user: the public profile of the same synthetic person', async () => {
    const { person, token } = await accessToken(sandbox(), 'auth_user');
    const answer = await share(sandbox(), token.access_token!);
    expect(answer).toMatchObject({ code: '10000', user_id: person.user_id, open_id: token.open_id, nick_name: [...person.name].slice(1).join('') });
    expect(answer.gender).toBe(Number(person.cert_no.charAt(16)) % 2 ? 'M' : 'F');
    expect(answer.province).toMatch(/(省|市|自治区)$/);
    expect(answer.city).toMatch(/市$/);
    expect(answer.avatar).toMatch(/^https:\/\/tfs\.alipay-sandbox\.invalid\/images\/partner\/[0-9a-f]{32}$/);
    // The same person, asked again through another grant, has the same profile.
    const again = await share(sandbox(), (await accessToken(sandbox(), 'auth_user')).token.access_token!);
    expect({ ...again, traceId: undefined }).toEqual({ ...answer, traceId: undefined });
  });

  it('an unknown token, and none at all: 20001 aop.invalid-auth-token', async () => {
    expect(await share(sandbox(), '20240101ffffffffffffffffffffffffffffffff')).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-auth-token', sub_msg: '无效的访问令牌' });
    const none = await sdkFor(sandbox()).exec('alipay.user.info.share', {}, { validateSign: true });
    expect(none).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
    expect(await share(sandbox(), 'x'.repeat(41))).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
  });

  it('a token a refresh replaced is invalid; the new one works', async () => {
    const { token } = await accessToken(sandbox(), 'auth_user');
    const refreshed = await sdkFor(sandbox()).exec('alipay.system.oauth.token', { grant_type: 'refresh_token', refresh_token: token.refresh_token! }, { validateSign: true });
    expect(await share(sandbox(), token.access_token!)).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
    expect(await share(sandbox(), refreshed.access_token as string)).toMatchObject({ code: '10000' });
  });

  it("another app's token: 20001 aop.invalid-auth-token, though the token is current", async () => {
    const key = await registerApp(sandbox(), OTHER_APP);
    const otherApp = sdkFor(sandbox(), { appId: OTHER_APP, privateKey: key.export({ type: 'pkcs1', format: 'pem' }).toString() });
    const { auth_code } = await sandbox().admin.issueAuthCode({ app_id: OTHER_APP, user_id: sandbox().admin.identities().identities[1]!.user_id, scope: 'auth_user' });
    const token = await otherApp.exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: auth_code }, { validateSign: true });
    expect(await otherApp.exec('alipay.user.info.share', { authToken: token.access_token as string })).toMatchObject({ code: '10000' });
    expect(await share(sandbox(), token.access_token as string)).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
  });

  it('a token past its 15 days on the business clock: 20001 aop.auth-token-time-out', async () => {
    const { token } = await accessToken(sandbox(), 'auth_user');
    sandbox().admin.moveClock({ advance_ms: 1_296_000_000 - 60_000 });
    expect(await share(sandbox(), token.access_token!)).toMatchObject({ code: '10000' });
    sandbox().admin.moveClock({ advance_ms: 120_000 });
    expect(await share(sandbox(), token.access_token!)).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.auth-token-time-out', sub_msg: '访问令牌已过期' });
    sandbox().admin.resetClock();
  });

  it('knows the city of every region synthetic people are issued in', () => {
    const profileOf = (cert_no: string) => publicProfile({ name: '测试', cert_type: 'IDENTITY_CARD', cert_no, mobile: '13800138000', user_id: '2088000000000001', source: 'admin' });
    for (const [code] of REGION_CODES) expect(profileOf(`${code}199001011234`).city, code).toBeTruthy();
  });
});
