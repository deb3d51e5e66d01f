/**
 * One batch of writes (redis-writes.ts) against a real redis-server: the commits of a batch are each
 * checked, in order, against what the commits before them wrote; those that hold share one change
 * stream entry, and the batch's journal entries one journal stream entry with consecutive ids.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../mock-server/replicas/redis-connection.js';
import { journalEntriesOf, RedisWrites } from '../../mock-server/replicas/redis-writes.js';
import { redisAddress } from '../../mock-server/replicas/store-address.js';
import { sharedBatchOf } from '../../mock-server/replicas/redis-state-storage.js';
import type { NewEntry } from '../../mock-server/core/journal/request-journal.js';
import type { SharedCommit } from '../../mock-server/core/state/shared-state.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const record = (key: string, expected: string, value: number): SharedCommit => ({
  records: [{ key: `record\u0000test\u0000${key}`, expected, change: { record: { kind: 'test', key, value } } }],
  claims: [],
  removals: [],
});

/** A journal entry of a verified request, told apart by its method. */
const entryOf = (method: string): NewEntry => ({
  at: '2026-01-01T00:00:00.000Z',
  atMs: 0,
  http_method: 'POST',
  method,
  app_id: 'app',
  parameters: {},
  response: { http_status: 200, code: '10000' },
  signature: 'verified',
  protocol: 'v1',
  refused_at_protocol: false,
});

/** Scripts Redis has run: the write batches' calls. */
const scriptCalls = (server: RedisServer): number => Number(/cmdstat_evalsha:calls=(\d+)/.exec(server.cli('INFO', 'commandstats'))?.[1] ?? 0);

