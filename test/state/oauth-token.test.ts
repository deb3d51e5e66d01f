/**
 * alipay.system.oauth.token with the real alipay-sdk: an auth code issued by the admin core (the
 * stand-in for Alipay's OAuth page) is exchanged once for the person's user_id, which authquery's
 * identity_type 5 then takes; tokens refresh; every documented refusal comes in error_response as
 * 40002, signed so that the Java, PHP and Python SDKs verify it.
 */
import { createVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { AdminClientError, createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { registerApp, useScenario } from '../support/admin-client.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { javaExtractor, phpExtractor, pythonExtractor } from '../support/sdk-sign-extractors.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const METHOD = 'alipay.system.oauth.token';
const sandbox = useSandbox();

async function issuedCode(running: RunningSandbox, request: Record<string, unknown> = {}): Promise<{ auth_code: string; user_id: string; open_id: string }> {
  const person = running.admin.identities().identities[0]!;
  return running.admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: person.user_id, ...request });
}

/** The call as alipay-sdk's docs show it: grant_type and code beside the public parameters. */
function exchange(running: RunningSandbox, params: Record<string, string>, validateSign = true): Promise<Record<string, unknown>> {
  return sdkFor(running).exec(METHOD, params, { validateSign });
}

/** Over HTTP, for the raw envelope: the refusal's node key, and a signature the Java and PHP SDKs check. */
async function rawExchange(running: RunningSandbox, params: Record<string, string>) {
  const answer = await postForm(running, signedRequest({ ...publicParams(METHOD), ...params }));
  const body = answer.text;
  const sign = (answer.json as { sign?: string }).sign ?? '';
  const verifies = [javaExtractor, phpExtractor, pythonExtractor].map((extract) => createVerify('sha256').update(extract(body, METHOD)).verify(running.alipayPublicKeyPem, sign, 'base64'));
  return { json: answer.json as Record<string, Record<string, unknown>>, verifies };
}

