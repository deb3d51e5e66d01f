/**
 * ISV mode (应用授权), with the real alipay-sdk: a merchant authorizes a third-party app (the admin
 * core's stand-in for Alipay's authorization page), alipay.open.auth.token.app exchanges the code for
 * an app_auth_token, and calls sent with the token act for the merchant: they read and write the
 * merchant app's state. Unknown, revoked, expired, foreign and unauthorized-API tokens get Alipay's
 * public 20001 answers; every documented refusal of the exchange is a 40004 the page lists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { AdminClientError, createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { registerApp, reset } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const TOKEN_APP = 'alipay.open.auth.token.app';
const QUERY = 'alipay.user.certify.open.query';
const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

function exchange(running: RunningSandbox, bizContent: Record<string, string>, validateSign = true): Promise<Record<string, unknown>> {
  return sdkFor(running).exec(TOKEN_APP, { bizContent }, { validateSign });
}

/** A call the ISV (the default app) makes, for the merchant whose token it sends (none: for itself). */
function callAs(running: RunningSandbox, method: string, bizContent: Record<string, string>, appAuthToken?: string): Promise<Record<string, unknown>> {
  return sdkFor(running).exec(method, { bizContent, ...(appAuthToken ? { appAuthToken } : {}) }, { validateSign: true });
}

const startCertification = (running: RunningSandbox, outerOrderNo: string, token?: string) =>
  callAs(running, CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: outerOrderNo }, token);

describe('exchanging an app_auth_code (alipay.open.auth.token.app)', () => {
  it('gives the merchant\'s app_auth_token, refresh token, auth_app_id and user_id, once', async () => {
    const issued = await sandbox().admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000811' });
    expect(issued).toMatchObject({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000811' });
    expect(issued.app_auth_code).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.user_id).toMatch(/^2088\d{12}$/);

    const answer = await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.app_auth_code });
    expect(answer).toMatchObject({ code: '10000', msg: 'Success', user_id: issued.user_id, auth_app_id: '2021000000000811', expires_in: '31536000', re_expires_in: '32140800' });
    expect(answer.app_auth_token).toMatch(/^\d{6}BB[0-9a-f]{32}$/);
    expect(answer.app_refresh_token).toMatch(/^\d{6}BB[0-9a-f]{32}$/);
    expect(answer.app_refresh_token).not.toBe(answer.app_auth_token);

    expect(await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.app_auth_code })).toMatchObject({ code: '40004', sub_code: 'AUTH_CODE_NOT_VALID', sub_msg: '无效的auth_code' });
  });

  it('refuses an unknown code, another app\'s code, a code a day old, and a bad grant_type, as the page documents', async () => {
    expect(await exchange(sandbox(), { grant_type: 'authorization_code', code: '1cc19911172e4f8aaa509c8fb5d12F56' })).toMatchObject({ sub_code: 'AUTH_CODE_NOT_EXIST', sub_msg: 'auth_code不存在' });
    await registerApp(sandbox(), '2021000000000812');
    const foreign = await sandbox().admin.issueAppAuthCode({ app_id: '2021000000000812' });
    expect(await exchange(sandbox(), { grant_type: 'authorization_code', code: foreign.app_auth_code })).toMatchObject({ sub_code: 'APP_ID_NOT_CONSISTENT' });
    const old = await sandbox().admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID });
    sandbox().admin.moveClock({ advance_ms: 24 * 3600_000 + 1000 });
    expect(await exchange(sandbox(), { grant_type: 'authorization_code', code: old.app_auth_code })).toMatchObject({ sub_code: 'AUTH_CODE_NOT_VALID' });
    expect(await exchange(sandbox(), { grant_type: 'client_credentials' })).toMatchObject({ code: '40004', sub_code: 'GRANT_TYPE_INVALID' });
  });

  it('refreshes: new tokens; the old token and refresh token stop working', async () => {
    const first = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    sandbox().admin.moveClock({ advance_ms: 1000 });
    const refreshed = await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: first.app_refresh_token });
    expect(refreshed).toMatchObject({ code: '10000', auth_app_id: first.auth_app_id, user_id: first.user_id });
    expect(refreshed.app_auth_token).not.toBe(first.app_auth_token);
    expect((await startCertification(sandbox(), 'ISV_REFRESHED', String(refreshed.app_auth_token))).code).toBe('10000');
    expect(await startCertification(sandbox(), 'ISV_OLD', first.app_auth_token)).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token' });
    expect(await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: first.app_refresh_token })).toMatchObject({ sub_code: 'REFRESH_TOKEN_NOT_EXIST' });
  });

  it('is served over OpenAPI v3 too (POST /v3/alipay/open/auth/token/app)', async () => {
    const issued = await sandbox().admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID });
    const v3 = sdkFor(sandbox(), { endpoint: sandbox().url });
    const answer = await v3.curl<Record<string, string>>('POST', '/v3/alipay/open/auth/token/app', { body: { grant_type: 'authorization_code', code: issued.app_auth_code } });
    expect(answer.data).toMatchObject({ auth_app_id: issued.auth_app_id, user_id: issued.user_id });
    const withToken = await v3.curl('POST', '/v3/alipay/user/certify/open/initialize', { body: { ...certifyOpenInitializeExample, outer_order_no: 'ISV_V3' }, appAuthToken: answer.data.app_auth_token! });
    expect(withToken.responseHttpStatus).toBe(200);
  });
});

