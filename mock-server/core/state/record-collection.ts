/**
 * Records a method keeps that the store has no field of its own for: a method declares its kind of
 * record in its own file (a name, the key, any lookups), and the store keeps, logs and replays them
 * like every other change. So a new method's state needs no change to the store or its storages.
 */

/** A kind of record, declared by the method that keeps it. */
export interface RecordKind<T> {
  /** Unique among kinds: the snapshot's and the change log's name for these records. */
  readonly name: string;
  readonly key: (record: T) => string;
  /** Other ways to find a record: index name → the value it is found by (none for records without one). */
  readonly lookups?: Readonly<Record<string, (record: T) => string | undefined>>;
}

export function recordKind<T>(kind: RecordKind<T>): RecordKind<T> {
  return kind;
}

/** One kind's records in a store: key → record, as kept in the snapshot. */
export type StoredRecords = Record<string, unknown>;

/** The records of one kind, with their lookups; every put is a change the store writes before answering. */
export class RecordCollection<T> {
  readonly #lookups = new Map<string, Map<string, T>>();
  /** Each record's lookup values as last indexed, so a changed value stops finding it. */
  readonly #indexed = new Map<string, Record<string, string | undefined>>();

  constructor(
    readonly kind: RecordKind<T>,
    private readonly records: StoredRecords,
    private readonly changed: (key: string, record: T) => void,
  ) {
    for (const name of Object.keys(kind.lookups ?? {})) this.#lookups.set(name, new Map());
    for (const [key, record] of Object.entries(records)) this.#index(key, record as T);
  }

  #index(key: string, record: T): void {
    const before = this.#indexed.get(key) ?? {};
    const after: Record<string, string | undefined> = {};
    for (const [name, valueOf] of Object.entries(this.kind.lookups ?? {})) {
      const index = this.#lookups.get(name)!;
      if (before[name] !== undefined) index.delete(before[name]);
      const value = valueOf(record);
      if (value !== undefined) index.set(value, record);
      after[name] = value;
    }
    this.#indexed.set(key, after);
  }

  get(key: string): T | undefined {
    return this.records[key] as T | undefined;
  }

  /** The record `lookup` finds by `value`. */
  find(lookup: string, value: string): T | undefined {
    const index = this.#lookups.get(lookup);
    if (!index) throw new Error(`${this.kind.name} records have no lookup ${lookup}`);
    return index.get(value);
  }

  /** Every record of the kind, in the order they were first put. */
  all(): T[] {
    return Object.values(this.records) as T[];
  }

  /** Adds or replaces (after a change to it) a record. */
  put(record: T): void {
    const key = this.kind.key(record);
    this.set(key, record as unknown);
    this.changed(key, record);
  }

  /** A record already stored elsewhere (another replica's), put in place without a change. */
  set(key: string, record: unknown): void {
    this.records[key] = record;
    this.#index(key, record as T);
  }

  /** Forgets a record (a change no storage took). */
  delete(key: string): void {
    const indexed = this.#indexed.get(key) ?? {};
    for (const [name, value] of Object.entries(indexed)) if (value !== undefined) this.#lookups.get(name)?.delete(value);
    this.#indexed.delete(key);
    delete this.records[key];
  }
}