describe('a batch of writes in Redis', { tags: ['redis-server'] }, () => {
  let server: RedisServer;
  let redis: RedisConnection;

  /** The entries of the journal stream's newest entry (one batch's). */
  const lastJournalEntries = async (): Promise<unknown[]> => {
    const [, fields] = ((await redis.sendCommand(['XREVRANGE', 'alipay-sandbox:journal', '+', '-', 'COUNT', '1'])) as [string, string[]][])[0]!;
    return journalEntriesOf(fields).map(({ entry }) => entry);
  };

  beforeAll(async () => {
    server = await startRedis();
    redis = await RedisConnection.open(redisAddress(server.url), pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('checks each commit against the ones before it in the batch, and gives those that hold one version', async () => {
    const writes = new RedisWrites(redis);
    writes.journalCapacity = 10;
    // Handed over in one turn: one batch.
    const [first, again, other, entry] = await Promise.all([writes.commit(record('a', '0', 1)), writes.commit(record('a', '0', 2)), writes.commit(record('b', '0', 3)), writes.journal('{"n":1}'), writes.journal('{"n":2}')]);
    expect(first).toMatchObject({ committed: true });
    expect(again).toEqual({ committed: false, conflicts: ['record\u0000test\u0000a'] });
    expect(other).toEqual(first);
    expect(entry).toBeUndefined();
    const version = (first as { version: string }).version;
    expect(await redis.sendCommand(['HGET', 'alipay-sandbox:state', 'record\u0000test\u0000a'])).toBe(`${version} {"record":{"kind":"test","key":"a","value":1}}`);
    expect(server.cli('XLEN', 'alipay-sandbox:changes')).toBe('1');
    const journal = (await redis.sendCommand(['XRANGE', 'alipay-sandbox:journal', '-', '+'])) as [string, string[]][];
    expect(journal).toHaveLength(1);
    expect(journalEntriesOf(journal[0]![1])).toEqual([
      { id: 1, entry: { n: 1 } },
      { id: 2, entry: { n: 2 } },
    ]);
    // The next batch reads the version the first one wrote.
    expect(await writes.commit(record('a', version, 4))).toMatchObject({ committed: true });
    expect(await writes.commit(record('a', version, 5))).toMatchObject({ committed: false });
  });

  it('stores a batch of journal entries past 16 KB compressed, under consecutive ids, and reads them back as they were', async () => {
    const writes = new RedisWrites(redis);
    writes.journalCapacity = 10;
    const entries = Array.from({ length: 40 }, (_, n) => ({ n, parameters: { biz_content: `{"outer_order_no":"ORDER${n}"}`, sign: 'x'.repeat(344) }, answer: '张三'.repeat(100) }));
    const before = ((await redis.sendCommand(['XREVRANGE', 'alipay-sandbox:journal', '+', '-', 'COUNT', '1'])) as [string, string[]][])[0]!;
    const firstId = journalEntriesOf(before[1]).at(-1)!.id + 1;
    await Promise.all(entries.map((entry) => writes.journal(JSON.stringify(entry))));
    const [, fields] = ((await redis.sendCommand(['XREVRANGE', 'alipay-sandbox:journal', '+', '-', 'COUNT', '1'])) as [string, string[]][])[0]!;
    expect(fields[2]).toBe('deflated');
    expect(fields[3]!.length).toBeLessThan(JSON.stringify(entries).length / 4);
    expect(journalEntriesOf(fields)).toEqual(entries.map((entry, i) => ({ id: firstId + i, entry })));
  });

  it("holds a commit given its request's journal entry until the entry is made, then stores both in one script call", async () => {
    const writes = new RedisWrites(redis);
    writes.journalCapacity = 10;
    const scriptsBefore = scriptCalls(server);
    let settle!: (entry: NewEntry) => void;
    const committing = writes.commit(record('held', '0', 1), new Promise<NewEntry>((done) => (settle = done)));
    const other = writes.commit(record('held-other', '0', 1), Promise.resolve(entryOf('other')));
    expect(await other).toMatchObject({ committed: true, journalled: true });
    // Batches went meanwhile (the other commit's): this one waits for its entry.
    expect(await redis.sendCommand(['HEXISTS', 'alipay-sandbox:state', 'record\u0000test\u0000held'])).toBe(0);
    settle(entryOf('held'));
    expect(await committing).toMatchObject({ committed: true, journalled: true });
    expect(scriptCalls(server) - scriptsBefore).toBe(2);
    expect(await lastJournalEntries()).toEqual([entryOf('held')]);
  });

  it("stores no entry of a refused commit: the batch's other entries go in the next one, and a held commit's caller records its own", async () => {
    const writes = new RedisWrites(redis);
    writes.journalCapacity = 10;
    expect(await writes.commit(record('taken', '0', 1))).toMatchObject({ committed: true });
    const [refused, held, alone] = await Promise.all([
      writes.commit(record('taken', '0', 2), Promise.resolve(entryOf('refused'))),
      writes.commit(record('free', '0', 1), Promise.resolve(entryOf('held'))),
      writes.journal(JSON.stringify(entryOf('alone'))),
    ]);
    expect(refused).toEqual({ committed: false, conflicts: ['record\u0000test\u0000taken'] });
    expect(held).toEqual({ committed: true, version: expect.any(String) });
    expect(alone).toBeUndefined();
    expect(await lastJournalEntries()).toEqual([entryOf('alone')]);
  });

  it('writes a commit too large for one XADD (a retention sweep of thousands) as one stream entry another replica reads', async () => {
    const writes = new RedisWrites(redis);
    const keys = Array.from({ length: 5000 }, (_, i) => `record\u0000bulk\u0000${i}`);
    const made: SharedCommit = { records: keys.map((key, i) => ({ key, expected: '0', change: { record: { kind: 'bulk', key: String(i), value: i } } })), claims: [], removals: [] };
    const written = await writes.commit(made);
    expect(written).toMatchObject({ committed: true });
    const version = (written as { version: string }).version;
    const swept = await writes.commit({ records: [], claims: [], removals: keys.map((key) => ({ key, expected: version })) });
    expect(swept).toMatchObject({ committed: true });
    expect(await redis.sendCommand(['HEXISTS', 'alipay-sandbox:state', keys[4999]!])).toBe(0);
    const [, fields] = ((await redis.sendCommand(['XREVRANGE', 'alipay-sandbox:changes', '+', '-', 'COUNT', '1'])) as [string, string[]][])[0]!;
    expect(sharedBatchOf(fields).removed).toEqual(keys);
  });
});
