/**
 * The last N requests the gateway answered, with their decoded parameters, what was answered and the
 * scenario rule that chose it, so that a test can assert "my client retried exactly twice". Bounded:
 * the oldest entries go first, and long values (face photos) are cut.
 */
import type { RuleReference } from '../scenarios/scenario-book.js';
import type { FaultKind } from '../scenarios/scenario-rules.js';

export interface JournalResponse {
  readonly http_status: number;
  readonly code?: string;
  readonly sub_code?: string;
  readonly sub_msg?: string;
  readonly detail?: string;
  readonly fault?: FaultKind;
  /** The response node as answered (before signing and any AES), for the console's detail view. */
  readonly node?: Readonly<Record<string, unknown>>;
}

export interface JournalEntry {
  readonly id: number;
  /** ISO 8601 time the request was answered. */
  readonly at: string;
  readonly http_method: string;
  readonly method?: string;
  readonly app_id?: string;
  /** The merchant app an ISV call acted for (its app_auth_token's auth_app_id). */
  readonly auth_app_id?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly response: JournalResponse;
  readonly rule?: RuleReference;
  readonly delay_ms?: number;
  /** Whether the request's signature was checked and held; absent when a check before it refused the request. */
  readonly signature?: 'verified' | 'refused';
  /** v1 (gateway.do) or v3 (OpenAPI v3). */
  readonly protocol: 'v1' | 'v3';
  /** Refused by the gateway's protocol checks (signature, app, parameters) before any method ran; `response.detail` says why. */
  readonly refused_at_protocol: boolean;
}

/** An entry as kept: with its instant, and its business parameters parsed for criteria. */
export type StoredEntry = JournalEntry & { readonly atMs: number; readonly business?: Readonly<Record<string, unknown>> };

export interface JournalFilter {
  method?: string;
  app_id?: string;
  /** Entries at or after this instant (epoch ms). */
  sinceMs?: number;
  /** Entries at or before this instant (epoch ms). */
  untilMs?: number;
}

/** Longer values are cut to this many characters, with a note of the full length. */
const MAX_VALUE_LENGTH = 2048;

function shortened(parameters: Readonly<Record<string, string>>): Record<string, string> {
  // A copy in an ordinary object rather than the decoded one: that has no prototype, so V8 keeps it
  // as a hash table, larger to hold a thousand of. for-in, not Object.entries: no array of pairs.
  const out: Record<string, string> = {};
  for (const name in parameters) {
    const value = parameters[name]!;
    const kept = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…(${value.length} characters)` : value;
    // A parameter named __proto__ is a name like any other: assigned, it would set the prototype instead.
    if (name === '__proto__') Object.defineProperty(out, name, { value: kept, enumerable: true, writable: true, configurable: true });
    else out[name] = kept;
  }
  return out;
}

export const DEFAULT_JOURNAL_CAPACITY = 1000;

const publicView = ({ atMs: _atMs, business: _business, ...entry }: StoredEntry): JournalEntry => entry;

/** Told of each entry as it is recorded (the console's live view). */
export type JournalListener = (entry: JournalEntry) => void;

/** An entry before it has its id. */
export type NewEntry = Omit<StoredEntry, 'id'>;

/**
 * Where replicas keep one journal together (a Redis stream): an entry recorded is sent there, and
 * comes back, with its id, to every replica's copy (`receive`).
 */
export type SharedJournal = (entry: NewEntry) => Promise<void>;

export class RequestJournal {
  #entries: StoredEntry[] = [];
  #nextId = 1;
  readonly #listeners = new Set<JournalListener>();
  #shared: SharedJournal | undefined;

  constructor(readonly capacity = DEFAULT_JOURNAL_CAPACITY) {}

  /** From now on entries are recorded where replicas share them, and kept here as they come back. */
  share(journal: SharedJournal): void {
    this.#shared = journal;
  }

  /** Shared: resolves once the entry is where every replica reads it. */
  record(entry: Omit<StoredEntry, 'id' | 'at'>): void | Promise<void> {
    if (this.capacity === 0) return;
    if (this.#shared) return this.#shared(this.entryOf(entry)!);
    const { atMs, parameters, ...rest } = entry;
    // Made with its id at once: an entry per request, copied no more than it must be.
    this.receive({ id: this.#nextId++, at: new Date(atMs).toISOString(), atMs, parameters: shortened(parameters), ...rest });
  }

  /**
   * The entry as a shared journal stores it, not recorded (undefined: this journal keeps none): for a
   * shared store that stores it with the request's commit, in the same call (SandboxStore.persist).
   */
  entryOf(entry: Omit<StoredEntry, 'id' | 'at'>): NewEntry | undefined {
    if (this.capacity === 0) return undefined;
    const { atMs, parameters, ...rest } = entry;
    return { at: new Date(atMs).toISOString(), atMs, parameters: shortened(parameters), ...rest };
  }

  /** An entry with its id: recorded here, or by a replica sharing the journal. */
  receive(stored: StoredEntry): void {
    this.#entries.push(stored);
    // Trimmed in batches: one copy per `capacity` requests instead of a shift per request.
    if (this.#entries.length >= this.capacity * 2) this.#entries = this.#entries.slice(-this.capacity);
    if (this.#listeners.size) {
      const entry = publicView(stored);
      for (const listener of this.#listeners) listener(entry);
    }
  }

  /** Whether anyone follows new entries (the console's live view). */
  get followed(): boolean {
    return this.#listeners.size > 0;
  }

  /** Calls `listener` with each new entry until the returned function is called. */
  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One kept entry by its id. */
  entry(id: number): JournalEntry | undefined {
    const found = this.#entries.slice(-this.capacity).find((e) => e.id === id);
    return found && publicView(found);
  }

  /** Oldest first, at most `capacity` entries. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    return this.matching(
      (e) =>
        (filter.method === undefined || e.method === filter.method) &&
        (filter.app_id === undefined || e.app_id === filter.app_id) &&
        (filter.sinceMs === undefined || e.atMs >= filter.sinceMs) &&
        (filter.untilMs === undefined || e.atMs <= filter.untilMs),
    );
  }

  /** The kept entries a predicate (request-criteria.ts) accepts, oldest first. */
  matching(predicate: (entry: StoredEntry) => boolean): JournalEntry[] {
    return this.#entries.slice(-this.capacity).filter(predicate).map(publicView);
  }

  clear(): void {
    this.#entries = [];
  }
}
