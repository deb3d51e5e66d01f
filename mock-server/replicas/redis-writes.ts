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
 *
 * On a Redis Cluster each app's keys are under a tag of their own (app-tags.ts), and a script may
 * touch one tag only: a batch is then one script call per tag it writes, sent together, each on its
 * tag's shard. A commit naming keys of two tags (a person and the grant they gave) is checked and
 * written in two parts, one per tag, each atomic on its own: it holds when both hold; refused, a part
 * that held stays, and the request runs again over it. The journal's ids then come in blocks from the
 * shared counter, since an entry is stored under its app's tag.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { appOfKey, type CarriedEntry, type CommitResult, type PromisedEntry, type SharedCommit, type Version } from '../core/state/shared-state.js';
import { AppTags, CHANGE_STREAM_LENGTH } from './app-tags.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';

export { CHANGE_STREAM_LENGTH } from './app-tags.js';

/**
 * KEYS state, claims, changes, journal, journal-id (one tag's); ARGV change cap, journal cap, the first
 * journal id ('0': counted by journal-id), commits n, then per
 * commit: records n, claims n, removals n, whether it carries a journal entry ('1' or '0'),
 * (key, expected, change)…, (key, expected, owner)…, (key, expected)…; then the journal entries (those
 * the commits carry among them): their number, and the field that holds them and its value ('entries'
 * and their JSON array, or 'deflated' and that array compressed: journalPayload).
 * A removed key is a record's or, starting `order`, a claim's. Answers {results, journalled}: each
 * commit's {'ok', version} or {'conflict', key…}, and 1 when the entries were stored. They are stored
 * only if every commit carrying one holds: the entry of a refused commit describes an answer never
 * sent (its request runs again), and the entries are one argument, compressed together.
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
local at = 5
for n = 1, tonumber(ARGV[4]) do
  local c = {records = tonumber(ARGV[at]), claims = tonumber(ARGV[at + 1]), removals = tonumber(ARGV[at + 2]), entry = ARGV[at + 3] == '1'}
  c.r = at + 4
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
local journalled = 1
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
    if c.entry then journalled = 0 end
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
local entries = tonumber(ARGV[at])
if entries > 0 and journalled == 1 then
  local first = tonumber(ARGV[3])
  if first == 0 then first = redis.call('INCRBY', KEYS[5], entries) - entries + 1 end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], '*', 'first', first, ARGV[at + 1], ARGV[at + 2])
end
return {results, journalled}`);

/**
 * A batch's journal entries are most of the bytes Redis takes, stores and appends to its file per
 * request (an entry holds the request's parameters with its signature, the parsed business
 * parameters and the answer: about 1.5 KB, much of it repeated from entry to entry). A batch holding
 * this many characters of them (their JSON) goes compressed; below it, compressing costs the replica
 * more than it saves Redis (each deflate call has a fixed cost of its own).
 */
const DEFLATE_FROM_CHARACTERS = 16 * 1024;

/** The script's journal arguments for these entries (JSON texts): their number, then the stream field and its value. */
export function journalPayload(entries: readonly string[]): [count: string, field: string, value: string] {
  if (entries.length === 0) return ['0', '', ''];
  const json = `[${entries.join(',')}]`;
  if (json.length < DEFLATE_FROM_CHARACTERS) return [String(entries.length), 'entries', json];
  return [String(entries.length), 'deflated', deflateRawSync(json, { level: 1 }).toString('base64')];
}

/** A journal stream entry's fields (first id, then its entries as a JSON array, or compressed) → each entry with its id. */
export function journalEntriesOf(fields: readonly string[]): { id: number; entry: unknown }[] {
  const first = Number(fields[1]);
  const json = fields[2] === 'deflated' ? inflateRawSync(Buffer.from(fields[3]!, 'base64')).toString() : fields[3]!;
  return (JSON.parse(json) as unknown[]).map((entry, i) => ({ id: first + i, entry }));
}

interface Waiting<T> {
  readonly done: (value: T) => void;
  readonly failed: (error: unknown) => void;
}

interface Batch {
  /** `entry`: the request's journal entry (JSON), stored only if the commit holds. */
  readonly commits: { readonly commit: SharedCommit; readonly entry?: string; readonly waiting: Waiting<CommitResult> }[];
  readonly entries: { readonly entry: string; readonly appId: string | undefined; readonly waiting: Waiting<void> }[];
}

