/**
 * Seeded fuzzing at scale, 10,000 cases and more: gateway.do through the engine (mangled parameters,
 * bytes, charsets, methods, content types, duplicated and huge values, signed and unsigned), a share
 * of them over HTTP, and the admin API over HTTP (random routes, methods, bodies). Every gateway
 * answer is a JSON envelope the protocol knows (never aop.unknow-error, never a 5xx); every admin
 * answer is a 2xx-4xx with a JSON or text body; the server keeps serving. The counts of each answer
 * are logged (vitest shows them beside a failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { createSandboxCore, type SandboxCore } from '../../mock-server/sandbox-core.js';
import type { GatewayRequest } from '../../mock-server/core/engine/gateway-engine.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { pathSpellings } from '../support/path-spellings.js';
import { rawRequest } from '../support/raw-http.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { formEncode, percentEncode, publicParams, signedRequest } from '../support/signed-request.js';

const ENGINE_CASES = 8_000;
const HTTP_CASES = 500;
const ADMIN_CASES = 1_500;
const SPELLING_CASES = 1_000;

const sandbox = useSandbox();
let core: SandboxCore;
beforeAll(async () => {
  core = await createSandboxCore({ inMemory: true, quiet: true });
});
afterAll(() => core?.dispose());

/** A seeded generator (a failure names its seed and case, and reproduces). */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  return { next, pick, bytes };
}
type Random = ReturnType<typeof generator>;

const METHODS = [...SUPPORTED_METHODS.map((d) => d.name), 'alipay.trade.pay', '', 'x'.repeat(200), 'zhima.auth.info.authquery\u0000'];
const NAMES = ['app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version', 'biz_content', 'app_auth_token', 'encrypt_type', 'app_cert_sn', 'alipay_root_cert_sn', 'notify_url', 'return_url', '__proto__', 'constructor', '', '%', 'a'.repeat(300)];
const VALUES = ['', ' ', '2021000000000001', '2021000000009999', 'RSA2', 'RSA', 'RSA3', 'utf-8', 'GBK', 'gb2312', 'latin1', 'AES', 'JSON', 'XML', '1.0', '2.0',
  '2020-01-01 00:00:00', '2099-12-31 23:59:59', 'not a time', '{}', '[]', '{', 'null', '\ud800', '🙂', '收委', '%ZZ', '%', '%E6%94', 'x'.repeat(5000), '=&=', '+'];
const CONTENT_TYPES = [undefined, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=GBK', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', ';;;'];

function mangledBizContent(random: Random, method: string): string {
  const base = (VALID_REQUESTS as Record<string, Record<string, string>>)[method] ?? { certify_id: '0123456789abcdef0123456789abcdef' };
  const biz: Record<string, unknown> = { ...base };
  for (let i = 0; i < 1 + Math.floor(random.next() * 3); i++) {
    biz[random.pick([...Object.keys(base), '__proto__', 'extra'])] = random.pick<unknown>([null, 0, -1, 1e308, true, '', '\ud800', '{"a":', [], {}, { deep: [{}] }, 'x'.repeat(3000), '收委']);
  }
  return random.next() < 0.1 ? random.pick(['', 'null', '[]', '"x"', '{', '1', '{"__proto__":{"x":1}}']) : JSON.stringify(biz);
}

/** One case: raw query and body for the engine, from a handful of strategies. */
function gatewayCase(random: Random): GatewayRequest {
  const strategy = random.next();
  const method = random.pick(METHODS.slice(0, SUPPORTED_METHODS.length));
  let query = '';
  let body: Buffer;
  if (strategy < 0.3) {
    // Correctly signed, biz_content mangled: the method's own checks answer.
    const signed = signedRequest({ ...publicParams(method), biz_content: mangledBizContent(random, method) });
    query = signed.path.slice('/gateway.do?'.length);
    body = Buffer.from(signed.body);
  } else if (strategy < 0.6) {
    // Valid public parameters, some replaced, dropped or repeated: the protocol checks answer.
    const params: Record<string, string> = { ...publicParams(random.pick(METHODS)), sign: 'c2lnbg==', biz_content: mangledBizContent(random, method) };
    for (let i = 0; i < 1 + Math.floor(random.next() * 4); i++) {
      const name = random.pick(NAMES);
      if (random.next() < 0.3) delete params[name];
      else params[name] = random.pick(VALUES);
    }
    const encoded = formEncode(params, random.pick(['utf-8', 'gbk'] as const));
    body = Buffer.from(random.next() < 0.2 ? `${encoded}&${encoded.split('&')[0]}x` : encoded);
  } else if (strategy < 0.8) {
    // Random form text: names and values from the lists, raw separators.
    const pairs = Array.from({ length: Math.floor(random.next() * 12) }, () => `${random.pick(NAMES)}${random.pick(['=', '', '=='])}${percentEncode(Buffer.from(random.pick(VALUES))).slice(0, Math.floor(random.next() * 60))}`);
    query = random.next() < 0.5 ? pairs.splice(0, Math.floor(pairs.length / 2)).join('&') : '';
    body = Buffer.from(pairs.join(random.pick(['&', '&&', ';', '\n'])));
  } else {
    // Bytes.
    query = random.next() < 0.3 ? random.bytes(20).toString('latin1') : '';
    body = random.bytes(Math.floor(random.next() * 400));
  }
  return {
    httpMethod: random.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'post']),
    rawQuery: query,
    contentType: random.pick(CONTENT_TYPES),
    body,
    bodyExceededLimit: random.next() < 0.01,
  };
}

