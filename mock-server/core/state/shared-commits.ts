/**
 * A store's side of state shared with other replicas (shared-state.ts): the version of every record
 * as this replica last saw it, commits checked against them, what a refused or unanswered commit
 * reads again, and the batches other replicas committed. The store keeps the records themselves and
 * lets this change its memory only through `StoreMemory`.
 */
import { claimKeys, compareVersions, NO_VERSION, recordKey, StateConflictError, StateUnavailableError, type PromisedEntry, type SharedBatch, type SharedCommit, type SharedState, type SharedStateStorage, type Version } from './shared-state.js';
import type { StateChange, StateSnapshot } from './state-storage.js';

/** What shared commits may do to a store's memory: nothing there is written by them. */
export interface StoreMemory {
  /** A record as it now stands, put in place. */
  apply(change: StateChange): void;
  /** The records these keys name, removed. */
  forget(keys: readonly string[]): void;
  /** Everything replaced by these records (a load, a reload after a reset). */
  replaceWith(changes: readonly StateChange[]): void;
  /** The whole state, for a reset. */
  whole(): StateSnapshot;
}

export class SharedCommits {
  readonly #storage: SharedStateStorage;
  readonly #memory: StoreMemory;
  /** Each record's and claim's version as this replica last saw it. */
  readonly #versions = new Map<string, Version>();
  /** Records whose commit failed unanswered; read again from the storage before the next request. */
  readonly #stale = new Set<string>();
  /** Records (and their claims) retention removed, with the versions removed, until committed. */
  #removals = new Map<string, Version>();

  constructor(storage: SharedStateStorage, memory: StoreMemory) {
    this.#storage = storage;
    this.#memory = memory;
  }

  get where(): string {
    return this.#storage.where;
  }

  /** Loads the whole state; a storage never written gets `initial` first. */
  async load(initial: StateSnapshot): Promise<void> {
    this.#loaded(await this.#storage.loadShared(initial));
  }

  #loaded(state: SharedState): void {
    this.#memory.replaceWith(state.records.map((record) => record.change));
    this.#versions.clear();
    for (const { key, version } of [...state.records, ...state.claims]) this.#versions.set(key, version);
  }

  /** Records retention removed from memory: committed with the next changes, each at its version. */
  remove(records: readonly StateChange[]): void {
    for (const record of records) {
      for (const key of [recordKey(record), ...claimKeys(record)]) this.#removals.set(key, this.#versions.get(key) ?? NO_VERSION);
    }
  }

  /**
   * Commits a request's changes (a request's handler runs without awaiting, so the changes pending
   * when it returns are its own), checked against the versions this replica read; `whole` replaces
   * the state instead (a reset). Refused, the records are read again from the storage and
   * StateConflictError tells the caller to run the request again; not reached, they are read again
   * before the next request, and nothing is acknowledged. Resolves true when the request's journal
   * `entry` was stored with the commit (a reset stores none).
   */
  async commit(changes: readonly StateChange[], whole: boolean, entry?: PromisedEntry): Promise<boolean> {
    const removals = this.#removals;
    this.#removals = new Map();
    if (whole) {
      await this.#replace();
      return false;
    }
    const commit = this.#commitOf(changes, removals);
    const keys = [...commit.records.map((record) => record.key), ...commit.claims.map((claim) => claim.key), ...removals.keys()];
    let result;
    try {
      result = await this.#storage.commit(commit, entry);
    } catch (error) {
      for (const key of keys) this.#stale.add(key);
      throw new StateUnavailableError(`the shared state (${this.where}) did not take the change: ${(error as Error).message}`);
    }
    if (result.committed) {
      for (const key of keys) {
        const version = result.versions?.get(key) ?? result.version;
        if (compareVersions(version, this.#versions.get(key) ?? NO_VERSION) > 0) this.#versions.set(key, version);
      }
      for (const key of removals.keys()) this.#versions.delete(key);
      return result.journalled === true;
    }
    try {
      await this.#restore(keys);
    } catch {
      for (const key of keys) this.#stale.add(key);
    }
    throw new StateConflictError(result.conflicts);
  }

  #commitOf(changes: readonly StateChange[], removals: ReadonlyMap<string, Version>): SharedCommit {
    const latest = new Map<string, StateChange>();
    for (const change of changes) latest.set(recordKey(change), change);
    const claims = new Map<string, string>();
    for (const [owner, change] of latest) for (const claim of claimKeys(change)) claims.set(claim, owner);
    const expected = (key: string) => this.#versions.get(key) ?? NO_VERSION;
    return {
      records: [...latest].map(([key, change]) => ({ key, expected: expected(key), change })),
      claims: [...claims].map(([key, owner]) => ({ key, expected: expected(key), owner })),
      removals: [...removals].filter(([key]) => !latest.has(key) && !claims.has(key)).map(([key, expected]) => ({ key, expected })),
    };
  }

  /** A reset: the whole state replaces what the storage held (retention removes by commits). */
  async #replace(): Promise<void> {
    try {
      await this.#storage.replace(this.#memory.whole());
      // The versions the storage gave every record: read back whole (after a reset the state is small).
      await this.reload();
    } catch (error) {
      throw new StateUnavailableError(`the shared state (${this.where}) was not replaced: ${(error as Error).message}`);
    }
  }

  /** Records this replica changed without a commit, as the storage holds them now. */
  async #restore(keys: readonly string[]): Promise<void> {
    const current = await this.#storage.current(keys);
    const found = new Set(current.records.map((record) => record.key));
    const missing = keys.filter((key) => !found.has(key));
    this.#memory.forget(missing);
    for (const key of missing) this.#versions.delete(key);
    for (const { key, version, change } of current.records) {
      this.#memory.apply(change);
      this.#versions.set(key, version);
    }
    for (const { key, version } of current.claims) this.#versions.set(key, version);
  }

  /** Before a request: records whose commit was never answered, read again (throws while unreachable). */
  async refreshStale(): Promise<void> {
    if (this.#stale.size === 0) return;
    const keys = [...this.#stale];
    await this.#restore(keys);
    for (const key of keys) this.#stale.delete(key);
  }

  /** A batch another replica (or this one) committed, from the storage's stream; older versions are kept out. */
  apply(batch: SharedBatch): void {
    for (const { key, change } of batch.records) {
      if (compareVersions(batch.version, this.#versions.get(key) ?? NO_VERSION) <= 0) continue;
      this.#memory.apply(change);
      this.#versions.set(key, batch.version);
    }
    for (const { key } of batch.claims) {
      if (compareVersions(batch.version, this.#versions.get(key) ?? NO_VERSION) > 0) this.#versions.set(key, batch.version);
    }
    const removed = batch.removed.filter((key) => compareVersions(batch.version, this.#versions.get(key) ?? NO_VERSION) > 0);
    this.#memory.forget(removed);
    for (const key of removed) this.#versions.delete(key);
  }

  /** The whole state again, as stored (after a reset on any replica, or a fall behind the stream). */
  async reload(): Promise<void> {
    this.#loaded(await this.#storage.loadShared());
  }
}