describe('a call with an app_auth_token', () => {
  it('acts for the merchant: its certifications are the merchant\'s, not the ISV\'s or another merchant\'s', async () => {
    const a = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000821' });
    const b = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000822' });
    const forA = await startCertification(sandbox(), 'SAME_ORDER', a.app_auth_token);
    const forB = await startCertification(sandbox(), 'SAME_ORDER', b.app_auth_token);
    const own = await startCertification(sandbox(), 'SAME_ORDER');
    expect(new Set([forA.certify_id, forB.certify_id, own.certify_id]).size).toBe(3);

    const query = (certifyId: unknown, token?: string) => callAs(sandbox(), QUERY, { certify_id: String(certifyId) }, token);
    expect((await query(forA.certify_id, a.app_auth_token)).code).toBe('10000');
    expect(await query(forA.certify_id, b.app_auth_token)).toMatchObject({ code: '40004', sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST' });
    expect(await query(forA.certify_id)).toMatchObject({ sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST' });
    // The same order number for the same merchant is the same certification, as without a token.
    expect((await startCertification(sandbox(), 'SAME_ORDER', a.app_auth_token)).certify_id).toBe(forA.certify_id);
    // The journal says which merchant each call acted for, and verification can ask it.
    expect(sandbox().requests.count({ auth_app_id: '2021000000000821' })).toBe(3);
    expect(sandbox().requests.count({ app_id: DEFAULT_APP_ID, method: CERTIFY_OPEN_INITIALIZE })).toBe(4);
    expect(sandbox().requests.find({ auth_app_id: '2021000000000822' }).map((e) => [e.method, e.response.code])).toEqual([[CERTIFY_OPEN_INITIALIZE, '10000'], [QUERY, '40004']]);
  });

  it('an unknown token: 20001 aop.invalid-app-auth-token, saying how to get one', async () => {
    const answer = await startCertification(sandbox(), 'ISV_UNKNOWN', '201509BBeff9351ad1874306903e96b91d248A36');
    expect(answer).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-app-auth-token' });
    expect(answer.sub_msg).toMatch(/^无效的应用授权令牌: .*POST \/__admin\/app-auth-tokens/);
  });

  it('a revoked token (the merchant cancelled the authorization): invalid; its refresh token too', async () => {
    const issued = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    expect((await sandbox().admin.revokeAppAuthToken(issued.app_auth_token)).status).toBe('revoked');
    expect(await startCertification(sandbox(), 'ISV_REVOKED', issued.app_auth_token)).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token' });
    expect(await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: issued.app_refresh_token })).toMatchObject({ sub_code: 'REFRESH_TOKEN_NOT_VALID' });
  });

  it('an expired token: 20001 aop.app-auth-token-time-out, until a refresh gives a new one', async () => {
    const issued = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    expect((await sandbox().admin.expireAppAuthToken(issued.app_auth_token)).status).toBe('expired');
    expect(await startCertification(sandbox(), 'ISV_EXPIRED', issued.app_auth_token)).toMatchObject({ code: '20001', sub_code: 'aop.app-auth-token-time-out', sub_msg: expect.stringMatching(/^应用授权令牌已过期/) });
    const refreshed = await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: issued.app_refresh_token });
    expect((await startCertification(sandbox(), 'ISV_EXPIRED', String(refreshed.app_auth_token))).code).toBe('10000');
  });

  it('another app\'s token is invalid for this app', async () => {
    await registerApp(sandbox(), '2021000000000831');
    const foreign = await sandbox().admin.issueAppAuthToken({ app_id: '2021000000000831' });
    const answer = await startCertification(sandbox(), 'ISV_FOREIGN', foreign.app_auth_token);
    expect(answer).toMatchObject({ sub_code: 'aop.invalid-app-auth-token', sub_msg: expect.stringContaining('issued to app 2021000000000831') });
  });

  it('an API the merchant did not authorize: 20001 aop.invalid-app-auth-token-no-api', async () => {
    const issued = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, methods: [CERTIFY_OPEN_INITIALIZE] });
    const started = await startCertification(sandbox(), 'ISV_SOME', issued.app_auth_token);
    expect(started.code).toBe('10000');
    expect(await callAs(sandbox(), QUERY, { certify_id: String(started.certify_id) }, issued.app_auth_token)).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token-no-api', sub_msg: expect.stringMatching(/^商户未授权当前接口/) });
  });

  it('is refused before scenario rules see it, and the journal lists it as refused at protocol level', async () => {
    await startCertification(sandbox(), 'ISV_JOURNAL', '201509BBeff9351ad1874306903e96b91d248A36');
    const refused = sandbox().requests.refused();
    expect(refused.at(-1)?.response).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token' });
  });
});

