/**
 * The request journal: what each request was and what it got, filtered by method, app_id and time,
 * bounded, and cleared on demand; enough for a test to assert "my client retried exactly twice".
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { RequestJournal } from '../../mock-server/core/journal/request-journal.js';
import { journal, reset, useScenario } from '../support/admin-client.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const small = useSandbox({ journalCapacity: 5 });
const AUTHQUERY = 'zhima.auth.info.authquery';
const VERIFY = 'alipay.security.risk.verifyidentity.apply';

function request(method: keyof typeof VALID_REQUESTS, change: Record<string, string> = {}) {
  return signedRequest({ ...publicParams(method), biz_content: JSON.stringify({ ...VALID_REQUESTS[method], ...change }) });
}

/** A client that retries on 20000, at most three attempts, as the code under test might. */
async function clientWithRetries(): Promise<string> {
  const sdk = sdkFor(sandbox());
  for (let attempt = 1; ; attempt++) {
    const result = await sdk.exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] }, { validateSign: true });
    if (result.code !== '20000' || attempt === 3) return result.code as string;
  }
}

describe('GET /__admin/requests', () => {
  it('shows that a client retried exactly twice', async () => {
    await reset(sandbox());
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ name: 'busy twice', match: { call: { first: 2 } }, outcome: { public_error: 'isp.unknow-error' } }] });
    expect(await clientWithRetries()).toBe('10000');
    const calls = await journal(sandbox(), { method: AUTHQUERY, app_id: DEFAULT_APP_ID });
    expect(calls.map((c) => c.response.code)).toEqual(['20000', '20000', '10000']);
    expect(calls.map((c) => c.rule?.name)).toEqual(['busy twice', 'busy twice', undefined]);
  });

  it('records decoded parameters and what was answered', async () => {
    await reset(sandbox());
    await postForm(sandbox(), request(VERIFY, { biz_id: '' }));
    const [entry] = await journal(sandbox());
    expect(entry).toMatchObject({
      id: expect.any(Number),
      http_method: 'POST',
      method: VERIFY,
      app_id: DEFAULT_APP_ID,
      parameters: { app_id: DEFAULT_APP_ID, method: VERIFY, sign_type: 'RSA2', version: '1.0' },
      response: { http_status: 200, code: '40004', sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数biz_id为空', detail: 'biz_id must not be empty' },
    });
    expect(JSON.parse(entry!.parameters.biz_content!)).toMatchObject({ biz_id: '', scene_code: expect.any(String) });
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('records protocol refusals too, and cuts long values', async () => {
    await reset(sandbox());
    const picture = 'a'.repeat(10_000);
    const signed = request('alipay.user.certify.open.initialize', { face_contrast_picture: picture });
    await postForm(sandbox(), { ...signed, body: signed.body.replace('face_contrast_picture', 'face_contrast_picturE') });
    const [entry] = await journal(sandbox());
    expect(entry!.response.sub_code).toBe('isv.invalid-signature');
    expect(entry!.parameters.biz_content!.length).toBeLessThan(2100);
    expect(entry!.parameters.biz_content).toMatch(/…\(\d+ characters\)$/);
  });

  it('filters by method, app_id, since and until', async () => {
    await reset(sandbox());
    await postForm(sandbox(), request(AUTHQUERY));
    await new Promise((r) => setTimeout(r, 20));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await postForm(sandbox(), request(VERIFY));
    expect((await journal(sandbox(), { method: VERIFY })).map((e) => e.method)).toEqual([VERIFY]);
    expect((await journal(sandbox(), { app_id: '2021000000000999' }))).toEqual([]);
    expect((await journal(sandbox(), { since: String(between) })).map((e) => e.method)).toEqual([VERIFY]);
    expect((await journal(sandbox(), { until: new Date(between).toISOString() })).map((e) => e.method)).toEqual([AUTHQUERY]);
  });

  it('refuses a since that is no time with 400', async () => {
    const response = await fetch(`${sandbox().url}/__admin/requests?since=yesterday`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('since must be epoch milliseconds or an ISO 8601 time');
  });

  it('DELETE empties it', async () => {
    await postForm(sandbox(), request(AUTHQUERY));
    expect((await fetch(`${sandbox().url}/__admin/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(await journal(sandbox())).toEqual([]);
  });

  it('keeps only the last N requests', async () => {
    for (let i = 0; i < 8; i++) await postForm(small(), request(VERIFY, { biz_id: `call_${i}` }));
    const entries = await journal(small());
    expect(entries).toHaveLength(5);
    expect(entries.map((e) => JSON.parse(e.parameters.biz_content!).biz_id)).toEqual(['call_3', 'call_4', 'call_5', 'call_6', 'call_7']);
  });
});

describe('RequestJournal', () => {
  const entry = (parameters: Record<string, string>) => ({
    atMs: Date.now(),
    protocol: 'v1' as const,
    refused_at_protocol: true,
    http_method: 'POST',
    parameters,
    response: { http_status: 200 },
  });

  it('keeps every parameter as decoded, one named __proto__ included, and cuts only long values', () => {
    const kept = new RequestJournal(10);
    // As decodeRequestParameters gives them: no prototype, so that any name is just a name.
    const parameters = Object.create(null) as Record<string, string>;
    parameters['__proto__'] = 'a name like any other';
    parameters.app_id = DEFAULT_APP_ID;
    kept.record(entry(parameters));
    kept.record(entry({ app_id: DEFAULT_APP_ID, face_contrast_picture: 'a'.repeat(5000) }));
    const [first, second] = kept.list();
    expect(Object.entries(first!.parameters)).toEqual([['__proto__', 'a name like any other'], ['app_id', DEFAULT_APP_ID]]);
    expect(second!.parameters).toEqual({ app_id: DEFAULT_APP_ID, face_contrast_picture: `${'a'.repeat(2048)}…(5000 characters)` });
  });
});
