/**
 * One table of cases through all three paths, the HTTP server, msw handlers and the undici MockAgent:
 * identical response bodies and signatures for the same request bytes, scenario and clock.
 */
import { createSign } from 'node:crypto';
import { setupServer } from 'msw/node';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMswSandbox } from '../../mock-server/msw/index.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import type { SandboxControls } from '../../mock-server/sandbox-core.js';
import { createMockAgentSandbox, type MockAgentSandbox } from '../../mock-server/undici/index.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { publicParams, signedRequest, type SignedRequest } from '../support/signed-request.js';

const ALIPAY = 'https://openapi.alipay.com';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Path {
  readonly name: string;
  readonly controls: SandboxControls;
  send(request: SignedRequest): Promise<{ status: number; body: string }>;
}

/** The body's bytes, one character each: a GBK answer is compared byte for byte, not as decoded text. */
const bytesOf = (body: ArrayBuffer) => Buffer.from(body).toString('latin1');

let http: RunningSandbox;
const paths: Path[] = [];
let closeMsw: () => void = () => undefined;

beforeAll(async () => {
  http = await startSandbox({ port: 0, inMemory: true, quiet: true });
  const msw = await createMswSandbox();
  const server = setupServer(...msw.handlers);
  server.listen({ onUnhandledRequest: 'bypass' });
  closeMsw = () => server.close();
  const agent = await createMockAgentSandbox();
  paths.push(
    {
      name: 'HTTP server',
      controls: http,
      send: async (r) => {
        const response = await fetch(http.url + r.path, { method: 'POST', headers: FORM, body: r.body });
        return { status: response.status, body: bytesOf(await response.arrayBuffer()) };
      },
    },
    {
      name: 'msw',
      controls: msw,
      send: async (r) => {
        const response = await fetch(ALIPAY + r.path, { method: 'POST', headers: FORM, body: r.body });
        return { status: response.status, body: bytesOf(await response.arrayBuffer()) };
      },
    },
    {
      name: 'undici MockAgent',
      controls: agent,
      send: async (r) => {
        const response = await request(ALIPAY + r.path, { method: 'POST', headers: FORM, body: r.body, dispatcher: agent.mockAgent });
        return { status: response.statusCode, body: bytesOf(await response.body.arrayBuffer()) };
      },
    },
  );
  // The same business clock everywhere: dates in biz_no and tokens come from it.
  for (const path of paths) path.controls.clock.set(Date.UTC(2030, 0, 1, 4));
});

afterAll(async () => {
  closeMsw();
  await http?.close();
});

const call = (method: keyof typeof VALID_REQUESTS, change: Record<string, string> = {}, overrides: Record<string, string> = {}) =>
  signedRequest({ ...publicParams(method, overrides), biz_content: JSON.stringify({ ...VALID_REQUESTS[method], ...change }) });

const CASES: ReadonlyArray<[string, () => SignedRequest, object?]> = [
  ['a face verification started', () => call('alipay.user.certify.open.initialize')],
  ['a material certification (dated biz_no)', () => call('zhima.customer.certification.material.certify')],
  ['an authorization (dated tokens)', () => call('alipay.user.auth.zhimaper.inner.apply')],
  ['an authorization query after it', () => call('zhima.auth.info.authquery')],
  ['an availability query', () => call('alipay.security.risk.verifyidentity.apply')],
  ['a documented business error from input', () => call('alipay.user.auth.zhimaper.inner.apply', { cert_no: '' })],
  ['a GBK request', () => signedRequest({ ...publicParams('alipay.user.certify.open.initialize', { charset: 'GBK' }), biz_content: JSON.stringify(VALID_REQUESTS['alipay.user.certify.open.initialize']) }, { charset: 'gbk' })],
  ['a bad signature', () => ({ ...call('zhima.auth.info.authquery'), body: call('zhima.auth.info.authquery').body.replace('C2B', 'B2B') })],
  ['an unknown app', () => call('zhima.auth.info.authquery', {}, { app_id: '2021000000009999' })],
  ['a scenario\'s business error', () => call('alipay.user.auth.zhimaper.inner.apply'), { rules: [{ match: { method: 'alipay.user.auth.zhimaper.inner.apply' }, outcome: { business_error: 'NO_USER_ERROR' } }] }],
  ['a scenario\'s wrong sign', () => call('alipay.user.certify.open.initialize'), { rules: [{ outcome: { fault: 'wrong-sign' } }] }],
  ['a scenario\'s gateway outage', () => call('zhima.customer.certification.material.certify'), { rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] }],
];

describe('the HTTP server, msw and the undici MockAgent', () => {
  it.each(CASES)('answer %s identically', async (_name, build, scenario) => {
    const request = build();
    const answers = [];
    for (const path of paths) {
      if (scenario) path.controls.setScenario(path.controls.defaultApp.appId, scenario);
      else path.controls.clearScenario(path.controls.defaultApp.appId);
      answers.push({ path: path.name, ...(await path.send(request)) });
    }
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.body).toMatch(/^\{"/);
    for (const answer of answers.slice(1)) expect({ ...answer, path: answers[0]!.path }).toEqual(answers[0]);
  });
});

/** An OpenAPI v3 request signed with the default app's key (each path is its own sandbox, so one nonce serves all three). */
function v3Request(controls: SandboxControls, method: 'POST' | 'GET', pathAndQuery: string, body = ''): { url: string; init: { method: string; headers: Record<string, string>; body?: string } } {
  const authString = `app_id=${controls.defaultApp.appId},nonce=${V3_NONCE},timestamp=${Date.now()}`;
  const signature = createSign('sha256').update(`${authString}\n${method}\n${pathAndQuery}\n${body}\n`).sign(controls.defaultApp.privateKeyPem, 'base64');
  const headers: Record<string, string> = { authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}`, ...(body ? { 'content-type': 'application/json' } : {}) };
  return { url: pathAndQuery, init: { method, headers, ...(body ? { body } : {}) } };
}
const V3_NONCE = '6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';

const V3_CASES: ReadonlyArray<[string, 'POST' | 'GET', string, string, object?]> = [
  ['a v3 face verification started', 'POST', '/v3/alipay/user/certify/open/initialize', JSON.stringify(VALID_REQUESTS['alipay.user.certify.open.initialize'])],
  ['a v3 query of an unknown certify_id', 'GET', '/v3/alipay/user/certify/open/query?certify_id=0123456789abcdef0123456789abcdef', ''],
  ["a scenario's outage over v3", 'POST', '/v3/alipay/user/certify/open/initialize', JSON.stringify(VALID_REQUESTS['alipay.user.certify.open.initialize']), { rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] }],
];

describe('OpenAPI v3 through the HTTP server, msw and the undici MockAgent', () => {
  it.each(V3_CASES)('answer %s with the same status and body', async (_name, method, pathAndQuery, body, scenario) => {
    const answers = [];
    for (const path of paths) {
      if (scenario) path.controls.setScenario(path.controls.defaultApp.appId, scenario);
      else path.controls.clearScenario(path.controls.defaultApp.appId);
      const { url, init } = v3Request(path.controls, method, pathAndQuery, body);
      const base = path.name === 'HTTP server' ? http.url : ALIPAY;
      const response = path.name === 'undici MockAgent'
        ? await request(base + url, { ...init, dispatcher: (path.controls as MockAgentSandbox).mockAgent }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }))
        : await fetch(base + url, init).then(async (r) => ({ status: r.status, body: await r.text() }));
      answers.push(response);
    }
    expect(answers[0]!.body).toMatch(/^\{"/);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});