/** A commit's part of the script's arguments. */
function commitArgs(commit: SharedCommit, carriesEntry: boolean): string[] {
  const args = [String(commit.records.length), String(commit.claims.length), String(commit.removals.length), carriesEntry ? '1' : '0'];
  for (const { key, expected, change } of commit.records) args.push(key, expected, JSON.stringify(change));
  for (const { key, expected, owner } of commit.claims) args.push(key, expected, owner);
  for (const { key, expected } of commit.removals) args.push(key, expected);
  return args;
}

/** What one script call writes under one tag: the commits' parts there (by index in the batch), and its journal entries. */
interface TagWrite {
  /** The app the tag is of (undefined: the shared tag). */
  readonly appId: string | undefined;
  readonly parts: { readonly index: number; readonly part: SharedCommit; readonly entry?: string }[];
  readonly entries: Batch['entries'][number][];
}

/**
 * How one tag's part of a commit came out: its keys and the script's answer (and whether the entry it
 * carried was stored), or the error that stopped it.
 */
type PartOutcome = { readonly keys: readonly string[]; readonly answer?: readonly string[]; readonly journalled?: boolean; readonly error?: unknown };

const emptyBatch = (): Batch => ({ commits: [], entries: [] });

/**
 * The app whose tag a journal entry goes under: its app's when the app is known (its signature held);
 * a request naming any app_id would otherwise add a tag every replica follows.
 */
export const journalAppOf = (entry: CarriedEntry): string | undefined => (entry.signature === 'verified' ? entry.app_id : undefined);

/** Journal ids a replica on a cluster takes from the shared counter at a time. */
const ID_BLOCK = 100;

export class RedisWrites {
  readonly #redis: RedisConnection;
  readonly #tags: AppTags;
  #journalCap = '1';
  #next: Batch = emptyBatch();
  /** A batch on its way to Redis (or waiting for the turn of the event loop that sends it). */
  #busy = false;
  /** On a cluster: the journal ids this replica holds, [next, end). */
  #ids = { next: 0, end: 0 };

  constructor(redis: RedisConnection, tags = new AppTags(redis)) {
    this.#redis = redis;
    this.#tags = tags;
  }

  /** How many entries the journal stream keeps (Redis trims past it, approximately). */
  set journalCapacity(capacity: number) {
    this.#journalCap = String(Math.max(capacity, 1));
  }

  /**
   * A request's changes, checked against the versions it read; answered once the batch holding it is
   * stored. Given the request's journal entry, the commit waits for it and carries it (`journalled`)
   * where both go under one tag: always on one Redis. On a cluster a commit of two tags goes at once,
   * and one whose tag is not its entry's (an ISV's call, kept under the merchant app) once the entry
   * is made, both without it: their callers record the entry.
   */
  async commit(commit: SharedCommit, entry?: PromisedEntry): Promise<CommitResult> {
    const tag = entry && this.#soleTag(commit);
    const made = tag === undefined ? undefined : await entry;
    const carried = made && this.#redis.appPrefix(journalAppOf(made)) === tag ? JSON.stringify(made) : undefined;
    return new Promise((done, failed) => {
      this.#next.commits.push({ commit, entry: carried, waiting: { done, failed } });
      this.#schedule();
    });
  }

