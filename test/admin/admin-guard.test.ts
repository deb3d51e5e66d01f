/**
 * The admin API cannot be driven by a web page the developer happens to open: cross-site writes and
 * foreign Host names (DNS rebinding) are refused, a token is needed beyond loopback, and curl, the
 * in-process API, gateway.do and the sandbox's own pages keep working.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { servedUrl, spawnCli } from '../support/cli-process.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const started: RunningSandbox[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});

/** A raw request, so that Host, Origin and Sec-Fetch-Site are exactly what a browser would send. */
function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const url = new URL(path, base);
  return new Promise((done, fail) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

const hostOf = (s: RunningSandbox) => new URL(s.url).host;

describe('cross-site writes', () => {
  it('a cross-site text/plain POST /__admin/reset is refused and resets nothing', async () => {
    await send(sandbox().url, signedRequest(publicParams('zhima.auth.info.authquery')).path);
    const before = sandbox().requests().length;
    expect(before).toBeGreaterThan(0);
    const answer = await send(sandbox().url, '/__admin/reset', { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, body: 'x' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toContain('a write from https://evil.example is refused');
    expect(sandbox().requests()).toHaveLength(before);
  });

  it('a cross-site POST to an app\'s AES key route is refused', async () => {
    const answer = await send(sandbox().url, '/__admin/apps/2021000000000001/aes-key', { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(answer.status).toBe(403);
  });

  it('a cross-site write without Origin but with Sec-Fetch-Site: cross-site is refused', async () => {
    const answer = await send(sandbox().url, '/__admin/reset', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(answer.status).toBe(403);
  });

  it('an Origin of "null" (a sandboxed frame, a file:// page) may not write either', async () => {
    expect((await send(sandbox().url, '/__admin/reset', { method: 'POST', headers: { origin: 'null' } })).status).toBe(403);
  });

  it('the hosted page\'s own form post (same origin) and curl (no Origin) still work', async () => {
    const own = await send(sandbox().url, '/__sandbox/certifications/nope/complete', { method: 'POST', headers: { origin: sandbox().url, 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass' });
    expect(own.status).toBe(404);
    expect((await send(sandbox().url, '/__admin/reset', { method: 'POST' })).status).toBe(204);
    const crossSite = await send(sandbox().url, '/__sandbox/certifications/nope/complete', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass' });
    expect(crossSite.status).toBe(403);
  });

  it('reads are not writes: a cross-site GET of health is answered (and a browser cannot read it: no CORS headers)', async () => {
    const answer = await send(sandbox().url, '/__admin/health', { headers: { origin: 'https://evil.example' } });
    expect(answer.status).toBe(200);
  });
});

describe('Host names (DNS rebinding)', () => {
  it('Host: evil.example is refused on the admin API, naming the way to allow a name', async () => {
    const answer = await send(sandbox().url, '/__admin/health', { headers: { host: `evil.example:${sandbox().port}` } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toContain('--admin-hosts evil.example');
  });

  it('loopback names and this machine\'s addresses are served', async () => {
    for (const host of [hostOf(sandbox()), `localhost:${sandbox().port}`, `127.0.0.1:${sandbox().port}`, `[::1]:${sandbox().port}`]) {
      expect((await send(sandbox().url, '/__admin/health', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('a name given with adminHosts is served', async () => {
    const named = await startSandbox({ port: 0, inMemory: true, quiet: true, adminHosts: ['sandbox.test'] });
    started.push(named);
    expect((await send(named.url, '/__admin/health', { headers: { host: `sandbox.test:${named.port}` } })).status).toBe(200);
    expect((await send(named.url, '/__admin/health', { headers: { host: `other.test:${named.port}` } })).status).toBe(403);
  });

  it('gateway.do answers whatever the Host, as Alipay\'s gateway does', async () => {
    const answer = await send(sandbox().url, signedRequest(publicParams('zhima.auth.info.authquery')).path, { headers: { host: 'evil.example' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('zhima_auth_info_authquery_response');
  });
});

describe('an admin token', () => {
  it('is made up when bound beyond loopback, and /__admin needs it while gateway.do stays open', async () => {
    const open = await startSandbox({ port: 0, inMemory: true, quiet: true, host: '0.0.0.0' });
    started.push(open);
    expect(open.adminToken).toMatch(/^[\w-]{20,}$/);
    const base = `http://127.0.0.1:${open.port}`;
    const without = await send(base, '/__admin/health');
    expect(without.status).toBe(401);
    expect(JSON.parse(without.body).error).toContain('Authorization: Bearer');
    expect((await send(base, '/__admin/health', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await send(base, '/__admin/health', { headers: { authorization: `Bearer ${open.adminToken}` } })).status).toBe(200);
    expect((await send(base, signedRequest(publicParams('zhima.auth.info.authquery')).path)).body).toContain('zhima_auth_info_authquery_response');
    // The in-process API needs no token.
    await open.reset();
  });

  it('can be given on loopback too', async () => {
    const guarded = await startSandbox({ port: 0, inMemory: true, quiet: true, adminToken: 'let-me-in' });
    started.push(guarded);
    expect((await send(guarded.url, '/__admin/health')).status).toBe(401);
    expect((await send(guarded.url, '/__admin/health', { headers: { authorization: 'Bearer let-me-in' } })).status).toBe(200);
  });

  it('serve --host 0.0.0.0 warns that it listens beyond loopback and prints the token', async () => {
    const child = spawnCli(['serve', '--port', '0', '--in-memory', '--host', '0.0.0.0']);
    try {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await servedUrl(child);
      for (let i = 0; i < 50 && !output.includes('admin token'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(output).toContain('WARNING: listening beyond loopback (0.0.0.0)');
      expect(output).toMatch(/admin token\s+[\w-]{20,}/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
