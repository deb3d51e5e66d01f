/**
 * The bench's Redis figures (`npm run bench -- --workers N`): what Redis ran and the CPU it spent per
 * request answered (INFO commandstats and INFO cpu, before and after a run), and what one Redis core
 * carries when it is the bottleneck. A sandbox on this 2-core machine signs a few thousand answers a
 * second, far from what Redis can take, and at that rate most of Redis's CPU is the fsync that each of
 * its write batches pays (appendfsync always), shared by the few requests of a batch. The capacity run
 * therefore drives Redis directly with what replicas send it, through their own classes
 * (mock-server/replicas: a change-stream read, each request's checked commit and journal entry), with
 * the change and journal entry a real certification left in the store, in batches of several sizes,
 * and reads the same counters: a batch's size is what requests in flight make it at higher rates.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { RedisConnection } from '../../mock-server/replicas/redis-connection.js';
import { ReplicaLink } from '../../mock-server/replicas/replica-link.js';
import { journalEntriesOf, RedisWrites } from '../../mock-server/replicas/redis-writes.js';
import { redisAddress } from '../../mock-server/replicas/store-address.js';
import type { NewEntry } from '../../mock-server/core/journal/request-journal.js';
import { claimKeys, recordKey, type SharedCommit } from '../../mock-server/core/state/shared-state.js';
import type { StateChange } from '../../mock-server/core/state/state-storage.js';
import { startRedis } from '../support/redis-server.js';

/** One redis-cli command against the bench's Redis, its reply's text. */
export type RedisProbe = (...args: string[]) => string;