describe('the admin API for app authorizations', () => {
  it('lists, shows, revokes and expires over HTTP, and refuses what it cannot do with the reason', async () => {
    const admin = createAdminClient(sandbox().url);
    const issued = await admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000841', user_id: '2088000000000841' });
    expect(issued).toMatchObject({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000841', user_id: '2088000000000841', status: 'valid' });
    expect((await admin.appAuthTokens({ app_id: DEFAULT_APP_ID })).tokens.map((t) => t.app_auth_token)).toContain(issued.app_auth_token);
    expect((await admin.appAuthTokens({ app_id: '2021000000000999' })).tokens).toEqual([]);
    expect((await admin.appAuthToken(issued.app_auth_token)).status).toBe('valid');
    expect((await admin.expireAppAuthToken(issued.app_auth_token)).status).toBe('expired');
    expect((await admin.revokeAppAuthToken(issued.app_auth_token)).status).toBe('revoked');

    const refusal = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        if (error instanceof AdminClientError) return [error.status, error.message];
      }
      throw new Error('the admin API accepted it');
    };
    expect(await refusal(admin.expireAppAuthToken(issued.app_auth_token))).toEqual([409, expect.stringContaining('revoked')]);
    expect(await refusal(admin.appAuthToken('nosuchtoken'))).toEqual([404, expect.stringContaining('no current app_auth_token nosuchtoken')]);
    expect(await refusal(admin.issueAppAuthToken({}))).toEqual([400, expect.stringContaining('app_id is required')]);
    expect(await refusal(admin.issueAppAuthToken({ app_id: '2021000000000998' }))).toEqual([404, expect.stringContaining('no app 2021000000000998')]);
    expect(await refusal(admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, auth_app_id: 'merchant' }))).toEqual([400, expect.stringContaining('16 digits')]);
    expect(await refusal(admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, user_id: '123' }))).toEqual([400, expect.stringContaining('2088')]);
    expect(await refusal(admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID, methods: ['alipay.trade.pay'] }))).toEqual([400, expect.stringContaining('alipay.trade.pay is not an API the sandbox serves')]);
    expect(await refusal(admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID, methods: [] }))).toEqual([400, expect.stringContaining('non-empty')]);
  });

  it('reset forgets every authorization', async () => {
    const issued = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    await reset(sandbox());
    expect(await startCertification(sandbox(), 'ISV_RESET', issued.app_auth_token)).toMatchObject({ sub_code: 'aop.invalid-app-auth-token' });
  });
});

describe('app authorizations as state', () => {
  it('survive a restart of a data folder: tokens, their status, an unexchanged code, and the merchant\'s certifications', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'isv-state-'));
    try {
      let running = await startSandbox({ port: 0, dataDir, quiet: true });
      const kept = await running.admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID, auth_app_id: '2021000000000851' });
      const revoked = await running.admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
      await running.admin.revokeAppAuthToken(revoked.app_auth_token);
      const code = await running.admin.issueAppAuthCode({ app_id: DEFAULT_APP_ID });
      const started = await startCertification(running, 'ISV_RESTART', kept.app_auth_token);
      await running.close();

      running = await startSandbox({ port: 0, dataDir, quiet: true });
      try {
        expect((await callAs(running, QUERY, { certify_id: String(started.certify_id) }, kept.app_auth_token)).code).toBe('10000');
        expect(await startCertification(running, 'ISV_RESTART2', revoked.app_auth_token)).toMatchObject({ sub_code: 'aop.invalid-app-auth-token' });
        expect(await exchange(running, { grant_type: 'authorization_code', code: code.app_auth_code })).toMatchObject({ code: '10000', auth_app_id: code.auth_app_id });
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
