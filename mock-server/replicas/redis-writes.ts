/**
 * Group commit: the writes a replica makes on the request path (each request's checked commit, each
 * journal entry) go to Redis as one script call per batch, with one batch in flight at a time; what
 * comes meanwhile waits for the next. With `appendfsync always` every write Redis takes costs it an
 * fsync, and that fsync is most of Redis's CPU at a few hundred requests a second: a batch pays one
 * for all of its requests. Each commit in a batch is still checked on its own, in order, against what
 * the commits before it wrote; the batch's commits that hold then share one entry of the change
 * stream (their version) and one write per hash, and its journal entries one stream entry, so that
 * what Redis runs and appends to its file per request shrinks as batches grow. A caller is answered
 * only once Redis has answered the batch, so an acknowledged change is stored.
 */
import type { CommitResult, SharedCommit } from '../core/state/shared-state.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';

/** Entries of the change stream kept for replicas that fall behind (Redis trims past it, approximately). */
export const CHANGE_STREAM_LENGTH = 100_000;

/**
 * KEYS state, claims, changes, journal, journal-id; ARGV change cap, journal cap, commits n, then per
 * commit: records n, claims n, removals n, (key, expected, change)…, (key, expected, owner)…,
 * (key, expected)…; then the journal entries (JSON), to the end. A removed key is a record's or,
 * starting `order`, a claim's. Answers each commit's {'ok', version} or {'conflict', key…}.
 * A key written by a commit of the batch is a conflict for any later commit of it that names the key:
 * that one read the key before this batch (each key is written once per stream entry).
 * Lists are handed to HMGET, HSET and HDEL in slices: unpack is limited to a few thousand values,
 * and a retention commit may remove more; the stream entry of such a batch holds its fields packed
 * in one (sharedBatchOf reads both).
 */
const WRITE = new RedisScript(`
local SLICE = 1000
local function sliced(command, hash, list, width)
  for i = 1, #list, SLICE * width do redis.call(command, hash, unpack(list, i, math.min(i + SLICE * width - 1, #list))) end
end
local function isClaim(key) return string.sub(key, 1, 6) == 'order' .. string.char(0) end
local function versionsOf(hash, keys, into)
  for i = 1, #keys, SLICE do
    local last = math.min(i + SLICE - 1, #keys)
    local stored = redis.call('HMGET', hash, unpack(keys, i, last))
    for j = i, last do
      local value = stored[j - i + 1]
      into[keys[j]] = value and string.match(value, '^(%S+)') or '0'
    end
  end
end
local commits, recordKeys, claimKeys = {}, {}, {}
local at = 4
for n = 1, tonumber(ARGV[3]) do
  local c = {records = tonumber(ARGV[at]), claims = tonumber(ARGV[at + 1]), removals = tonumber(ARGV[at + 2])}
  c.r = at + 3
  c.c = c.r + c.records * 3
  c.d = c.c + c.claims * 3
  at = c.d + c.removals * 2
  commits[n] = c
  for i = 0, c.records - 1 do table.insert(recordKeys, ARGV[c.r + i * 3]) end
  for i = 0, c.claims - 1 do table.insert(claimKeys, ARGV[c.c + i * 3]) end
  for i = 0, c.removals - 1 do
    local key = ARGV[c.d + i * 2]
    table.insert(isClaim(key) and claimKeys or recordKeys, key)
  end
end
local versions, written = {}, {}
versionsOf(KEYS[1], recordKeys, versions)
versionsOf(KEYS[2], claimKeys, versions)
local function conflictsOf(c)
  local conflicts = {}
  local function check(key, expected)
    if written[key] or versions[key] ~= expected then table.insert(conflicts, key) end
  end
  for i = 0, c.records - 1 do check(ARGV[c.r + i * 3], ARGV[c.r + i * 3 + 1]) end
  for i = 0, c.claims - 1 do check(ARGV[c.c + i * 3], ARGV[c.c + i * 3 + 1]) end
  for i = 0, c.removals - 1 do check(ARGV[c.d + i * 2], ARGV[c.d + i * 2 + 1]) end
  return conflicts
end
local results, fields, records, claims, removedRecords, removedClaims = {}, {'type', 'state'}, {}, {}, {}, {}
-- A commit's records (or claims) from ARGV[start]: into the stream entry's fields and the hash's values.
local function take(start, count, prefix, values)
  for i = 0, count - 1 do
    local key, value = ARGV[start + i * 3], ARGV[start + i * 3 + 2]
    written[key] = true
    table.insert(fields, prefix .. key); table.insert(fields, value)
    table.insert(values, key); table.insert(values, value)
  end
end
for n, c in ipairs(commits) do
  local conflicts = conflictsOf(c)
  if #conflicts > 0 then
    table.insert(conflicts, 1, 'conflict')
    results[n] = conflicts
  else
    take(c.r, c.records, 'r:', records)
    take(c.c, c.claims, 'c:', claims)
    for i = 0, c.removals - 1 do
      local key = ARGV[c.d + i * 2]
      written[key] = true
      table.insert(fields, 'd:' .. key); table.insert(fields, '')
      table.insert(isClaim(key) and removedClaims or removedRecords, key)
    end
    results[n] = {'ok'}
  end
end
if #fields > 2 then
  -- XADD takes its fields as arguments, which unpack cannot pass past a few thousand: a larger
  -- batch (a retention sweep's removals) goes as one field holding them all, as JSON.
  local id
  if #fields > SLICE * 2 then
    table.remove(fields, 1); table.remove(fields, 1)
    id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'type', 'state', 'packed', cjson.encode(fields))
  else
    id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
  end
  for i = 2, #records, 2 do records[i] = id .. ' ' .. records[i] end
  for i = 2, #claims, 2 do claims[i] = id .. ' ' .. claims[i] end
  sliced('HSET', KEYS[1], records, 2)
  sliced('HSET', KEYS[2], claims, 2)
  sliced('HDEL', KEYS[1], removedRecords, 1)
  sliced('HDEL', KEYS[2], removedClaims, 1)
  for _, result in pairs(results) do
    if result[1] == 'ok' then result[2] = id end
  end
end
local entries = #ARGV - at + 1
if entries > 0 then
  local first = redis.call('INCRBY', KEYS[5], entries) - entries + 1
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'first', first, 'entries', '[' .. table.concat(ARGV, ',', at, #ARGV) .. ']')
end
return results`);