/**
 * What is wrong with a gateway answer, whatever the input: nothing (undefined) for a JSON envelope the
 * protocol knows, or a page API's HTML; its code is counted. Plain checks, one expect per run: thousands
 * of expect() calls per case cost the suite a CPU-second.
 */
function gatewayAnswerProblem(status: number, text: string, codes: Map<string, number>): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 200)}`;
  let envelope: Record<string, { code?: string; sub_code?: string }>;
  try {
    envelope = JSON.parse(text) as typeof envelope;
  } catch {
    // A page API answers HTML, for its page or its refusal.
    if (!/^<!doctype html>/i.test(text)) return `neither JSON nor a page: ${text.slice(0, 200)}`;
    codes.set('page', (codes.get('page') ?? 0) + 1);
    return undefined;
  }
  const node = Object.entries(envelope).find(([key]) => key.endsWith('_response'))?.[1];
  if (!node) return `no *_response node: ${text.slice(0, 200)}`;
  if (node.sub_code === 'aop.unknow-error') return `aop.unknow-error: ${text.slice(0, 300)}`;
  const code = `${node.code} ${node.sub_code ?? ''}`.trim();
  codes.set(code, (codes.get(code) ?? 0) + 1);
  return undefined;
}

function summary(codes: Map<string, number>): string {
  return [...codes.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code}: ${n}`).join(', ');
}

