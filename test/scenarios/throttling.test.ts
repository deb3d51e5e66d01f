/**
 * Throttling: a rule with a rate condition fires on the calls over a limit, counted per app_id (and per
 * method when asked), in a sliding window on the business clock; `throttled` answers what Alipay
 * documents for a call the gateway cannot serve now. Counted under concurrent load, exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { adminOf, putScenario, registerApp, reset, useScenario } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest, type SignOptions } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const AUTHQUERY = 'zhima.auth.info.authquery';
const VERIFY = 'alipay.security.risk.verifyidentity.apply';
type Method = typeof AUTHQUERY | typeof VERIFY;

function limit(calls: number, per_ms: number, extra: Record<string, unknown> = {}) {
  return { rules: [{ name: 'call limit', match: { rate: { calls, per_ms, ...extra } }, outcome: { throttled: true } }] };
}

async function call(method: Method, appId = DEFAULT_APP_ID, sign: SignOptions = {}): Promise<Record<string, string>> {
  const params = { ...publicParams(method, { app_id: appId }), biz_content: JSON.stringify(VALID_REQUESTS[method]) };
  return nodeOf(await postForm(sandbox(), signedRequest(params, sign)));
}

/** `count` calls at once; how many of them got each code. */
async function concurrently(count: number, send: (i: number) => Promise<Record<string, string>>): Promise<Record<string, number>> {
  const nodes = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  const tally: Record<string, number> = {};
  for (const node of nodes) tally[node.sub_code ?? node.code!] = (tally[node.sub_code ?? node.code!] ?? 0) + 1;
  return tally;
}

describe('a call limit under concurrent load', () => {
  it('60 concurrent calls against 10 per minute: exactly 10 served, 50 throttled with 20000 aop.unknow-error, signed', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(10, 60_000));
    expect(await concurrently(60, () => call(AUTHQUERY))).toEqual({ '10000': 10, 'aop.unknow-error': 50 });
    const throttled = await call(AUTHQUERY);
    expect(throttled).toMatchObject({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.unknow-error', sub_msg: '服务暂不可用（网关自身的未知错误）' });
    // The journal says which rule chose it, and counts agree with what the clients saw.
    const admin = adminOf(sandbox());
    expect((await admin.countRequests({ method: AUTHQUERY, code: '20000' })).count).toBe(51);
    expect((await admin.countRequests({ method: AUTHQUERY, code: '10000' })).count).toBe(10);
  });

  it('the real alipay-sdk verifies the throttled answer and sees code 20000', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(1, 60_000));
    const sdk = sdkFor(sandbox());
    const run = () => sdk.exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] }, { validateSign: true });
    expect((await run()).code).toBe('10000');
    expect(await run()).toMatchObject({ code: '20000', sub_code: 'aop.unknow-error' });
  });

  it('per app_id: each app has its own limit', async () => {
    const otherApp = '2021000000000731';
    const otherKey = await registerApp(sandbox(), otherApp);
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(4, 60_000));
    await useScenario(sandbox(), otherApp, limit(4, 60_000));
    const tally = await concurrently(40, (i) => (i % 2 ? call(AUTHQUERY) : call(AUTHQUERY, otherApp, { privateKey: otherKey })));
    expect(tally).toEqual({ '10000': 8, 'aop.unknow-error': 32 });
  });

  it('without per_method the limit is shared by every method; with it each method has its own', async () => {
    const both = (i: number) => call(i % 2 ? AUTHQUERY : VERIFY);
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(5, 60_000));
    expect(await concurrently(30, both)).toEqual({ '10000': 5, 'aop.unknow-error': 25 });
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(5, 60_000, { per_method: true }));
    expect(await concurrently(30, both)).toEqual({ '10000': 10, 'aop.unknow-error': 20 });
  });

  it('other conditions choose what is limited: only authquery is counted and throttled', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [{ match: { method: AUTHQUERY, rate: { calls: 3, per_ms: 60_000 } }, outcome: { throttled: true } }],
    });
    const tally = await concurrently(24, (i) => call(i % 2 ? AUTHQUERY : VERIFY));
    expect(tally).toEqual({ '10000': 15, 'aop.unknow-error': 9 });
  });
});

