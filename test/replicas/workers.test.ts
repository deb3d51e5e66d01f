/**
 * `serve --workers N --store redis://…`: one command, N processes on one port sharing one state; a
 * worker that dies is replaced; SIGTERM stops them all. And the options that cannot work are refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { adminOf, useScenario } from '../support/admin-client.js';
import { runCli, servedUrl, spawnCli } from '../support/cli-process.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/replicas.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { childrenOf } from '../support/child-processes.js';

const INITIALIZE = 'alipay.user.certify.open.initialize';


describe('serve options for replicas', () => {
  it('refuses --workers 2 without a --store, a --store that is not redis://, and --store beside --data-dir', () => {
    const noStore = runCli(['serve', '--workers', '2']);
    expect(noStore.status).toBe(1);
    expect(noStore.stderr).toContain('--store redis://host:port/db');
    const badStore = runCli(['serve', '--store', 'http://127.0.0.1:6379']);
    expect(badStore.status).toBe(1);
    expect(badStore.stderr).toContain('redis:// or rediss://');
    const both = runCli(['serve', '--store', 'redis://127.0.0.1:6379/0', '--data-dir', 'data']);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('two places for the state');
  });

  it('exits with a clear message when the store cannot be reached', { tags: ['redis-server'] }, () => {
    const unreachable = runCli(['serve', '--port', '0', '--store', 'redis://127.0.0.1:1/0']);
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.stderr).toContain('cannot reach the store redis://127.0.0.1:1/0');
  });
});

describe('serve --workers 2 --store redis://…', { tags: ['redis-server'] }, () => {
  let redis: RedisServer;
  let child: ReturnType<typeof spawnCli>;
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    redis = await startRedis();
    child = spawnCli(['serve', '--port', '0', '--quiet', '--workers', '2', '--store', redis.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await servedUrl(child);
    sandbox = { url, gatewayUrl: `${url}/gateway.do`, alipayPublicKeyPem: readFileSync(testKeyPaths.alipayPublicKey, 'utf8') } as RunningSandbox;
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      for (const pid of childrenOf(child.pid!)) process.kill(pid, 'SIGKILL');
    }
    await redis?.stop();
  });

  it('runs two processes on one port that answer as one sandbox', async () => {
    await until(() => childrenOf(child.pid!).length === 2);
    await useScenario(sandbox, DEFAULT_APP_ID, { rules: [{ name: 'one busy answer', once: true, outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] });
    // Each request on a connection of its own: the cluster hands connections to the workers in turn.
    const requests = Array.from({ length: 40 }, (_, i) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: `W${Date.now()}${i}` }) }));
    const codes = await Promise.all(requests.map(async (request) => nodeOf(await postForm(sandbox, request)).code));
    expect(codes.filter((code) => code === '20000')).toHaveLength(1);
    expect((await adminOf(sandbox).countRequests({ method: INITIALIZE })).count).toBe(40);
  });

  it('replaces a worker that dies, and stops every worker on SIGTERM', async () => {
    const [first] = childrenOf(child.pid!);
    process.kill(first!, 'SIGKILL');
    await until(() => {
      const now = childrenOf(child.pid!);
      return now.length === 2 && !now.includes(first!);
    });
    const workers = childrenOf(child.pid!);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
