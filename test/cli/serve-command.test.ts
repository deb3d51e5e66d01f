/**
 * `serve`, as `npm start` runs it: what it prints at start, where the port comes from, the request log
 * and its --quiet switch, the default data folder, a clean stop, and a rebuild of dist/ while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { STAGING_DIR } from '../../mock-server/build/built-files.js';
import { replaceDist } from '../../mock-server/build/replace-dist.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { ROOT, servedUrl, spawnCli } from '../support/cli-process.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPair } from '../support/spare-app-keys.js';


interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function serve(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Served> {
  const child = spawnCli(['serve', ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const poll = setInterval(() => {
      const match = /gateway\s+(http:\/\/\S+)\/gateway\.do/.exec(output);
      if (match) {
        clearInterval(poll);
        done({ child, url: match[1]!, output: () => output, exited });
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      fail(new Error(`serve exited with ${code}: ${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function callGateway(url: string): Promise<void> {
  const request = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) });
  await fetch(url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body });
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('serve', () => {
  it('prints the gateway URL on 127.0.0.1, the default app_id and where the test-only keys are', async () => {
    const served = await serve(['--port', '0', '--in-memory']);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.output()).toContain('default app_id     2021000000000001');
    expect(served.output()).toContain(`web console        ${served.url}/__admin/ui`);
    expect(served.output()).toContain('fixtures/keys/default-app.private-key.pkcs1.pem');
    expect(served.output()).toContain('fixtures/keys/alipay-sandbox.public-key.pem');
    expect(served.output()).toContain('TEST-ONLY');
  });

  it("says alipay-sdk needs keyType 'PKCS8' for the PKCS#8 key: with it a call succeeds, without it the key does not decode", async () => {
    const served = await serve(['--port', '0', '--in-memory', '--quiet']);
    const pkcs8Path = /^ +(\S+\.pem) \(PKCS#8: alipay-sdk needs keyType: 'PKCS8'\)$/m.exec(served.output())?.[1];
    expect(pkcs8Path).toBeDefined();
    const sdk = (keyType?: 'PKCS8') =>
      new AlipaySdk({
        appId: DEFAULT_APP_ID,
        privateKey: readFileSync(join(ROOT, pkcs8Path!), 'utf8'),
        alipayPublicKey: readFileSync(testKeyPaths.alipayPublicKey, 'utf8'),
        gateway: `${served.url}/gateway.do`,
        ...(keyType ? { keyType } : {}),
      });
    const bizContent = { ...certifyOpenInitializeExample, outer_order_no: 'BANNERPKCS8' };
    expect(await sdk('PKCS8').exec(CERTIFY_OPEN_INITIALIZE, { bizContent }, { validateSign: true })).toMatchObject({ code: '10000' });
    await expect(sdk().exec(CERTIFY_OPEN_INITIALIZE, { bizContent })).rejects.toThrow(/DECODER/);
  });

  it('listens on the PORT environment variable, and --port wins over it', async () => {
    const [fromEnv, fromFlag] = [await freePort(), await freePort()];
    expect((await serve(['--in-memory'], { env: { PORT: String(fromEnv) } })).url).toBe(`http://127.0.0.1:${fromEnv}`);
    expect((await serve(['--in-memory', '--port', String(fromFlag)], { env: { PORT: String(fromEnv + 1) } })).url).toBe(`http://127.0.0.1:${fromFlag}`);
  });

  it('logs one JSON line per request with method, app_id, code, sub_code and duration', async () => {
    const served = await serve(['--port', '0', '--in-memory']);
    await callGateway(served.url);
    await waitFor(() => served.output().includes('"code":"10000"'));
    const lines = served.output().split('\n').filter((line) => line.startsWith('{'));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ method: CERTIFY_OPEN_INITIALIZE, app_id: '2021000000000001', code: '10000', sub_code: null });
    expect(entry.duration_ms).toBeTypeOf('number');
  });

  it('logs nothing per request with --quiet', async () => {
    const served = await serve(['--port', '0', '--in-memory', '--quiet']);
    await callGateway(served.url);
    await new Promise((r) => setTimeout(r, 200));
    expect(served.output()).not.toContain('"code"');
  });

  it('keeps registered apps in ./data by default', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sandbox-cwd-'));
    try {
      const served = await serve(['--port', '0'], { cwd });
      const { publicKey } = spareKeyPair();
      const response = await fetch(`${served.url}/__admin/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: '2021000000000700', public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
      });
      expect(response.status).toBe(201);
      expect(existsSync(join(cwd, 'data', 'apps.json'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const served = await serve(['--port', '0', '--in-memory']);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('stops cleanly on a SIGTERM sent the moment its URL is printed', async () => {
    // A supervisor signals as soon as it has read the URL: the handlers must already be there.
    const codes: Array<number | null> = [];
    for (let round = 0; round < 6; round++) {
      const child = spawnCli(['serve', '--port', '0', '--in-memory', '--quiet']);
      running.push(child);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      await new Promise<void>((printed) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('gateway.do') && printed()));
      child.kill('SIGTERM');
      codes.push(await exited);
    }
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('refuses a bad --port with usage and exit code 1', async () => {
    const child = spawnCli(['serve', '--port', 'eighty']);
    running.push(child);
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toContain('--port must be a whole number');
    expect(output).toContain('usage:');
  });
});

describe('serve, while the build is replaced under it', () => {
  /** Runs `test` in a package of its own, built: the bin and the console, and the shipped files they read. */
  async function inPackageCopy(test: (copy: string) => Promise<void>): Promise<void> {
    const copy = mkdtempSync(join(tmpdir(), 'sandbox-rebuilt-'));
    try {
      for (const built of ['bin', 'console']) cpSync(join(ROOT, 'dist', built), join(copy, 'dist', built), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
      for (const shipped of ['fixtures', 'scenarios', 'node_modules']) symlinkSync(join(ROOT, shipped), join(copy, shipped));
      await test(copy);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }

  /** What `npm run build` does: writes a new dist/ beside the old one (`change` edits it, as changed sources would), then replaces the old with it. */
  async function rebuild(copy: string, change: (staged: string) => void | Promise<void> = () => undefined): Promise<void> {
    const staged = join(copy, STAGING_DIR);
    cpSync(join(copy, 'dist', 'bin'), join(staged, 'bin'), { recursive: true });
    await change(staged);
    cpSync(join(copy, 'dist', 'console'), join(staged, 'console'), { recursive: true });
    replaceDist(staged, join(copy, 'dist'));
  }

  async function serveFrom(copy: string): Promise<string> {
    const child = spawn(process.execPath, [join(copy, 'dist', 'bin', 'alipay-sandbox.js'), 'serve', '--port', '0', '--in-memory', '--quiet'], { cwd: copy });
    running.push(child);
    return servedUrl(child);
  }

  async function gatewayCode(url: string): Promise<string | undefined> {
    const request = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) });
    const answer = await fetch(url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body });
    return /"code":"(\d+)"/.exec(await answer.text())?.[1];
  }

  /** Renames the admin API's lazily loaded chunk, as a new hash does. */
  const renameAdminChunk = (staged: string) => {
    const chunks = join(staged, 'bin', 'chunks');
    for (const file of readdirSync(chunks).filter((name) => name.startsWith('sandbox-app-'))) renameSync(join(chunks, file), join(chunks, file.replace(/-\w+\.js$/, '-REBUILT.js')));
  };

  it('a rebuild of the same sources: the admin API, the console and the gateway answer during the build and after it', async () => {
    await inPackageCopy(async (copy) => {
      const [during, after] = [await serveFrom(copy), await serveFrom(copy)];
      await rebuild(copy, async () => {
        // The new build is half-written: the admin API's chunk is loaded now, for the first time.
        expect((await fetch(`${during}/__admin/health`)).status).toBe(200);
      });
      // ... and here from the new dist/.
      expect((await fetch(`${after}/__admin/health`)).status).toBe(200);
      expect((await fetch(`${after}/__admin/ui/console.js`)).status).toBe(200);
      expect(await gatewayCode(after)).toBe('10000');
    });
  });

  it('a rebuild of changed sources, before its admin API was first used: that says to restart, and the gateway goes on', async () => {
    await inPackageCopy(async (copy) => {
      const url = await serveFrom(copy);
      await rebuild(copy, renameAdminChunk);
      const admin = await fetch(`${url}/__admin/health`);
      expect(admin.status).toBe(503);
      expect(((await admin.json()) as { error: string }).error).toContain('restart it');
      expect(await gatewayCode(url)).toBe('10000');
    });
  });

  it('the build replaces dist/ whole: what the former build had and the new one has not is gone, and nothing is left beside it', async () => {
    await inPackageCopy(async (copy) => {
      writeFileSync(join(copy, 'dist', 'left-by-a-former-build.js'), '');
      await rebuild(copy);
      expect(existsSync(join(copy, 'dist', 'left-by-a-former-build.js'))).toBe(false);
      expect(existsSync(join(copy, 'dist', 'bin', 'alipay-sandbox.js'))).toBe(true);
      expect(readdirSync(copy).filter((name) => name.startsWith('.dist-'))).toEqual([]);
    });
  });
});
