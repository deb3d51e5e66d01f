/**
 * The bench's Redis figures (`npm run bench -- --workers N`): what Redis ran and the CPU it spent per
 * request answered (INFO commandstats and INFO cpu, before and after a run), and what one Redis core
 * carries when it is the bottleneck. A sandbox on this 2-core machine signs a few thousand answers a
 * second, far from what Redis can take, and at that rate most of Redis's CPU is the fsync that each of
 * its write batches pays (appendfsync always), shared by the few requests of a batch. The capacity run
 * therefore drives Redis directly with what replicas send it (mock-server/replicas: the change-stream
 * read before a request, the checked commit, the journal entry, in the same order and through the same
 * classes), with the change and journal entry a real certification left in the store, from several
 * simulated replicas with many requests in flight, and reads the same counters.
 */
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { RedisConnection } from '../../mock-server/replicas/redis-connection.js';
import { ReplicaLink } from '../../mock-server/replicas/replica-link.js';
import { journalEntriesOf, RedisWrites } from '../../mock-server/replicas/redis-writes.js';
import { redisAddress } from '../../mock-server/replicas/store-address.js';
import type { SharedCommit } from '../../mock-server/core/state/shared-state.js';
import type { StateChange } from '../../mock-server/core/state/state-storage.js';
import { startRedis } from '../support/redis-server.js';

/** One redis-cli command against the bench's Redis, its reply's text. */
export type RedisProbe = (...args: string[]) => string;

export interface RedisPerRequest {
  /** Every command Redis ran, those of scripts included. */
  readonly commands: number;
  /** The same by command, the busiest first. */
  readonly byCommand: readonly (readonly [name: string, perRequest: number])[];
  /** Redis's whole CPU (user and system: its event loop, the fsyncs of appendfsync always, its other threads). */
  readonly cpuUs: number;
}

/** Redis's counters: calls by command (INFO commandstats) and its CPU time in µs (INFO cpu). */
function redisCounters(redis: RedisProbe): { calls: Map<string, number>; cpuUs: number } {
  const calls = new Map<string, number>();
  for (const [, name, count] of redis('INFO', 'commandstats').matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) calls.set(name!, Number(count));
  const seconds = (name: string) => Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(redis('INFO', 'cpu'))?.[1] ?? 0);
  return { calls, cpuUs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6 };
}

/** What Redis did between two readings of its counters, divided by the requests answered meanwhile. */
function perRequest(before: ReturnType<typeof redisCounters>, after: ReturnType<typeof redisCounters>, requests: number): RedisPerRequest {
  const byCommand = [...after.calls]
    .filter(([name]) => name !== 'info')
    .map(([name, calls]) => [name, (calls - (before.calls.get(name) ?? 0)) / requests] as const)
    .filter(([, share]) => share > 0)
    .sort((a, b) => b[1] - a[1]);
  const commands = byCommand.reduce((sum, [, share]) => sum + share, 0);
  return { commands, byCommand, cpuUs: (after.cpuUs - before.cpuUs) / requests };
}

/** Runs `load` and divides what Redis did meanwhile (the probe's own INFO calls aside) by the requests answered. */
export function withRedisPerRequest<T extends { readonly requestsPerSecond: number }>(redis: RedisProbe, load: () => T, seconds: number): T & { redis?: RedisPerRequest } {
  const before = redisCounters(redis);
  const result = load();
  const requests = result.requestsPerSecond * seconds;
  if (requests === 0) return result;
  return { ...result, redis: perRequest(before, redisCounters(redis), requests) };
}

/** What Redis did a request, and the requests/s one Redis core would carry at that CPU. */
export function redisLine({ commands, byCommand, cpuUs }: RedisPerRequest, requestsPerSecond: number): string {
  const carried = 1e6 / cpuUs;
  const named = byCommand.map(([name, share]) => `${name} ${share.toFixed(2)}`).join(', ');
  return `    Redis a request: ${commands.toFixed(2)} commands (${named}), ${cpuUs.toFixed(1)} µs CPU; one Redis core carries ${carried.toFixed(0)} req/s, ${(carried / requestsPerSecond).toFixed(1)} replicas at this rate`;
}

/** The Redis a replica run uses: the one --store names (emptied first), or a redis-server of its own. */
export async function benchRedis(store: string | undefined): Promise<{ url: string; probe: RedisProbe; stop: () => Promise<void> }> {
  if (store) {
    const { hostname, port, pathname } = new URL(store);
    const cli = ['-h', hostname, '-p', port || '6379', '-n', pathname.replace('/', '') || '0'];
    return { url: store, probe: (...args) => spawnSync('redis-cli', [...cli, ...args], { encoding: 'utf8' }).stdout, stop: async () => undefined };
  }
  // startRedis names the package to install where redis-server is missing.
  const redis = await startRedis();
  return { url: redis.url, probe: (...args) => redis.cli(...args), stop: () => redis.stop() };
}

