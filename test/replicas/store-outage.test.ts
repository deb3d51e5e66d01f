/**
 * What a sandbox on a Redis store prints while Redis is away: one warning on stderr when it goes, one
 * line when it is back with how many requests were refused meanwhile, and no error line or stack per
 * request on either stream. The refusals themselves are redis-faults.test.ts's.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { servedUrl, spawnCli } from '../support/cli-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until } from '../support/replicas.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const APPLY = 'alipay.user.auth.zhimaper.inner.apply';

/** A sandbox on the store with its request log on (no --quiet), each stream kept apart. */
interface Printed {
  readonly child: ChildProcess;
  readonly sandbox: RunningSandbox;
  stdout: string;
  stderr: string;
}

async function serve(store: string): Promise<Printed> {
  const child = spawnCli(['serve', '--port', '0', '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = { child, stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (printed.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed.stderr += chunk.toString()));
  const url = await servedUrl(child);
  return Object.assign(printed, { sandbox: { url, gatewayUrl: `${url}/gateway.do` } as RunningSandbox });
}

describe('a Redis outage in the log', { tags: ['redis-server'] }, () => {
  let redis: RedisServer;
  let replica: Printed;

  beforeAll(async () => {
    redis = await startRedis();
    replica = await serve(redis.url);
  });

  afterAll(async () => {
    if (replica && replica.child.exitCode === null) {
      const exited = new Promise((done) => replica.child.once('exit', done));
      replica.child.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
  });

  it('one warning on stderr when Redis goes, one line when it is back with the requests refused, no stack per request', async () => {
    const people = generateIdentities({ seed: 3101, count: 40 });
    let next = 0;
    const apply = async () => {
      const person = people[next++ % people.length]!;
      const request = signedRequest({ ...publicParams(APPLY), biz_content: JSON.stringify({ cert_no: person.cert_no, cert_type: 'IDENTITY_CARD', name: person.name, mobile: person.mobile }) });
      return nodeOf(await postForm(replica.sandbox, request)).code;
    };
    expect(await apply()).toBe('10000');

    let refused = 0;
    const stopping = redis.restart({ kill: true, downMs: 1500 });
    for (const deadline = Date.now() + 1000; Date.now() < deadline && refused === 0; ) if ((await apply()) === '20000') refused++;
    expect(refused).toBe(1);
    for (let i = 0; i < 5; i++) expect(await apply()).toBe('20000');
    // An admin call refused meanwhile (503) counts too.
    expect((await fetch(`${replica.sandbox.url}/__admin/requests`)).status).toBe(503);
    refused += 6;
    await stopping;
    await until(() => replica.stderr.includes(' is back; '), 10_000);
    expect(await apply()).toBe('10000');

    const warnings = replica.stderr.split('\n').filter((line) => line.includes('the shared state store is unreachable'));
    const back = replica.stderr.split('\n').filter((line) => line.includes(' is back; '));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, store: redis.url });
    expect(back).toHaveLength(1);
    expect(JSON.parse(back[0]!)).toMatchObject({ level: 40, refused, msg: `the shared state store ${redis.url} is back; ${refused} requests were refused while it was away` });
    // stdout is the request log alone: a line per request (the refused ones with their code), no error, no stack.
    const logged = replica.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; code?: string });
    expect(logged.filter((line) => line.level !== 30)).toEqual([]);
    expect(logged.filter((line) => line.code === '20000')).toHaveLength(refused - 1);
    for (const text of [replica.stdout, replica.stderr]) {
      expect(text).not.toContain('    at ');
      expect(text).not.toContain('"stack"');
    }
    expect(replica.child.exitCode).toBeNull();
  });
});
