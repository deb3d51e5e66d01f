/**
 * The sandbox's state in Redis, shared by every replica (core/state/shared-state.ts):
 *   state    hash: record key → "<version> <change JSON>"
 *   claims   hash: claim key (a certification's order) → "<version> <owner record key>"
 *   changes  stream: one entry per commit (`r:<key>` → change, `c:<key>` → owner), and `reset`
 * A commit is checked and written by one Lua script (redis-writes.ts, with the other commits and
 * journal entries of its batch), so its check of the versions and its writes are atomic: of two
 * replicas committing over the same version, the second is refused. Redis with `appendonly yes` and
 * `appendfsync always` has the write on disk before it answers.
 */
import { claimKeys, isClaimKey, recordKey, type CommitResult, type SharedBatch, type SharedClaim, type SharedCommit, type SharedRecord, type SharedState, type SharedStateStorage } from '../core/state/shared-state.js';
import type { StateChange, StateSnapshot, StoredState } from '../core/state/state-storage.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';
import { CHANGE_STREAM_LENGTH, RedisWrites } from './redis-writes.js';

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
  readonly #keys: readonly [state: string, claims: string, changes: string, initialized: string];

  /** `writes`: the batches this replica's commits share with its journal entries. */
  constructor(redis: RedisConnection, writes = new RedisWrites(redis)) {
    this.#redis = redis;
    this.#writes = writes;
    this.#keys = [redis.key('state'), redis.key('claims'), redis.key('changes'), redis.key('initialized')];
  }

  get where(): string {
    return this.#redis.where;
  }

  /** The change stream replicas follow (replica-link.ts). */
  get changesKey(): string {
    return this.#keys[2];
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

  async #replace(snapshot: StateSnapshot, onlyIfNew: boolean): Promise<void> {
    const changes = changesOf(snapshot);
    const args = [String(CHANGE_STREAM_LENGTH), onlyIfNew ? '1' : '0', String(changes.length)];
    for (const change of changes) args.push(recordKey(change), JSON.stringify(change));
    for (const change of changes) for (const claim of claimKeys(change)) args.push(claim, recordKey(change));
    await REPLACE.run(this.#redis, this.#keys, args);
  }

  async loadShared(initial?: StateSnapshot): Promise<SharedState> {
    if (initial) await this.#replace(initial, true);
    const [state, claims] = await Promise.all([this.#scan(this.#keys[0]), this.#scan(this.#keys[1])]);
    return { records: state.map(([key, stored]) => storedRecord(key, stored)), claims: claims.map(([key, stored]) => storedClaim(key, stored)) };
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

  commit(commit: SharedCommit): Promise<CommitResult> {
    return this.#writes.commit(commit);
  }

  async current(keys: readonly string[]): Promise<SharedState> {
    const claims = (await this.#fields(this.#keys[1], keys.filter(isClaimKey))).map(([key, stored]) => storedClaim(key, stored));
    // A claim's owner is read too: the record this replica must now find by the claimed order.
    const wanted = [...new Set([...keys.filter((key) => !isClaimKey(key)), ...claims.map((claim) => claim.owner)])];
    const records = (await this.#fields(this.#keys[0], wanted)).map(([key, stored]) => storedRecord(key, stored));
    return { records, claims };
  }

  /** The fields of a hash these keys name that it holds, with their values. */
  async #fields(hash: string, keys: readonly string[]): Promise<[string, string][]> {
    if (keys.length === 0) return [];
    const stored = (await this.#redis.sendCommand(['HMGET', hash, ...keys])) as (string | null)[];
    const found: [string, string][] = [];
    keys.forEach((key, i) => {
      const value = stored[i];
      if (typeof value === 'string') found.push([key, value]);
    });
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