describe(`gateway.do, ${ENGINE_CASES + HTTP_CASES} seeded cases`, () => {
  it(`answers ${ENGINE_CASES} cases through the engine with envelopes the protocol knows`, async () => {
    const random = generator(20261201);
    const codes = new Map<string, number>();
    const problems: string[] = [];
    for (let i = 0; i < ENGINE_CASES; i++) {
      const answer = await core.engine.handle(gatewayCase(random));
      if (answer.connectionFault) continue;
      const text = new TextDecoder(/charset=GBK/i.test(answer.headers['content-type'] ?? '') ? 'gbk' : 'utf-8').decode(answer.body);
      const problem = gatewayAnswerProblem(answer.status, text, codes);
      if (problem) problems.push(`engine case ${i} (seed 20261201): ${problem}`);
    }
    console.log(`fuzz: gateway.do, ${ENGINE_CASES} cases through the engine: ${summary(codes)}`);
    expect(problems).toEqual([]);
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(ENGINE_CASES);
  }, 120_000);

  it(`answers ${HTTP_CASES} cases over HTTP the same way, and keeps serving`, async () => {
    const random = generator(1202);
    const codes = new Map<string, number>();
    const problems: string[] = [];
    for (let i = 0; i < HTTP_CASES; i++) {
      const one = gatewayCase(random);
      const method = one.httpMethod.toUpperCase() === 'GET' ? 'GET' : 'POST';
      // fetch takes no raw bytes in a URL: anything outside printable ASCII goes percent-encoded.
      const query = one.rawQuery.replace(/[^\x21-\x7e]/g, (c) => percentEncode(Buffer.from(c, 'latin1')));
      const response = await fetch(`${sandbox().url}/gateway.do${query ? `?${query}` : ''}`, {
        method,
        headers: one.contentType ? { 'content-type': one.contentType } : {},
        body: method === 'GET' ? undefined : one.body,
        signal: AbortSignal.timeout(10_000),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = new TextDecoder(/charset=GBK/i.test(response.headers.get('content-type') ?? '') ? 'gbk' : 'utf-8').decode(bytes);
      const problem = gatewayAnswerProblem(response.status, text, codes);
      if (problem) problems.push(`HTTP case ${i} (seed 1202): ${problem}`);
    }
    console.log(`fuzz: gateway.do, ${HTTP_CASES} cases over HTTP: ${summary(codes)}`);
    expect(problems).toEqual([]);
    expect((await fetch(`${sandbox().url}/__admin/health`)).status).toBe(200);
  }, 120_000);
});

describe(`the admin API, ${ADMIN_CASES} seeded cases`, () => {
  const PATHS = ['/__admin/apps', '/__admin/apps/2021000000000001', '/__admin/apps/2021000000009999', '/__admin/apps/x/aes-key', '/__admin/apps/2021000000000001/scenario',
    '/__admin/apps/%ZZ/scenario', '/__admin/scenario', '/__admin/requests', '/__admin/requests?since=abc&until=1e400&method=%00', '/__admin/reset', '/__admin/identities',
    '/__admin/certifications/x', '/__admin/certifications/x/complete', '/__admin/clock', '/__admin/health', '/__admin/alipay-public-key', '/__admin/nope', '/__admin/../gateway.do',
    '/__sandbox/certifications/x/complete', '/__admin/apps/' + 'x'.repeat(3000)];
  const BODIES: ReadonlyArray<[string | undefined, string]> = [
    ['application/json', '{}'], ['application/json', '{"app_id":"2021000000000777","public_key":"MIIB"}'], ['application/json', '{'], ['application/json', 'null'], ['application/json', '[]'],
    ['application/json', '{"set":"2030-01-01T00:00:00Z"}'], ['application/json', '{"advance_ms":1e400}'], ['application/json', '{"passed":true}'], ['application/json', '{"rules":[{"outcome":{"fault":"nope"}}]}'],
    ['application/json', '{"rules":[{"match":{"app_id":{"regex":"(a+)+$"}},"outcome":{"public_error":"isp.unknow-error"}}]}'], ['application/json', '{"name":"测试","cert_no":"110101199003077771","mobile":"1"}'],
    ['text/yaml', 'rules:\n  - outcome: { business_error: NOPE }\n'], ['text/yaml', 'a: *b'], ['text/yaml', '- [\n'], ['text/plain', 'x'], [undefined, ''], ['application/x-www-form-urlencoded', 'choice=pass&reason=%ZZ'],
    ['application/json', JSON.stringify({ deep: Array.from({ length: 200 }, () => ({})) })], ['application/octet-stream', '\u0000\u0001'],
  ];

  it('answers every case with a 2xx to 4xx, never a 5xx, and keeps serving', async () => {
    const random = generator(4242);
    const statuses = new Map<string, number>();
    const problems: string[] = [];
    for (let i = 0; i < ADMIN_CASES; i++) {
      const path = random.pick(PATHS);
      const method = random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const [contentType, body] = random.pick(BODIES);
      const response = await fetch(sandbox().url + path, {
        method,
        headers: contentType ? { 'content-type': contentType } : {},
        body: method === 'GET' ? undefined : body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.status >= 500) problems.push(`admin case ${i} (seed 4242): ${method} ${path} ${body.slice(0, 80)}: HTTP ${response.status}`);
      const key = String(response.status);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    console.log(`fuzz: admin API, ${ADMIN_CASES} cases over HTTP: ${summary(statuses)}`);
    expect(problems).toEqual([]);
    expect((await fetch(`${sandbox().url}/__admin/health`)).status).toBe(200);
  }, 120_000);

  it(`refuses ${SPELLING_CASES} hostile cases (other spellings of guarded paths, a foreign Origin or Host) with a 4xx and changes nothing`, async () => {
    const random = generator(3434);
    const host = new URL(sandbox().url).host;
    const guarded = PATHS.filter((path) => /^\/__(admin|sandbox)\/[^.]/.test(path) && path.length < 200);
    const hostile: ReadonlyArray<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { host: `evil.example:${sandbox().port}` }, { host: 'evil.example' }];
    await fetch(sandbox().url + signedRequest(publicParams('zhima.auth.info.authquery')).path);
    const before = JSON.stringify({ journal: sandbox().requests().length, apps: sandbox().admin.apps(), clock: sandbox().clock.offsetMs });
    const statuses = new Map<string, number>();
    const problems: string[] = [];
    for (let i = 0; i < SPELLING_CASES; i++) {
      const target = random.pick(pathSpellings(random.pick(guarded), host));
      const method = random.pick(['POST', 'PUT', 'DELETE', 'PATCH']);
      const headers = random.pick(hostile);
      const [contentType, body] = random.pick(BODIES);
      const answer = await rawRequest(sandbox().port, method, target, { host, ...(contentType ? { 'content-type': contentType } : {}), ...headers }, body);
      if (answer.status < 400 || answer.status >= 500) problems.push(`spelling case ${i} (seed 3434): ${method} ${target} ${JSON.stringify(headers)}: HTTP ${answer.status}`);
      statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
    }
    console.log(`fuzz: guarded paths spelled otherwise, ${SPELLING_CASES} hostile cases: ${summary(statuses)}`);
    expect(problems).toEqual([]);
    expect(JSON.stringify({ journal: sandbox().requests().length, apps: sandbox().admin.apps(), clock: sandbox().clock.offsetMs })).toBe(before);
  }, 120_000);
});
