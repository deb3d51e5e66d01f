/**
 * The admin API the web console stands on, over HTTP: the apps list, one journalled request with the
 * sign string the gateway built, pending certifications, a scenario checked without being set, the
 * journal as server-sent events, and the console's own data (shipped scenarios, a key pair). The
 * console's page and bundle load without the admin token; nothing else does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { startSandbox } from '../../mock-server/sandbox.js';
import { adminOf, answered, reset } from '../support/admin-client.js';
import { completeCertification } from '../support/admin-state.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { certifyOpenInitializeExample, CERTIFY_OPEN_INITIALIZE } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));
const INNER_APPLY = 'alipay.user.auth.zhimaper.inner.apply';

describe('the console\'s admin endpoints', () => {
  it('GET /__admin/apps lists the default app first, then registered ones', async () => {
    const { apps } = await adminOf(sandbox()).apps();
    expect(apps[0]).toMatchObject({ app_id: DEFAULT_APP_ID, registered_at: 'built-in' });
  });

  it('GET /__admin/requests/:id shows one request with the sign string it was verified over; 404 otherwise', async () => {
    await execSigned(sandbox(), INNER_APPLY, VALID_REQUESTS[INNER_APPLY]);
    const [entry] = (await adminOf(sandbox()).requests()).requests;
    const one = await adminOf(sandbox()).request(entry!.id);
    expect(one).toMatchObject({ id: entry!.id, method: INNER_APPLY, signature: 'verified', response: { code: '10000', node: { code: '10000', auth_token_type: 'permanent' } } });
    expect(one.sign_string).toMatch(new RegExp(`^app_id=${DEFAULT_APP_ID}&biz_content=\\{.*\\}&charset=utf-8&method=${INNER_APPLY.replaceAll('.', '\\.')}&sign_type=RSA2&timestamp=`));
    expect(one.sign_string).not.toContain('&sign=');
    expect((await answered(adminOf(sandbox()).request(99999))).status).toBe(404);
    expect((await fetch(`${sandbox().url}/__admin/requests/abc`)).status).toBe(404);
  });

  it('GET /__admin/certifications?status=pending lists the unfinished, unexpired ones only', async () => {
    const open = await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'PENDING01' });
    const done = await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'PENDING02' });
    await completeCertification(sandbox(), String(done.certify_id), { passed: true });
    const admin = adminOf(sandbox());
    expect((await admin.certifications({ status: 'pending' })).certifications.map((c) => c.id)).toEqual([open.certify_id]);
    expect((await admin.certifications()).certifications).toHaveLength(2);
    await admin.moveClock({ advance_ms: 24 * 3600_000 });
    expect((await admin.certifications({ status: 'pending' })).certifications).toEqual([]);
    expect((await answered(admin.certifications({ status: 'done' }))).status).toBe(400);
  });

  it('POST /__admin/scenarios/check answers ok or the load error with its path, and sets nothing', async () => {
    const admin = adminOf(sandbox());
    expect(await admin.checkScenario({ rules: [{ outcome: { throttled: true } }] })).toEqual({ ok: true });
    const refused = await answered(admin.checkScenario({ rules: [{ outcome: { public_error: 'nope' } }] }));
    expect(refused).toMatchObject({ status: 400, body: { path: 'rules[0].outcome.public_error' } });
    expect((await execSigned(sandbox(), INNER_APPLY, VALID_REQUESTS[INNER_APPLY])).code).toBe('10000');
  });

  it('GET /__admin/requests/stream sends each new journal entry as an event', async () => {
    const controller = new AbortController();
    const response = await fetch(`${sandbox().url}/__admin/requests/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await execSigned(sandbox(), INNER_APPLY, VALID_REQUESTS[INNER_APPLY]);
    let text = '';
    while (!text.includes('event: request')) text += (await reader.read()).value ?? '';
    while (!/data: .*\n\n/.test(text)) text += (await reader.read()).value ?? '';
    const data = JSON.parse(/data: (.*)\n\n/.exec(text)![1]!) as { method: string; response: { code: string } };
    expect(data).toMatchObject({ method: INNER_APPLY, response: { code: '10000' } });
    controller.abort();
  });

  it('the console data: shipped scenarios (general ones first, one per documented code) and a TEST-ONLY key pair', async () => {
    const { scenarios } = (await (await fetch(`${sandbox().url}/__admin/ui/data/scenarios`)).json()) as { scenarios: Array<{ name: string }> };
    const names = scenarios.map((s) => s.name);
    expect(names.slice(0, 5).sort()).toEqual(['default', 'fail-twice-then-succeed', 'flaky-network', 'gateway-outage', 'verification-failed']);
    expect(names).toContain(`business-errors/${INNER_APPLY}/NO_USER_ERROR`);
    const pair = (await (await fetch(`${sandbox().url}/__admin/ui/data/key-pair`, { method: 'POST' })).json()) as Record<string, string>;
    expect(pair.private_key_pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const registered = await adminOf(sandbox()).registerApp({ app_id: '2021000000007101', public_key: pair.public_key_pem });
    expect(registered.app_id).toBe('2021000000007101');
  });

  it('a key pair is not made for a page on another origin', async () => {
    const refused = await fetch(`${sandbox().url}/__admin/ui/data/key-pair`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
  });
});

describe('with an admin token', () => {
  it('the console page and bundle load without it; its data and the stream need it', async () => {
    const guarded = await startSandbox({ port: 0, inMemory: true, quiet: true, adminToken: 'endpoint-test-token' });
    try {
      for (const path of ['/__admin/ui', '/__admin/ui/console.js', '/__admin/ui/console.css']) expect((await fetch(guarded.url + path)).status, path).toBe(200);
      for (const path of ['/__admin/ui/data/scenarios', '/__admin/requests/stream', '/__admin/apps', '/__admin/ui/console.js/../data/scenarios']) expect((await fetch(guarded.url + path)).status, path).toBe(401);
      const withToken = await fetch(`${guarded.url}/__admin/ui/data/scenarios`, { headers: { authorization: 'Bearer endpoint-test-token' } });
      expect(withToken.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
