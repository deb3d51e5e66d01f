/**
 * Group commit: the writes a replica makes on the request path (each request's checked commit, each
 * journal entry) go to Redis as one script call per batch, with one batch in flight at a time; what
 * comes meanwhile waits for the next. With `appendfsync always` every write Redis takes costs it an
 * fsync, and that fsync, not the commands, is most of Redis's CPU: a batch pays one for all of its
 * requests. Each commit in a batch is still checked on its own, in order, against what the commits
 * before it wrote, and each gets its own entry in the change stream (its own version); a caller is
 * answered only once Redis has answered the batch, so an acknowledged change is stored.
 */
import type { CommitResult, SharedCommit } from '../core/state/shared-state.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';

/** Entries of the change stream kept for replicas that fall behind (Redis trims past it, approximately). */
export const CHANGE_STREAM_LENGTH = 100_000;

/** `local version = versionOf(hash, key)`: a stored value's version, or '0' when there is none. */
export const VERSION_OF = `
local function versionOf(hash, key)
  local stored = redis.call('HGET', hash, key)
  if not stored then return '0' end
  return string.match(stored, '^(%S+)')
end`;

/**
 * KEYS state, claims, changes, journal, journal-id; ARGV change cap, journal cap, commits n, then per
 * commit: records n, claims n, removals n, (key, expected, change)…, (key, expected, owner)…,
 * (key, expected)…; then the journal entries (JSON), to the end. A removed key is a record's or,
 * starting `order`, a claim's. Answers each commit's {'ok', version} or {'conflict', key…}.
 */
const WRITE = new RedisScript(`${VERSION_OF}
local function hashOf(key)
  if string.sub(key, 1, 6) == 'order' .. string.char(0) then return KEYS[2] end
  return KEYS[1]
end
local function conflictsOf(records, claims, removals, r, c, d)
  local conflicts = {}
  for i = 0, records - 1 do
    if versionOf(KEYS[1], ARGV[r + i * 3]) ~= ARGV[r + i * 3 + 1] then table.insert(conflicts, ARGV[r + i * 3]) end
  end
  for i = 0, claims - 1 do
    if versionOf(KEYS[2], ARGV[c + i * 3]) ~= ARGV[c + i * 3 + 1] then table.insert(conflicts, ARGV[c + i * 3]) end
  end
  for i = 0, removals - 1 do
    local key = ARGV[d + i * 2]
    if versionOf(hashOf(key), key) ~= ARGV[d + i * 2 + 1] then table.insert(conflicts, key) end
  end
  return conflicts
end
local function written(records, claims, removals, r, c, d)
  local fields = {'type', 'state'}
  for i = 0, records - 1 do table.insert(fields, 'r:' .. ARGV[r + i * 3]); table.insert(fields, ARGV[r + i * 3 + 2]) end
  for i = 0, claims - 1 do table.insert(fields, 'c:' .. ARGV[c + i * 3]); table.insert(fields, ARGV[c + i * 3 + 2]) end
  for i = 0, removals - 1 do table.insert(fields, 'd:' .. ARGV[d + i * 2]); table.insert(fields, '') end
  local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
  local values = {}
  for i = 0, records - 1 do table.insert(values, ARGV[r + i * 3]); table.insert(values, id .. ' ' .. ARGV[r + i * 3 + 2]) end
  if records > 0 then redis.call('HSET', KEYS[1], unpack(values)) end
  values = {}
  for i = 0, claims - 1 do table.insert(values, ARGV[c + i * 3]); table.insert(values, id .. ' ' .. ARGV[c + i * 3 + 2]) end
  if claims > 0 then redis.call('HSET', KEYS[2], unpack(values)) end
  for i = 0, removals - 1 do
    local key = ARGV[d + i * 2]
    redis.call('HDEL', hashOf(key), key)
  end
  return id
end
local results = {}
local at = 4
for n = 1, tonumber(ARGV[3]) do
  local records, claims, removals = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local r = at + 3
  local c = r + records * 3
  local d = c + claims * 3
  at = d + removals * 2
  local conflicts = conflictsOf(records, claims, removals, r, c, d)
  if #conflicts > 0 then
    table.insert(conflicts, 1, 'conflict')
    results[n] = conflicts
  else
    results[n] = {'ok', written(records, claims, removals, r, c, d)}
  end
end
local entries = #ARGV - at + 1
if entries > 0 then
  local first = redis.call('INCRBY', KEYS[5], entries) - entries
  for i = at, #ARGV do
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'id', first + i - at + 1, 'entry', ARGV[i])
  end
end
return results`);

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
