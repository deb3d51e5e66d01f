/**
 * One rule decides what is admin: the server reads a request's target once, in normal form, and both
 * the guard and the (case-sensitive) router go by that. Every other spelling of a guarded write, sent
 * as raw HTTP (case, absolute-form targets, dot segments, escapes, repeated and trailing slashes,
 * backslashes), with a foreign Origin, a rebinding Host or without the token beyond loopback, is
 * refused and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { pathSpellings, scenarioOf } from '../support/path-spellings.js';
import { rawRequest } from '../support/raw-http.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPairPem } from '../support/spare-app-keys.js';

const APP_ID = '2021000000000611';
const publicKey = spareKeyPairPem('pkcs8').publicKey;

/** The guarded writes, each with a body, and how to read back what it would change. */
function guardedWrites(certifyId: () => string) {
  return [
    { path: '/__admin/reset', contentType: 'text/plain', body: 'x' },
    { path: '/__admin/apps', contentType: 'application/json', body: JSON.stringify({ app_id: '2021000000000666', public_key: publicKey }) },
    { path: `/__admin/apps/${APP_ID}/aes-key`, contentType: 'application/json', body: '{}' },
    { path: `/__admin/apps/${APP_ID}/scenario`, method: 'PUT', contentType: 'application/json', body: '{"rules":[{"outcome":{"public_error":"isp.unknow-error"}}]}' },
    { path: `/__sandbox/certifications/${certifyId()}/complete`, contentType: 'application/x-www-form-urlencoded', body: 'choice=pass' },
  ];
}

/** Everything those writes could change, read in-process (no HTTP route involved). */
async function observable(sandbox: RunningSandbox, certifyId: string) {
  return JSON.stringify({
    journal: sandbox.requests().length,
    apps: sandbox.admin.apps().apps.map((app) => [app.app_id, app.aes_key ?? null]),
    scenario: scenarioOf(sandbox, APP_ID),
    certification: sandbox.admin.certification(certifyId).status,
  });
}

async function prepare(sandbox: RunningSandbox): Promise<string> {
  await sandbox.registerApp({ app_id: APP_ID, public_key: publicKey });
  const { path, body } = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) });
  await fetch(sandbox.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return sandbox.admin.certifications({ status: 'pending' }).certifications[0]!.id;
}

type Attack = (host: string) => Record<string, string>;

/** Runs every spelling of every guarded write under `attack`; returns the answers that were not `expected`. */
async function attackEverySpelling(sandbox: RunningSandbox, certifyId: string, attack: Attack, expected: number[]): Promise<string[]> {
  const host = new URL(sandbox.url).host;
  const wrong: string[] = [];
  let sent = 0;
  for (const write of guardedWrites(() => certifyId)) {
    for (const target of pathSpellings(write.path, host)) {
      const answer = await rawRequest(sandbox.port, write.method ?? 'POST', target, { host, 'content-type': write.contentType, ...attack(host) }, write.body);
      sent++;
      if (!expected.includes(answer.status)) wrong.push(`${write.method ?? 'POST'} ${target}: ${answer.status} ${answer.body.slice(0, 120)}`);
    }
  }
  expect(sent).toBeGreaterThan(100);
  return wrong;
}

describe('on loopback', () => {
  let sandbox: RunningSandbox;
  let certifyId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
    certifyId = await prepare(sandbox);
  });
  afterAll(() => sandbox?.close());

  it('every spelling of a guarded write from a page on another origin is refused (403), and nothing changes', async () => {
    const before = await observable(sandbox, certifyId);
    // A target the server cannot read at all is refused before the guard (400): also nothing reached.
    expect(await attackEverySpelling(sandbox, certifyId, () => ({ origin: 'https://evil.example' }), [403, 400])).toEqual([]);
    expect(await observable(sandbox, certifyId)).toBe(before);
  });

  it('every spelling through a DNS-rebinding Host is refused (403), and nothing changes', async () => {
    const before = await observable(sandbox, certifyId);
    expect(await attackEverySpelling(sandbox, certifyId, () => ({ host: `evil.example:${sandbox.port}` }), [403, 400])).toEqual([]);
    expect(await observable(sandbox, certifyId)).toBe(before);
  });

  it('a cross-site write without Origin (Sec-Fetch-Site) is refused under every spelling', async () => {
    const before = await observable(sandbox, certifyId);
    expect(await attackEverySpelling(sandbox, certifyId, () => ({ 'sec-fetch-site': 'cross-site' }), [403, 400])).toEqual([]);
    expect(await observable(sandbox, certifyId)).toBe(before);
  });

  it('an absolute-form target naming a foreign host is refused even with a loopback Host header', async () => {
    const answer = await rawRequest(sandbox.port, 'POST', `http://evil.example:${sandbox.port}/__admin/reset`, { host: `127.0.0.1:${sandbox.port}` });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toContain('evil.example');
  });

  it('the router serves exactly the normal form the guard saw: folded, decoded and dot-free spellings reach reset, other cases do not', async () => {
    const host = new URL(sandbox.url).host;
    for (const target of ['//__admin/reset', '/x/../__admin/./reset', '/%5F%5Fadmin/reset', '/__admin/reset/', `http://${host}/__admin/reset`]) {
      expect((await rawRequest(sandbox.port, 'POST', target, { host })).status, target).toBe(204);
    }
    await fetch(sandbox.gatewayUrl);
    const before = sandbox.requests().length;
    expect(before).toBeGreaterThan(0);
    for (const target of ['/__ADMIN/reset', '/__Admin/reset', '/__admin/RESET', '/__admin%2Freset']) {
      expect((await rawRequest(sandbox.port, 'POST', target, { host })).status, target).toBe(404);
    }
    expect(sandbox.requests()).toHaveLength(before);
  });

  it('a target the server cannot read is a 400 that says why, for admin and gateway paths alike', async () => {
    for (const target of ['/__admin/reset#x', '/%zz/__admin/reset', '/gateway.do/%G1']) {
      const answer = await rawRequest(sandbox.port, 'POST', target, { host: `127.0.0.1:${sandbox.port}` });
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body).error, target).toMatch(/request path/);
    }
  });
});

describe('bound beyond loopback', () => {
  let sandbox: RunningSandbox;
  let certifyId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true, host: '0.0.0.0' });
    certifyId = await prepare(sandbox);
  });
  afterAll(() => sandbox?.close());

  it('every spelling of an admin read or write needs the token (401), and nothing changes', async () => {
    const before = await observable(sandbox, certifyId);
    const host = `127.0.0.1:${sandbox.port}`;
    const wrong: string[] = [];
    for (const write of guardedWrites(() => certifyId).filter((w) => w.path.startsWith('/__admin'))) {
      for (const target of pathSpellings(write.path, host)) {
        const answer = await rawRequest(sandbox.port, write.method ?? 'POST', target, { host, 'content-type': write.contentType }, write.body);
        if (![401, 400, 403].includes(answer.status)) wrong.push(`${target}: ${answer.status}`);
      }
    }
    for (const target of pathSpellings('/__admin/apps', host)) {
      const answer = await rawRequest(sandbox.port, 'GET', target, { host });
      if (![401, 400, 403].includes(answer.status)) wrong.push(`GET ${target}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await observable(sandbox, certifyId)).toBe(before);
  });
});