describe('alipay.system.oauth.token', () => {
  it('exchanges an issued auth code once for the user_id, open_id and tokens, with no code in the node', async () => {
    const issued = await issuedCode(sandbox());
    expect(issued.auth_code).toMatch(/^[0-9a-f]{32}$/);
    const answer = await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.auth_code });
    expect(answer).toMatchObject({ user_id: issued.user_id, open_id: issued.open_id, expires_in: 1296000, re_expires_in: 2592000 });
    expect(answer.access_token).toMatch(/^\d{8}[0-9a-f]{32}$/);
    expect(answer.refresh_token).not.toBe(answer.access_token);
    expect(answer.auth_start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(answer).not.toHaveProperty('code');

    const again = await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.auth_code }, false);
    expect(again).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid', sub_msg: '授权码code无效' });
  });

  it('gives the user_id that authquery identity_type 5 takes', async () => {
    const issued = await issuedCode(sandbox());
    const token = await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.auth_code });
    const query = await execSigned(sandbox(), 'zhima.auth.info.authquery', { identity_type: '5', identity_param: JSON.stringify({ userId: token.user_id }) });
    expect(query).toMatchObject({ code: '10000', authorized: false });
  });

  it('refreshes: new tokens, the old refresh token refused, and a refresh token expires after re_expires_in', async () => {
    const issued = await issuedCode(sandbox());
    const first = await exchange(sandbox(), { grant_type: 'authorization_code', code: issued.auth_code });
    const second = await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) });
    expect(second).toMatchObject({ user_id: issued.user_id });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const stale = await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) }, false);
    expect(stale).toMatchObject({ code: '40002', sub_code: 'isv.refresh-token-invalid', sub_msg: '刷新令牌refresh_token无效' });

    sandbox().admin.moveClock({ advance_ms: 2_592_000_000 + 1000 });
    try {
      const expired = await exchange(sandbox(), { grant_type: 'refresh_token', refresh_token: String(second.refresh_token) }, false);
      expect(expired).toMatchObject({ code: '40002', sub_code: 'isv.refresh-token-time-out' });
    } finally {
      sandbox().admin.resetClock();
    }
  });

  it('refuses in error_response, signed over that node as the Java, PHP and Python SDKs cut it', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ grant_type: 'password' }, 'isv.grant-type-invalid'],
      [{ grant_type: 'authorization_code' }, 'isv.code-invalid'],
      [{ grant_type: 'authorization_code', code: 'x'.repeat(41) }, 'isv.code-invalid'],
      [{ grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b' }, 'isv.code-invalid'],
      [{ grant_type: 'refresh_token' }, 'isv.refresh-token-invalid'],
      [{}, 'isv.grant-type-invalid'],
    ];
    for (const [params, subCode] of cases) {
      const { json, verifies } = await rawExchange(sandbox(), params);
      expect(Object.keys(json), JSON.stringify(params)).toEqual(['error_response', 'sign']);
      expect(json.error_response).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode });
      expect(verifies).toEqual([true, true, true]);
    }
  });

  it("refuses another app's code and refresh token", async () => {
    const otherKey = await registerApp(sandbox(), '2021000000000777');
    const otherApp = await issuedCode(sandbox(), { app_id: '2021000000000777' });
    const refused = await exchange(sandbox(), { grant_type: 'authorization_code', code: otherApp.auth_code }, false);
    expect(refused).toMatchObject({ sub_code: 'isv.code-invalid' });

    const mine = await exchange(sandbox(), { grant_type: 'authorization_code', code: (await issuedCode(sandbox())).auth_code });
    const params = { ...publicParams(METHOD, { app_id: '2021000000000777' }), grant_type: 'refresh_token', refresh_token: String(mine.refresh_token) };
    const answer = await postForm(sandbox(), signedRequest(params, { privateKey: otherKey }));
    expect(answer.json.error_response).toMatchObject({ code: '40002', sub_code: 'isv.unmatched-app-id' });
  });

  it('lets a scenario choose each documented code, answered as 40002 in error_response', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ name: 'expired', match: { method: METHOD }, outcome: { business_error: 'isv.refresh-token-time-out' } }] });
    try {
      const { json } = await rawExchange(sandbox(), { grant_type: 'refresh_token', refresh_token: 'anything' });
      expect(json.error_response).toEqual({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.refresh-token-time-out', sub_msg: '刷新令牌(refresh_token)过期' });
    } finally {
      sandbox().admin.clearAppScenario(DEFAULT_APP_ID);
    }
  });

  it('issues codes over HTTP with the redirect Alipay would make, and refuses what it cannot issue', async () => {
    const admin = createAdminClient(sandbox().url);
    const person = (await admin.identities()).identities[1]!;
    const issued = await admin.issueAuthCode({ app_id: DEFAULT_APP_ID, cert_no: person.cert_no, scope: 'auth_user', redirect_uri: 'https://merchant.example/cb?x=1' });
    const redirect = new URL(issued.redirect_url!);
    expect(Object.fromEntries(redirect.searchParams)).toEqual({ x: '1', app_id: DEFAULT_APP_ID, source: 'alipay_wallet', scope: 'auth_user', auth_code: issued.auth_code });
    expect(issued.user_id).toBe(person.user_id);

    const refusal = async (body: unknown) => (await admin.issueAuthCode(body).catch((error: unknown) => error)) as AdminClientError;
    expect((await refusal({ app_id: DEFAULT_APP_ID, user_id: '2088000000000000' })).status).toBe(404);
    expect((await refusal({ app_id: DEFAULT_APP_ID })).status).toBe(400);
    expect((await refusal({ app_id: '2021999999999999', user_id: person.user_id })).status).toBe(404);
    expect((await refusal({ app_id: DEFAULT_APP_ID, user_id: person.user_id, scope: 'auth_everything' })).message).toContain('scope must be');
  });
});

describe('alipay.system.oauth.token state', () => {
  it('keeps an issued code and the tokens across a restart of a data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oauth-state-'));
    try {
      let running = await startSandbox({ port: 0, dataDir, quiet: true });
      const issued = await issuedCode(running);
      const unexchanged = await issuedCode(running);
      const first = await exchange(running, { grant_type: 'authorization_code', code: issued.auth_code });
      await running.close();

      running = await startSandbox({ port: 0, dataDir, quiet: true });
      try {
        expect(await exchange(running, { grant_type: 'authorization_code', code: unexchanged.auth_code })).toMatchObject({ user_id: unexchanged.user_id });
        expect(await exchange(running, { grant_type: 'refresh_token', refresh_token: String(first.refresh_token) })).toMatchObject({ user_id: issued.user_id });
        expect(await exchange(running, { grant_type: 'authorization_code', code: issued.auth_code }, false)).toMatchObject({ sub_code: 'isv.code-invalid' });
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