export interface RedisPerRequest {
  /** Every command Redis ran, those of scripts included. */
  readonly commands: number;
  /** The commands clients sent (scripts and stream reads): the round trips a request cost, shared ones divided. */
  readonly calls: number;
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

/**
 * Commands only clients send, never the replicas' scripts: on the request path (no v3 nonce, no
 * scenario counter) each is one call a replica made. INFO commandstats counts a script's own
 * commands with those clients send, so the others cannot be told apart there.
 */
const SENT_ONLY = new Set(['evalsha', 'eval', 'xrange', 'xrevrange', 'hscan', 'hgetall']);

/** What Redis did between two readings of its counters, divided by the requests answered meanwhile. */
function perRequest(before: ReturnType<typeof redisCounters>, after: ReturnType<typeof redisCounters>, requests: number): RedisPerRequest {
  const byCommand = [...after.calls]
    .filter(([name]) => name !== 'info')
    .map(([name, calls]) => [name, (calls - (before.calls.get(name) ?? 0)) / requests] as const)
    .filter(([, share]) => share > 0)
    .sort((a, b) => b[1] - a[1]);
  const commands = byCommand.reduce((sum, [, share]) => sum + share, 0);
  const calls = byCommand.filter(([name]) => SENT_ONLY.has(name)).reduce((sum, [, share]) => sum + share, 0);
  return { commands, calls, byCommand, cpuUs: (after.cpuUs - before.cpuUs) / requests };
}

/** Runs `load` and divides what Redis did meanwhile (the probe's own INFO calls aside) by the requests answered. */
export function withRedisPerRequest<T extends { readonly requestsPerSecond: number }>(redis: RedisProbe, load: () => T, seconds: number): T & { redis?: RedisPerRequest } {
  const before = redisCounters(redis);
  const result = load();
  const requests = result.requestsPerSecond * seconds;
  if (requests === 0) return result;
  return { ...result, redis: perRequest(before, redisCounters(redis), requests) };
}

/**
 * What Redis did a request, and the requests/s one Redis core would carry at that CPU; with the rate
 * of a replica's run, as how many such replicas.
 */
export function redisLine({ commands, calls, byCommand, cpuUs }: RedisPerRequest, replicaRate?: number): string {
  const carried = 1e6 / cpuUs;
  const named = byCommand.map(([name, share]) => `${name} ${share.toFixed(2)}`).join(', ');
  const replicas = replicaRate ? `, ${(carried / replicaRate).toFixed(1)} replicas at this rate` : '';
  return `    Redis a request: ${calls.toFixed(2)} calls, ${commands.toFixed(2)} commands (${named}), ${cpuUs.toFixed(1)} µs CPU; one Redis core carries ${carried.toFixed(0)} req/s${replicas}`;
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

/**
 * The sample's journal entry for request `n`: its own signature (random bytes, as RSA's are) and
 * order, so that entries repeat no more from one to the next than real ones do (what compressing a
 * batch of them gains depends on it).
 */
function entryOf({ entry }: WriteSample, n: number): NewEntry {
  const made = JSON.parse(entry) as NewEntry & { parameters: Record<string, string> };
  const { parameters } = made;
  if (parameters.sign) parameters.sign = randomBytes(256).toString('base64');
  if (parameters.biz_content) parameters.biz_content = parameters.biz_content.replace(/"outer_order_no":"[^"]*"/, `"outer_order_no":"CAPACITY${n}"`);
  return made;
}

/** The sample's certification under a new id and order: what one new certification commits. */
function commitOf({ change }: WriteSample, n: number): SharedCommit {
  if (!('certification' in change)) throw new Error('the sample is not a certification');
  const id = `${n}-${change.certification.id}`;
  const made: StateChange = { certification: { ...change.certification, id, order_no: `CAPACITY${n}` } };
  const key = recordKey(made);
  return {
    records: [{ key, expected: '0', change: made }],
    claims: claimKeys(made).map((claim) => ({ key: claim, expected: '0', owner: key })),
    removals: [],
  };
}

export interface CapacityResult {
  /** Requests whose writes share one batch: what that many requests in flight on one replica make. */
  readonly batch: number;
  /** Connections sending such batches at once: replicas, each with its own connection. */
  readonly connections: number;
  readonly requestsPerSecond: number;
  readonly redis: RedisPerRequest;
}

/** What one replica hands Redis: its connection, its catch-up and its batched writes. */
interface Replica {
  readonly redis: RedisConnection;
  readonly link: ReplicaLink;
  readonly writes: RedisWrites;
}

async function openReplica(url: string): Promise<Replica> {
  const redis = await RedisConnection.open(redisAddress(url), pino({ level: 'silent' }));
  const writes = new RedisWrites(redis);
  writes.journalCapacity = 1000;
  return { redis, link: await ReplicaLink.open(redis), writes };
}

/**
 * Redis's cost a request when `batch` requests share each batch, sent by each of `connections`
 * replicas at once: per batch a stream read (the one catch-up they share), then each request's commit
 * of a new certification and its journal entry, all handed over in one turn of the event loop as
 * requests in flight hand them, through the replicas' own classes. With one connection the figures do
 * not hang on how busy this machine's cores leave the driver; with several, Redis takes their scripts
 * in the same turn of its event loop and fsyncs once for them, as it does for replicas under load.
 * Repeated for `seconds` per size; the run's writes are emptied afterwards.
 */
export async function measureRedisCapacity(
  url: string,
  probe: RedisProbe,
  sample: WriteSample,
  { sizes = [[1, 1], [4, 1], [16, 1], [64, 1], [3, 16]] as ReadonlyArray<readonly [batch: number, connections: number]>, seconds = 3 } = {},
): Promise<CapacityResult[]> {
  const replicas = await Promise.all(Array.from({ length: Math.max(...sizes.map(([, connections]) => connections)) }, () => openReplica(url)));
  const results: CapacityResult[] = [];
  let n = 0;
  const batchesOf = async ({ link, writes }: Replica, batch: number, until: number): Promise<number> => {
    let answered = 0;
    while (performance.now() < until) {
      await link.catchUp();
      const made = Array.from({ length: batch }, () => ({ commit: commitOf(sample, n), entry: entryOf(sample, n++) }));
      // Each commit carries its request's journal entry, as a replica's request hands them over.
      const written = made.map(({ commit, entry }) => writes.commit(commit, Promise.resolve(entry)));
      for (const result of await Promise.all(written)) if (!result.committed) throw new Error(`a capacity commit conflicted: ${result.conflicts.join(', ')}`);
      answered += batch;
    }
    return answered;
  };
  try {
    for (const [batch, connections] of sizes) {
      const before = redisCounters(probe);
      const started = performance.now();
      const answered = (await Promise.all(replicas.slice(0, connections).map((replica) => batchesOf(replica, batch, started + seconds * 1000)))).reduce((a, b) => a + b, 0);
      const wallS = (performance.now() - started) / 1000;
      results.push({ batch, connections, requestsPerSecond: answered / wallS, redis: perRequest(before, redisCounters(probe), answered) });
    }
  } finally {
    await Promise.all(replicas.map(({ redis }) => redis.close()));
    probe('FLUSHDB');
  }
  return results;
}

export function capacityLines(results: readonly CapacityResult[]): string[] {
  return [
    '  Redis driven directly (the replicas\' classes; a stream read, then each request\'s commit and journal entry, in batches):',
    ...results.flatMap(({ batch, connections, requestsPerSecond, redis }) => [
      `  ${String(batch).padStart(3)} requests a batch  ${requestsPerSecond.toFixed(0).padStart(6)} req/s ${connections === 1 ? 'on one connection' : `on ${connections} connections at once (replicas)`}`,
      redisLine(redis),
    ]),
  ];
}
