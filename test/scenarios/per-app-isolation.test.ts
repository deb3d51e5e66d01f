/**
 * Parallel test suites use different app_ids: each app's scenario, call counts and one-shot rules are
 * its own, even under concurrent load, and counts of a shared start scenario are kept per app too.
 */
import { describe, expect, it } from 'vitest';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { journal, registerApp, useScenario } from '../support/admin-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const INNER_APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const sandbox = useSandbox();
const sharedStart = useSandbox({ scenario: 'fail-twice-then-succeed' });

async function call(target: RunningSandbox, appId: string, privateKey?: KeyObject): Promise<string> {
  const params = { ...publicParams(INNER_APPLY, { app_id: appId }), biz_content: JSON.stringify(VALID_REQUESTS[INNER_APPLY]) };
  const node = nodeOf(await postForm(target, signedRequest(params, { privateKey })));
  return node.sub_code ?? node.code!;
}

function tally(codes: string[]): Record<string, number> {
  return codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});
}

describe('two app_ids with different scenarios, hammered concurrently', () => {
  it('never see each other\'s outcomes or call counts', async () => {
    const appB = '2021000000000702';
    const keyB = await registerApp(sandbox(), appB);
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: INNER_APPLY }, outcome: { business_error: 'NO_USER_ERROR' } }] });
    await useScenario(sandbox(), appB, { rules: [{ match: { method: INNER_APPLY, call: { first: 5 } }, outcome: { business_error: 'SYSTEM_ERROR' } }] });

    const calls: Array<Promise<[string, string]>> = [];
    for (let i = 0; i < 60; i++) {
      calls.push(call(sandbox(), DEFAULT_APP_ID).then((code) => ['A', code]));
      calls.push(call(sandbox(), appB, keyB).then((code) => ['B', code]));
    }
    const results = await Promise.all(calls);
    expect(tally(results.filter(([app]) => app === 'A').map(([, code]) => code))).toEqual({ NO_USER_ERROR: 60 });
    expect(tally(results.filter(([app]) => app === 'B').map(([, code]) => code))).toEqual({ SYSTEM_ERROR: 5, '10000': 55 });
    expect(await journal(sandbox(), { app_id: appB })).toHaveLength(60);
    expect(await journal(sandbox(), { app_id: DEFAULT_APP_ID })).toHaveLength(60);
  });
});

describe('a start scenario shared by every app', () => {
  it('counts calls per app_id: each app fails twice, then succeeds', async () => {
    const appB = '2021000000000703';
    const keyB = await registerApp(sharedStart(), appB);
    const a = [await call(sharedStart(), DEFAULT_APP_ID), await call(sharedStart(), DEFAULT_APP_ID)];
    const b = [await call(sharedStart(), appB, keyB), await call(sharedStart(), appB, keyB), await call(sharedStart(), appB, keyB)];
    a.push(await call(sharedStart(), DEFAULT_APP_ID));
    expect(a).toEqual(['isp.unknow-error', 'isp.unknow-error', '10000']);
    expect(b).toEqual(['isp.unknow-error', 'isp.unknow-error', '10000']);
  });

  it('gives way to an app\'s own scenario, and comes back when that is deleted', async () => {
    await useScenario(sharedStart(), DEFAULT_APP_ID, { rules: [{ outcome: { business_error: 'SYSTEM_ERROR' }, match: { method: INNER_APPLY } }] });
    expect(await call(sharedStart(), DEFAULT_APP_ID)).toBe('SYSTEM_ERROR');
    const scenario = await fetch(`${sharedStart().url}/__admin/apps/${DEFAULT_APP_ID}/scenario`);
    expect(((await scenario.json()) as { scenario: unknown }).scenario).toEqual({ rules: [{ outcome: { business_error: 'SYSTEM_ERROR' }, match: { method: INNER_APPLY } }] });
    expect((await fetch(`${sharedStart().url}/__admin/apps/${DEFAULT_APP_ID}/scenario`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${sharedStart().url}/__admin/apps/${DEFAULT_APP_ID}/scenario`)).status).toBe(404);
    // Back under the start scenario, whose count for this app already passed its first two calls.
    expect(await call(sharedStart(), DEFAULT_APP_ID)).toBe('10000');
  });
});