/** A certification's change and a journal entry as a real request left them in the store. */
export interface WriteSample {
  readonly change: StateChange;
  readonly entry: string;
}

/** The newest certification and journal entry in the store at `url` (after a run of new certifications). */
export async function writeSample(url: string): Promise<WriteSample | undefined> {
  const redis = await RedisConnection.open(redisAddress(url), pino({ level: 'silent' }));
  try {
    const [change] = (await redis.sendCommand(['XREVRANGE', redis.key('changes'), '+', '-', 'COUNT', '1'])) as [string, string[]][];
    const [journal] = (await redis.sendCommand(['XREVRANGE', redis.key('journal'), '+', '-', 'COUNT', '1'])) as [string, string[]][];
    const recordAt = change?.[1].findIndex((name) => name.startsWith('r:certification')) ?? -1;
    const entry = journal ? journalEntriesOf(journal[1]).at(-1)?.entry : undefined;
    if (recordAt < 0 || entry === undefined) return undefined;
    return { change: JSON.parse(change![1][recordAt + 1]!) as StateChange, entry: JSON.stringify(entry) };
  } finally {
    await redis.close();
  }
}

const SEPARATOR = '\u0000';

/** The sample's certification under a new id and order: what one new certification commits. */
function commitOf({ change }: WriteSample, n: number, replica: number): SharedCommit {
  if (!('certification' in change)) throw new Error('the sample is not a certification');
  const id = `${replica}-${n}-${change.certification.id}`;
  const certification = { ...change.certification, id, order_no: `CAPACITY${replica}-${n}` };
  const key = ['certification', id].join(SEPARATOR);
  return {
    records: [{ key, expected: '0', change: { certification } }],
    claims: [{ key: ['order', certification.kind, certification.app_id, certification.order_no].join(SEPARATOR), expected: '0', owner: key }],
    removals: [],
  };
}

export interface CapacityResult {
  readonly replicas: number;
  readonly inFlight: number;
  readonly requestsPerSecond: number;
  readonly redis: RedisPerRequest;
  /** Redis's CPU over the run's wall time: near 100%, Redis itself was the limit. */
  readonly busyPercent: number;
}

/**
 * `replicas` simulated replicas, each with its own connection and `inFlight` requests at a time, each
 * request: the change-stream read, a new certification's commit, its journal entry, each awaited as
 * the gateway awaits it. For `seconds`; Redis emptied of the run's writes afterwards.
 */
export async function measureRedisCapacity(url: string, probe: RedisProbe, sample: WriteSample, { replicas = 4, inFlight = 32, seconds = 5 } = {}): Promise<CapacityResult> {
  const logger = pino({ level: 'silent' });
  const sides = await Promise.all(
    Array.from({ length: replicas }, async () => {
      const redis = await RedisConnection.open(redisAddress(url), logger);
      const writes = new RedisWrites(redis);
      writes.journalCapacity = 1000;
      return { redis, link: await ReplicaLink.open(redis), writes };
    }),
  );
  let answered = 0;
  const before = redisCounters(probe);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    sides.flatMap(({ link, writes }, replica) =>
      Array.from({ length: inFlight }, async (_, lane) => {
        for (let n = lane; performance.now() < deadline; n += inFlight) {
          await link.catchUp();
          const result = await writes.commit(commitOf(sample, n, replica));
          if (!result.committed) throw new Error(`a capacity commit conflicted: ${result.conflicts.join(', ')}`);
          await writes.journal(sample.entry);
          answered++;
        }
      }),
    ),
  );
  const wallS = (performance.now() - started) / 1000;
  const after = redisCounters(probe);
  await Promise.all(sides.map(({ redis }) => redis.close()));
  probe('FLUSHDB');
  return { replicas, inFlight, requestsPerSecond: answered / wallS, redis: perRequest(before, after, answered), busyPercent: ((after.cpuUs - before.cpuUs) / 1e6 / wallS) * 100 };
}

export function capacityLines({ replicas, inFlight, requestsPerSecond, redis, busyPercent }: CapacityResult): string[] {
  return [
    `  Redis driven directly: ${replicas} simulated replicas × ${inFlight} requests in flight (stream read, commit, journal entry each), ${requestsPerSecond.toFixed(0)} req/s, Redis ${busyPercent.toFixed(0)}% of a core`,
    redisLine(redis, requestsPerSecond),
  ];
}
