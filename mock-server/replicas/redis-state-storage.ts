/**
 * The sandbox's state in Redis, shared by every replica (core/state/shared-state.ts):
 *   state    hash: record key → "<version> <change JSON>"
 *   claims   hash: claim key (a certification's order) → "<version> <owner record key>"
 *   changes  stream: one entry per commit (`r:<key>` → change, `c:<key>` → owner), and `reset`
 * each under the sandbox's prefix on one Redis; on a Redis Cluster, under the tag of the app a key
 * names (app-tags.ts), people and records of no app under the shared one.
 * A commit is checked and written by one Lua script (redis-writes.ts, with the other commits and
 * journal entries of its batch), so its check of the versions and its writes are atomic: of two
 * replicas committing over the same version, the second is refused. Redis with `appendonly yes` and
 * `appendfsync always` has the write on disk before it answers.
 */
import { appOfKey, claimKeys, isClaimKey, recordKey, type CommitResult, type PromisedEntry, type SharedBatch, type SharedClaim, type SharedCommit, type SharedRecord, type SharedState, type SharedStateStorage } from '../core/state/shared-state.js';
import type { StateChange, StateSnapshot, StoredState } from '../core/state/state-storage.js';
import { AppTags, CHANGE_STREAM_LENGTH } from './app-tags.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';
import { RedisWrites } from './redis-writes.js';

/**
 * KEYS state, claims, changes, initialized; ARGV cap, only-if-new ('1'), records n, then (key, change)…,
 * (claim, owner)…. Replaces the whole state (a reset, retention), or writes the first one.
 */
const REPLACE = new RedisScript(`
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'type', 'reset')
local records = tonumber(ARGV[3])
for i = 0, records - 1 do
  local at = 4 + i * 2
  redis.call('HSET', KEYS[1], ARGV[at], id .. ' ' .. ARGV[at + 1])
end
for at = 4 + records * 2, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[at], id .. ' ' .. ARGV[at + 1])
end
redis.call('SET', KEYS[4], id)
return id`);

/** Every change a whole state consists of, one per record. */
function changesOf(snapshot: StateSnapshot): StateChange[] {
  const changes: StateChange[] = [];
  for (const person of snapshot.people) changes.push({ person });
  for (const grant of snapshot.authorizations) changes.push({ grant });
  for (const certification of snapshot.certifications) changes.push({ certification });
  for (const material of snapshot.material_certifications) changes.push({ material });
  for (const [kind, records] of Object.entries(snapshot.records ?? {})) {
    for (const [key, value] of Object.entries(records)) changes.push({ record: { kind, key, value } });
  }
  return changes;
}

/** "<version> <rest>" → its two parts. */
function versioned(stored: string): { version: string; rest: string } {
  const space = stored.indexOf(' ');
  return { version: stored.slice(0, space), rest: stored.slice(space + 1) };
}

/** A record as the state hash holds it. */
function storedRecord(key: string, stored: string): SharedRecord {
  const { version, rest } = versioned(stored);
  return { key, version, change: JSON.parse(rest) as StateChange };
}

/** A claim as the claims hash holds it. */
function storedClaim(key: string, stored: string): SharedClaim {
  const { version, rest } = versioned(stored);
  return { key, version, owner: rest };
}

export class RedisStateStorage implements SharedStateStorage {
  readonly shared = true;
  readonly #redis: RedisConnection;
  readonly #writes: RedisWrites;
  readonly #tags: AppTags;

  /** `writes`: the batches this replica's commits share with its journal entries; `tags`: the apps whose state has keys of its own. */
  constructor(redis: RedisConnection, writes?: RedisWrites, tags = new AppTags(redis)) {
    this.#redis = redis;
    this.#tags = tags;
    this.#writes = writes ?? new RedisWrites(redis, tags);
  }

  get where(): string {
    return this.#redis.where;
  }

  async load(): Promise<StoredState> {
    throw new Error('a shared storage is opened with loadShared');
  }

  async append(): Promise<void> {
    throw new Error('a shared storage takes commits, not appends');
  }

  async replace(snapshot: StateSnapshot): Promise<void> {
    await this.#replace(snapshot, false);
  }