describe('the window', () => {
  it('slides on the business clock: a call is served again once the oldest served call is a window old', async () => {
    // The business clock runs on in real time between calls, so the steps leave a second of slack.
    const admin = adminOf(sandbox());
    await admin.moveClock({ set: '2026-03-01T00:00:00.000Z' });
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(2, 60_000));
    expect((await call(AUTHQUERY)).code).toBe('10000'); // t = 0 s
    await admin.moveClock({ advance_ms: 30_000 });
    expect((await call(AUTHQUERY)).code).toBe('10000'); // t = 30 s
    expect((await call(AUTHQUERY)).code).toBe('20000'); // t = 30 s: two in the window
    await admin.moveClock({ advance_ms: 29_000 });
    expect((await call(AUTHQUERY)).code).toBe('20000'); // t = 59 s: the first is still inside
    await admin.moveClock({ advance_ms: 1_000 });
    expect((await call(AUTHQUERY)).code).toBe('10000'); // t = 60 s: the first has left
    expect((await call(AUTHQUERY)).code).toBe('20000'); // t = 60 s: 30 s and 60 s are inside
  });

  it('throttled calls do not count against the limit: after the window, the full limit is served again', async () => {
    const admin = adminOf(sandbox());
    await admin.moveClock({ set: '2026-03-01T00:00:00.000Z' });
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(10, 60_000));
    expect(await concurrently(30, () => call(AUTHQUERY))).toEqual({ '10000': 10, 'aop.unknow-error': 20 });
    await admin.moveClock({ advance_ms: 60_000 });
    expect(await concurrently(30, () => call(AUTHQUERY))).toEqual({ '10000': 10, 'aop.unknow-error': 20 });
  });

  it('moving the clock back starts the window again instead of throttling until real time catches up', async () => {
    const admin = adminOf(sandbox());
    await admin.moveClock({ set: '2026-03-01T00:00:00.000Z' });
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(1, 60_000));
    await call(AUTHQUERY);
    await admin.moveClock({ set: '2026-02-01T00:00:00.000Z' });
    expect((await call(AUTHQUERY)).code).toBe('10000');
    expect((await call(AUTHQUERY)).code).toBe('20000');
  });

  it('reset starts every window again', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(1, 60_000));
    await call(AUTHQUERY);
    expect((await call(AUTHQUERY)).code).toBe('20000');
    await reset(sandbox());
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(1, 60_000));
    expect((await call(AUTHQUERY)).code).toBe('10000');
  });
});

describe('other outcomes and protocols', () => {
  it('a rate condition can choose any outcome, e.g. a documented public error with its own sub_msg', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [{ match: { rate: { calls: 1, per_ms: 60_000 } }, outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }],
    });
    await call(AUTHQUERY);
    expect(await call(AUTHQUERY)).toMatchObject({ code: '20000', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' });
  });

  it('throttled takes a sub_msg', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { rate: { calls: 1, per_ms: 60_000 } }, outcome: { throttled: true, sub_msg: '系统繁忙' } }] });
    await call(AUTHQUERY);
    expect(await call(AUTHQUERY)).toMatchObject({ sub_code: 'aop.unknow-error', sub_msg: '系统繁忙' });
  });

  it('OpenAPI v3 calls are counted by the same limit and refused as v3 errors', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, limit(1, 60_000));
    const sdk = sdkFor(sandbox(), { endpoint: sandbox().url });
    const initialize = (n: number) => sdk.curl('POST', '/v3/alipay/user/certify/open/initialize', { body: { ...certifyOpenInitializeExample, outer_order_no: `THROTTLE${n}` } });
    expect((await initialize(1)).responseHttpStatus).toBe(200);
    await expect(initialize(2)).rejects.toMatchObject({ responseHttpStatus: 500, code: 'unknow-error' });
    // The v1 gateway shares the count.
    expect(nodeOf(await postForm(sandbox(), signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) }))).code).toBe('20000');
  });
});

describe('refused rate conditions', () => {
  it.each([
    [{ calls: 0, per_ms: 1000 }, 'rules[0].match.rate.calls'],
    [{ calls: 5 }, 'rules[0].match.rate'],
    [{ calls: 5, per_ms: 1000, per_app: true }, 'rules[0].match.rate.per_app'],
  ])('%j is refused at %s', async (rate, path) => {
    const answer = await putScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { rate }, outcome: { throttled: true } }] });
    expect(answer.status).toBe(400);
    expect(answer.body.path ?? String(answer.body.error)).toContain(path);
  });

  it('a rate and a call count in one rule are refused, naming both', async () => {
    const answer = await putScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { rate: { calls: 5, per_ms: 1000 }, call: { nth: 2 } }, outcome: { throttled: true } }] });
    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toMatch(/rules\[0\]\.match\.rate: goes without match\.call/);
  });

  it('throttled: false is refused (throttled is the answer, there is nothing to turn off)', async () => {
    const answer = await putScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ outcome: { throttled: false } }] });
    expect(answer.status).toBe(400);
  });
});
