/**
 * Sandbox replicas for the tests: `serve --store redis://…` processes on one real redis-server
 * (redis-server.ts), each addressed as the helpers address a sandbox, with what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { testKeyPaths } from '../../fixtures/test-keys.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { cliArgs, ROOT, servedUrl } from './cli-process.js';
import { startRedis, type RedisServer } from './redis-server.js';

export interface Replica {
  readonly sandbox: RunningSandbox;
  readonly child: ChildProcess;
  /** Everything it printed (its log: JSON lines). */
  output(): string;
}

/** `env` is added to this process's (NODE_EXTRA_CA_CERTS, to trust a test's own CA). */
export function startReplica(store: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Replica> {
  const child = spawn(process.execPath, cliArgs(['serve', '--port', '0', '--quiet', '--store', store, ...extra]), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return servedUrl(child).then((url) => {
    const sandbox = { url, gatewayUrl: `${url}/gateway.do`, alipayPublicKeyPem: readFileSync(testKeyPaths.alipayPublicKey, 'utf8') } as RunningSandbox;
    return { sandbox, child, output: () => output };
  });
}

export function stopReplica({ child }: Replica): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** A redis-server and two replicas on it for a test file, stopped after it. */
export function useReplicaPair(): () => { redis: RedisServer; a: Replica; b: Replica } {
  let pair: { redis: RedisServer; a: Replica; b: Replica } | undefined;
  let redis: RedisServer | undefined;
  let replicas: Replica[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    replicas = await Promise.all([startReplica(redis.url), startReplica(redis.url)]);
    pair = { redis, a: replicas[0]!, b: replicas[1]! };
  });
  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await redis?.stop();
  });
  return () => {
    if (!pair) throw new Error('the replicas are not running');
    return pair;
  };
}

/** Resolves once `condition` holds, checking every 20 ms; throws after `ms`. */
export async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 20));
  }
}