  /**
   * Under each tag, its part of the snapshot; a whole replacement also empties every other tag. On a
   * cluster the tags are replaced one by one (each atomically), the shared one last.
   */
  async #replace(snapshot: StateSnapshot, onlyIfNew: boolean): Promise<void> {
    const parts = new Map<string, { records: string[]; claims: string[] }>();
    const partOf = (key: string) => {
      const prefix = this.#tags.prefixOfKey(key);
      return parts.get(prefix) ?? parts.set(prefix, { records: [], claims: [] }).get(prefix)!;
    };
    const changes = changesOf(snapshot);
    await this.#tags.announce(changes.map((change) => appOfKey(recordKey(change))));
    for (const change of changes) partOf(recordKey(change)).records.push(recordKey(change), JSON.stringify(change));
    for (const change of changes) for (const claim of claimKeys(change)) partOf(claim).claims.push(claim, recordKey(change));
    const prefixes = onlyIfNew ? [...parts.keys()] : await this.#tags.prefixes();
    const shared = this.#redis.prefix;
    const replaced = (prefix: string) => {
      const { records, claims } = parts.get(prefix) ?? { records: [], claims: [] };
      const args = [String(CHANGE_STREAM_LENGTH), onlyIfNew ? '1' : '0', String(records.length / 2), ...records, ...claims];
      return REPLACE.run(this.#redis, ['state', 'claims', 'changes', 'initialized'].map((name) => prefix + name), args);
    };
    await Promise.all(prefixes.filter((prefix) => prefix !== shared).map(replaced));
    await replaced(shared);
  }

  async loadShared(initial?: StateSnapshot): Promise<SharedState> {
    if (initial) await this.#replace(initial, true);
    const prefixes = await this.#tags.prefixes();
    const scanned = await Promise.all(prefixes.map((prefix) => Promise.all([this.#scan(`${prefix}state`), this.#scan(`${prefix}claims`)])));
    return {
      records: scanned.flatMap(([state]) => state.map(([key, stored]) => storedRecord(key, stored))),
      claims: scanned.flatMap(([, claims]) => claims.map(([key, stored]) => storedClaim(key, stored))),
    };
  }

  /** Every field of a hash, in slices (HSCAN), so that a large state does not block Redis. */
  async #scan(hash: string): Promise<[string, string][]> {
    const fields: [string, string][] = [];
    let cursor = '0';
    do {
      const [next, flat] = (await this.#redis.sendCommand(['HSCAN', hash, cursor, 'COUNT', '2000'])) as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) fields.push([flat[i]!, flat[i + 1]!]);
      cursor = next;
    } while (cursor !== '0');
    return fields;
  }

  commit(commit: SharedCommit, entry?: PromisedEntry): Promise<CommitResult> {
    return this.#writes.commit(commit, entry);
  }

  async current(keys: readonly string[]): Promise<SharedState> {
    const claims = (await this.#fields('claims', keys.filter(isClaimKey))).map(([key, stored]) => storedClaim(key, stored));
    // A claim's owner is read too: the record this replica must now find by the claimed order.
    const wanted = [...new Set([...keys.filter((key) => !isClaimKey(key)), ...claims.map((claim) => claim.owner)])];
    const records = (await this.#fields('state', wanted)).map(([key, stored]) => storedRecord(key, stored));
    return { records, claims };
  }

  /** The fields these keys name that their tags' hashes (`state` or `claims`) hold, with their values. */
  async #fields(hash: 'state' | 'claims', keys: readonly string[]): Promise<[string, string][]> {
    const byPrefix = new Map<string, string[]>();
    for (const key of keys) {
      const prefix = this.#tags.prefixOfKey(key);
      (byPrefix.get(prefix) ?? byPrefix.set(prefix, []).get(prefix)!).push(key);
    }
    const found: [string, string][] = [];
    await Promise.all(
      [...byPrefix].map(async ([prefix, named]) => {
        const stored = (await this.#redis.sendCommand(['HMGET', prefix + hash, ...named])) as (string | null)[];
        named.forEach((key, i) => {
          const value = stored[i];
          if (typeof value === 'string') found.push([key, value]);
        });
      }),
    );
    return found;
  }
}

/** A state entry of the change stream, as XRANGE gives its fields. */
export function sharedBatchOf(entryFields: readonly string[]): Omit<SharedBatch, 'version'> {
  const records: { key: string; change: StateChange }[] = [];
  const claims: { key: string; owner: string }[] = [];
  const removed: string[] = [];
  // A batch too large for XADD's arguments comes packed: its fields as one JSON array.
  const packedAt = entryFields.indexOf('packed');
  const fields = packedAt >= 0 && packedAt % 2 === 0 ? (JSON.parse(entryFields[packedAt + 1]!) as string[]) : entryFields;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (name.startsWith('r:')) records.push({ key: name.slice(2), change: JSON.parse(fields[i + 1]!) as StateChange });
    else if (name.startsWith('c:')) claims.push({ key: name.slice(2), owner: fields[i + 1]! });
    else if (name.startsWith('d:')) removed.push(name.slice(2));
  }
  return { records, claims, removed };
}