/** A journal stream entry's fields (first id, entries as a JSON array) → each entry with its id. */
export function journalEntriesOf(fields: readonly string[]): { id: number; entry: unknown }[] {
  const first = Number(fields[1]);
  return (JSON.parse(fields[3]!) as unknown[]).map((entry, i) => ({ id: first + i, entry }));
}

interface Waiting<T> {
  readonly done: (value: T) => void;
  readonly failed: (error: unknown) => void;
}

interface Batch {
  readonly commits: { readonly args: readonly string[]; readonly waiting: Waiting<CommitResult> }[];
  readonly entries: string[];
  readonly journalled: Waiting<void>[];
}

/** A commit's part of the script's arguments. */
function commitArgs(commit: SharedCommit): string[] {
  const args = [String(commit.records.length), String(commit.claims.length), String(commit.removals.length)];
  for (const { key, expected, change } of commit.records) args.push(key, expected, JSON.stringify(change));
  for (const { key, expected, owner } of commit.claims) args.push(key, expected, owner);
  for (const { key, expected } of commit.removals) args.push(key, expected);
  return args;
}

const emptyBatch = (): Batch => ({ commits: [], entries: [], journalled: [] });

export class RedisWrites {
  readonly #redis: RedisConnection;
  readonly #keys: readonly string[];
  #journalCap = '1';
  #next: Batch = emptyBatch();
  /** A batch on its way to Redis (or waiting for the turn of the event loop that sends it). */
  #busy = false;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
    this.#keys = ['state', 'claims', 'changes', 'journal', 'journal-id'].map((name) => redis.key(name));
  }

  /** How many entries the journal stream keeps (Redis trims past it, approximately). */
  set journalCapacity(capacity: number) {
    this.#journalCap = String(Math.max(capacity, 1));
  }

  /** A request's changes, checked against the versions it read; answered once the batch holding it is stored. */
  commit(commit: SharedCommit): Promise<CommitResult> {
    return new Promise((done, failed) => {
      this.#next.commits.push({ args: commitArgs(commit), waiting: { done, failed } });
      this.#schedule();
    });
  }

  /** A journal entry (JSON), stored with the next batch under the journal's next id. */
  journal(entry: string): Promise<void> {
    return new Promise((done, failed) => {
      this.#next.entries.push(entry);
      this.#next.journalled.push({ done, failed });
      this.#schedule();
    });
  }

  /** The first write waits for the end of this turn of the event loop, so that the turn's writes share its batch. */
  #schedule(): void {
    if (this.#busy) return;
    this.#busy = true;
    setImmediate(() => void this.#flushAll());
  }

  /** Batch after batch until none is waiting: what came while one was under way goes in the next. */
  async #flushAll(): Promise<void> {
    while (this.#next.commits.length + this.#next.entries.length > 0) {
      const batch = this.#next;
      this.#next = emptyBatch();
      await this.#flush(batch);
    }
    this.#busy = false;
  }

  async #flush(batch: Batch): Promise<void> {
    const args = [String(CHANGE_STREAM_LENGTH), this.#journalCap, String(batch.commits.length), ...batch.commits.flatMap((commit) => commit.args), ...batch.entries];
    try {
      const results = (await WRITE.run(this.#redis, this.#keys, args)) as string[][];
      batch.commits.forEach(({ waiting }, i) => {
        const [outcome, ...rest] = results[i]!;
        waiting.done(outcome === 'ok' ? { committed: true, version: rest[0]! } : { committed: false, conflicts: rest });
      });
      for (const waiting of batch.journalled) waiting.done();
    } catch (error) {
      for (const { waiting } of batch.commits) waiting.failed(error);
      for (const waiting of batch.journalled) waiting.failed(error);
    }
  }
}
