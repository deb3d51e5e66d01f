/**
 * Where the sandbox's state is kept between runs, behind one interface: the store keeps the records
 * in memory and decides when to write; a storage makes a write durable and gives it back at start.
 * In memory (nothing kept), lowdb files in the data folder (state-files.ts), and whatever a
 * deployment needs beside them (replicas sharing a server) implement it the same way.
 */
import type { JsonLines } from './json-lines.js';
import type { StoredRecords } from './record-collection.js';
import type { Authorization, Certification, MaterialCertification, Person } from './state-records.js';

/**
 * The whole state, as a snapshot holds it. Each list is the store's table (record-table.ts): iterate
 * it (or JSON.stringify it) for its records; a storage that writes JSON lines may take them from
 * `jsonLines()`, which gives records never parsed as the bytes they were read from.
 */
export interface StateSnapshot {
  version: 1;
  people: Iterable<Person>;
  authorizations: Iterable<Authorization>;
  certifications: Iterable<Certification>;
  material_certifications: Iterable<MaterialCertification>;
  /** The records methods declare themselves (record-collection.ts): kind → key → record. */
  records?: Record<string, StoredRecords>;
}

/** One change: the record as it now is (later changes to the same record win). */
export type StateChange =
  | { readonly person: Person }
  | { readonly grant: Authorization }
  | { readonly certification: Certification }
  | { readonly material: MaterialCertification }
  | { readonly record: { readonly kind: string; readonly key: string; readonly value: unknown } };

/**
 * What a retention sweep dropped: certifications by id, material certifications by app_id and
 * transaction_id. Logged as one line, so that a sweep costs an append, not the whole state written.
 */
export interface DroppedRecords {
  readonly certifications: readonly string[];
  readonly materials: readonly (readonly [appId: string, transactionId: string])[];
}

/** What a log holds: changes, and the records a sweep dropped (replicas share removals otherwise: shared-commits.ts). */
export type LoggedChange = StateChange | { readonly dropped: DroppedRecords };

/** The key that tells each kind of logged change apart, for readers of a change log. */
export const CHANGE_KINDS = ['person', 'grant', 'certification', 'material', 'record', 'dropped'] as const;

/** A snapshot as a storage gives it back: each list as records, or as the lines it read (json-lines.ts). */
export interface LoadedSnapshot {
  version: 1;
  people: Person[] | JsonLines;
  authorizations: Authorization[] | JsonLines;
  certifications: Certification[] | JsonLines;
  material_certifications: MaterialCertification[] | JsonLines;
  records?: Record<string, StoredRecords>;
}

export interface StoredState {
  /** The last whole state written, or undefined when there is none yet. */
  readonly snapshot: LoadedSnapshot | undefined;
  /** The changes made durable after it, oldest first. */
  readonly changes: readonly LoggedChange[];
}

export interface StateStorage {
  /** Where the state is kept, for messages ("memory", a folder). */
  readonly where: string;
  load(): Promise<StoredState>;
  /**
   * Makes these changes durable; resolves only once they are. `whole` gives the state as it now is,
   * for a storage that finds it has lost what it held (a removed folder) and must write it all again.
   */
  append(changes: readonly LoggedChange[], whole: () => StateSnapshot): Promise<void>;
  /** Replaces what is kept with this whole state, durably (the changes before it are dropped). */
  replace(snapshot: StateSnapshot): Promise<void>;
  /**
   * Compaction without stopping the writes (a storage may lack it; then compaction is a replace):
   * `beginCompaction` sends later appends to a new segment of the log; `writeSnapshot` writes the whole
   * state while appends go on; `endCompaction` drops the segments the snapshot made redundant. The
   * store runs `endCompaction` between two appends. Until it has run, loading replays every segment
   * over the snapshot, in order, which gives the same state whichever snapshot is on disk.
   */
  beginCompaction?(): void;
  writeSnapshot?(snapshot: StateSnapshot): Promise<void>;
  endCompaction?(): Promise<void>;
}

/** Nothing kept: `--in-memory`, the msw and undici sandboxes. */
export class MemoryStateStorage implements StateStorage {
  readonly where = 'memory';

  async load(): Promise<StoredState> {
    return { snapshot: undefined, changes: [] };
  }

  async append(): Promise<void> {}

  async replace(): Promise<void> {}
}