  /** The prefix of the one tag a commit's keys are under; undefined when they are under two (a cluster's). */
  #soleTag(commit: SharedCommit): string | undefined {
    if (!this.#redis.cluster) return this.#redis.prefix;
    const tags = new Set([...commit.records, ...commit.claims, ...commit.removals].map(({ key }) => this.#redis.appPrefix(appOfKey(key))));
    return tags.size === 1 ? [...tags][0] : undefined;
  }

  /** A journal entry (JSON), stored with the next batch under the journal's next id, with its app's state. */
  journal(entry: string, appId?: string): Promise<void> {
    return new Promise((done, failed) => {
      this.#next.entries.push({ entry, appId, waiting: { done, failed } });
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

  /** The batch's writes by the tag they go under; a commit with no key goes under the shared one. */
  #byTag(batch: Batch): Map<string, TagWrite> {
    const writes = new Map<string, TagWrite>();
    const at = (appId: string | undefined) => {
      const prefix = this.#redis.appPrefix(appId);
      return writes.get(prefix) ?? writes.set(prefix, { appId: prefix === this.#redis.prefix ? undefined : appId, parts: [], entries: [] }).get(prefix)!;
    };
    batch.commits.forEach(({ commit, entry }, index) => {
      const parts = new Map<string | undefined, { records: SharedCommit['records'][number][]; claims: SharedCommit['claims'][number][]; removals: SharedCommit['removals'][number][] }>();
      const partOf = (key: string) => {
        const appId = this.#redis.cluster ? appOfKey(key) : undefined;
        return parts.get(appId) ?? parts.set(appId, { records: [], claims: [], removals: [] }).get(appId)!;
      };
      for (const record of commit.records) partOf(record.key).records.push(record);
      for (const claim of commit.claims) partOf(claim.key).claims.push(claim);
      for (const removal of commit.removals) partOf(removal.key).removals.push(removal);
      if (parts.size === 0) parts.set(undefined, { records: [], claims: [], removals: [] });
      // A commit carrying an entry is under one tag (commit), the entry's.
      for (const [appId, part] of parts) at(appId).parts.push({ index, part, entry });
    });
    for (const entry of batch.entries) at(entry.appId).entries.push(entry);
    return writes;
  }

  async #flush(batch: Batch): Promise<void> {
    const writes = this.#byTag(batch);
    const outcomes: PartOutcome[][] = batch.commits.map(() => []);
    try {
      // A tag is announced before anything is written under it: the other replicas then follow it.
      await this.#tags.announce([...writes.values()].map(({ appId }) => appId));
    } catch (error) {
      for (const { waiting } of batch.commits) waiting.failed(error);
      for (const { waiting } of batch.entries) waiting.failed(error);
      return;
    }
    await Promise.all([...writes].map(([prefix, write]) => this.#write(prefix, write, outcomes)));
    batch.commits.forEach(({ waiting }, i) => {
      const failed = outcomes[i]!.find((outcome) => outcome.error !== undefined);
      if (failed) waiting.failed(failed.error);
      else waiting.done(resultOf(outcomes[i]!));
    });
  }

  /** One tag's script call; each commit part's answer goes to `outcomes`, each entry's caller is answered. */
  async #write(prefix: string, { parts, entries }: TagWrite, outcomes: PartOutcome[][]): Promise<void> {
    const keys = ['state', 'claims', 'changes', 'journal', 'journal-id'].map((name) => prefix + name);
    const partKeys = parts.map(({ part }) => [...part.records, ...part.claims, ...part.removals].map(({ key }) => key));
    const payload = [...entries.map(({ entry }) => entry), ...parts.flatMap(({ entry }) => (entry === undefined ? [] : [entry]))];
    try {
      const first = payload.length > 0 ? await this.#firstId(payload.length) : 0;
      const args = [String(CHANGE_STREAM_LENGTH), this.#journalCap, String(first), String(parts.length), ...parts.flatMap(({ part, entry }) => commitArgs(part, entry !== undefined)), ...journalPayload(payload)];
      const [answers, journalled] = (await WRITE.run(this.#redis, keys, args)) as [string[][], number];
      parts.forEach(({ index, entry }, i) => outcomes[index]!.push({ keys: partKeys[i]!, answer: answers[i]!, journalled: entry !== undefined && journalled === 1 }));
      if (journalled === 1) for (const { waiting } of entries) waiting.done();
      // A commit carrying an entry was refused, so no entry was stored: the others go with the next
      // batch (#flushAll sends it once this one is done), the held commits' callers record their own.
      else this.#next.entries.push(...entries);
    } catch (error) {
      parts.forEach(({ index }, i) => outcomes[index]!.push({ keys: partKeys[i]!, error }));
      for (const { waiting } of entries) waiting.failed(error);
    }
  }

  /**
   * The first of `count` journal ids: on one Redis the script counts them ('0'); on a cluster, where
   * the entries go under their app's tag, from a block this replica took from the shared counter.
   */
  async #firstId(count: number): Promise<number> {
    if (!this.#redis.cluster) return 0;
    if (this.#ids.end - this.#ids.next < count) {
      const take = Math.max(count, ID_BLOCK);
      const end = Number(await this.#redis.sendCommand(['INCRBY', this.#redis.key('journal-id'), String(take)])) + 1;
      this.#ids = { next: end - take, end };
    }
    const first = this.#ids.next;
    this.#ids.next += count;
    return first;
  }
}

/** A commit's result from its parts' answers: it holds when every part held, each key at its part's version. */
function resultOf(outcomes: readonly PartOutcome[]): CommitResult {
  const conflicts = outcomes.filter(({ answer }) => answer![0] !== 'ok').flatMap(({ answer }) => answer!.slice(1));
  if (conflicts.length > 0) return { committed: false, conflicts };
  const version = outcomes[0]!.answer![1]!;
  if (outcomes.length === 1) return outcomes[0]!.journalled ? { committed: true, version, journalled: true } : { committed: true, version };
  const versions = new Map<string, Version>();
  for (const { keys, answer } of outcomes) for (const key of keys) versions.set(key, answer![1]!);
  return { committed: true, version, versions };
}
