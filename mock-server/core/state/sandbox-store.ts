/**
 * What the sandbox remembers between calls, as Alipay would: the people it knows, the authorizations
 * they granted, and the certifications merchants started. Reads and writes go to memory; a storage
 * (state-storage.ts: memory, or the data folder's lowdb files) keeps them: each batch of changes is
 * appended, and every 10,000 changes (a tenth of the records, in a larger state) a whole snapshot
 * replaces the log. Requests that change state wait for the next write before they are answered, so
 * an acknowledged grant is durable, and writes are batched: concurrent requests share one write
 * rather than queueing behind each other's. A write
 * that fails keeps its changes pending: the next request writes them before it is answered, so
 * nothing is acknowledged that is not stored. A storage replicas share (Redis: shared-state.ts)
 * instead takes each request's changes as one commit, checked against what the other replicas wrote.
 * Each list is a table (record-table.ts) with its lookups; records a snapshot gave back as lines are
 * parsed when first used.
 */
import { RecordCollection, type RecordKind } from './record-collection.js';
import { RecordTable, type TableLookups } from './record-table.js';
import { SharedCommits, type StoreMemory } from './shared-commits.js';
import { isSharedStorage, recordName as sharedRecordName, type PromisedEntry, type SharedBatch } from './shared-state.js';
import type { Authorization, Certification, CertificationKind, MaterialCertification, Person } from './state-records.js';
import type { DroppedRecords, LoadedSnapshot, LoggedChange, StateChange, StateSnapshot, StateStorage } from './state-storage.js';

export type { Authorization, Certification, CertificationKind, CertificationStatus, MaterialCertification, Person } from './state-records.js';

/** How each list's records are found (record-table.ts): a person by cert_no or user id, a certification by certify_id or biz_no and by its order. */
const PERSON_LOOKUPS: TableLookups<Person, 'cert_no' | 'user_id'> = { cert_no: ['cert_no'], user_id: ['user_id'] };
const GRANT_LOOKUPS: TableLookups<Authorization, 'grant'> = { grant: ['app_id', 'cert_no'] };
const CERTIFICATION_LOOKUPS: TableLookups<Certification, 'id' | 'order'> = { id: ['id'], order: ['kind', 'app_id', 'order_no'] };
const MATERIAL_LOOKUPS: TableLookups<MaterialCertification, 'material'> = { material: ['app_id', 'transaction_id'] };

/** The state in memory: a snapshot whose lists are tables, their records parsed when first used. */
type StateFile = Omit<StateSnapshot, 'people' | 'authorizations' | 'certifications' | 'material_certifications'> & {
  people: RecordTable<Person, 'cert_no' | 'user_id'>;
  authorizations: RecordTable<Authorization, 'grant'>;
  certifications: RecordTable<Certification, 'id' | 'order'>;
  material_certifications: RecordTable<MaterialCertification, 'material'>;
};

const certificationTable = (certifications: LoadedSnapshot['certifications']) => RecordTable.of(CERTIFICATION_LOOKUPS, certifications);

/** A loaded snapshot (lists, or the lines a file held), as the store keeps it. */
function stateOf(snapshot: LoadedSnapshot): StateFile {
  return {
    ...snapshot,
    people: RecordTable.of(PERSON_LOOKUPS, snapshot.people),
    authorizations: RecordTable.of(GRANT_LOOKUPS, snapshot.authorizations),
    certifications: certificationTable(snapshot.certifications),
    material_certifications: RecordTable.of(MATERIAL_LOOKUPS, snapshot.material_certifications),
  };
}

const emptyState = (people: Person[] = []): StateFile => stateOf({ version: 1, people, authorizations: [], certifications: [], material_certifications: [], records: {} });

type Change = StateChange;

/** Changes the log may hold before the snapshot is rewritten and the log emptied (at least). */
const COMPACT_AFTER = 10_000;
/**
 * Past COMPACT_AFTER, the log may hold a change per this many records: a snapshot costs what the
 * state holds, so at a million records a fixed threshold would rewrite 350 MB every 10,000 changes
 * and keep the main thread serialising. Proportional, each change pays for a bounded share of one.
 */
const RECORDS_PER_LOGGED_CHANGE = 10;

/** Makes `target` hold what `source` holds, in place: fields it lacks go too (a fail_reason undone). */
function replaceFields<T extends object>(target: T, source: T): void {
  for (const field of Object.keys(target)) if (!(field in source)) delete (target as Record<string, unknown>)[field];
  Object.assign(target, source);
}

/**
 * Applies logged changes over a snapshot, each through its table's lookup: a later change to the
 * same record wins, in its place (a person, whose user id may change, goes to the end, as when put).
 */
function replay(data: StateFile, changes: readonly LoggedChange[]): void {
  for (const change of changes) {
    if ('dropped' in change) forgetDropped(data, change.dropped);
    else if ('person' in change) putPerson(data.people, change.person);
    else if ('grant' in change) upsert(data.authorizations, change.grant, 'grant', change.grant.app_id, change.grant.cert_no);
    else if ('certification' in change) upsert(data.certifications, change.certification, 'id', change.certification.id);
    else if ('material' in change) upsert(data.material_certifications, change.material, 'material', change.material.app_id, change.material.transaction_id);
    else ((data.records ??= {})[change.record.kind] ??= {})[change.record.key] = change.record.value;
  }
}

/** A record as it now stands: the one with its key changed in place (the table and callers hold it), or added. */
function upsert<T extends object, L extends string>(table: RecordTable<T, L>, record: T, lookup: L, ...key: string[]): void {
  const earlier = table.find(lookup, ...key);
  if (earlier) replaceFields(earlier, record);
  else table.add({ ...record });
}

/** A change of records: what a shared storage commits (a sweep's drops reach it as removals, dropOlderThan). */
const isRecordChange = (change: LoggedChange): change is StateChange => !('dropped' in change);

/** What a retention sweep dropped, dropped again (a record the log has since given again stays gone too). */
function forgetDropped(data: StateFile, dropped: DroppedRecords): void {
  for (const id of dropped.certifications) data.certifications.delete('id', id);
  for (const [appId, transactionId] of dropped.materials) data.material_certifications.delete('material', appId, transactionId);
}

/** Adds or replaces the person with this cert_no; a replaced one leaves its place (and its user id). */
function putPerson(people: StateFile['people'], person: Person): void {
  people.delete('cert_no', person.cert_no);
  people.add(person);
}

export class SandboxStore {
  #data: StateFile;
  readonly #storage: StateStorage;
  #collections = new Map<string, RecordCollection<unknown>>();
  #dirty = false;
  #batch: Promise<void> | undefined;
  #writes: Promise<void> = Promise.resolve();
  /** Changes since the last write, for the change log. */
  #pending: LoggedChange[] = [];
  #snapshotNeeded = false;
  /** Changes the storage holds since its last whole snapshot. */
  #logged: number;
  /** A compaction is under way (from its start to its end between two appends). */
  #compacting = false;
  /** The snapshot a compaction is writing, settled when written or failed. */
  #snapshotWriting: Promise<void> = Promise.resolve();
  readonly #compactAfter: number;
  /** A storage other replicas share (shared-state.ts): each commit is checked against what they wrote. */
  readonly #shared: SharedCommits | undefined;

  private constructor(data: StateFile, storage: StateStorage, logged: number, compactAfter: number) {
    this.#data = data;
    this.#storage = storage;
    this.#shared = isSharedStorage(storage) ? new SharedCommits(storage, this.#memory()) : undefined;
    this.#logged = logged;
    this.#compactAfter = compactAfter;
    this.#index();
  }

  /**
   * Opens the state a storage keeps (memory, the data folder's files: state-storage.ts); a new store
   * starts with the fixture people. A storage that cannot keep state refuses here (the data folder's
   * DataDirError, CorruptStateError), not on the first acknowledged write.
   */
  static async open(options: { storage: StateStorage; compactAfter?: number }, fixturePeople: readonly Person[]): Promise<SandboxStore> {
    if (isSharedStorage(options.storage)) {
      const store = new SandboxStore(emptyState(), options.storage, 0, COMPACT_AFTER);
      await store.#shared!.load(emptyState([...fixturePeople]));
      return store;
    }
    const stored = await options.storage.load();
    const data = stored.snapshot ? stateOf(stored.snapshot) : emptyState([...fixturePeople]);
    replay(data, stored.changes);
    return new SandboxStore(data, options.storage, stored.changes.length, options.compactAfter ?? COMPACT_AFTER);
  }

  /** After the state was replaced: the lists index themselves; method records' collections are built again on first use. */
  #index(): void {
    this.#data.records ??= {};
    this.#collections = new Map();
  }

  #changed(change?: LoggedChange): void {
    this.#dirty = true;
    if (change) this.#pending.push(change);
    else this.#snapshotNeeded = true;
  }

  // People

  person(certNo: string): Person | undefined {
    return this.#data.people.find('cert_no', certNo.toUpperCase());
  }

  personByUserId(userId: string): Person | undefined {
    return this.#data.people.find('user_id', userId);
  }

  people(): readonly Person[] {
    return this.#data.people.all();
  }

  /** Adds or replaces the person with this cert_no. */
  addPerson(person: Person): void {
    putPerson(this.#data.people, person);
    this.#changed({ person });
  }

  // Authorizations

  authorization(appId: string, certNo: string): Authorization | undefined {
    return this.#data.authorizations.find('grant', appId, certNo.toUpperCase());
  }

  grant(authorization: Authorization): void {
    if (this.#data.authorizations.find('grant', authorization.app_id, authorization.cert_no)) return;
    this.#data.authorizations.add(authorization);
    this.#changed({ grant: authorization });
  }

  // Certifications

  certification(id: string): Certification | undefined {
    return this.#data.certifications.find('id', id);
  }

  /** Every certification, oldest first. */
  certifications(): readonly Certification[] {
    return this.#data.certifications.all();
  }

  certificationForOrder(kind: CertificationKind, appId: string, orderNo: string): Certification | undefined {
    return this.#data.certifications.find('order', kind, appId, orderNo);
  }

  addCertification(certification: Certification): void {
    this.#data.certifications.add(certification);
    this.#changed({ certification });
  }

  updateCertification(certification: Certification, change: Partial<Pick<Certification, 'status' | 'fail_reason' | 'completed_at_ms' | 'return_url'>>): void {
    Object.assign(certification, change);
    this.#changed({ certification });
  }

  materialCertification(appId: string, transactionId: string): MaterialCertification | undefined {
    return this.#data.material_certifications.find('material', appId, transactionId);
  }

  addMaterialCertification(record: MaterialCertification): void {
    this.#data.material_certifications.add(record);
    this.#changed({ material: record });
  }

  // Records a method declares itself (record-collection.ts)

  /** The records of a kind a method declared: kept, logged and replayed as the store's own are. */
  records<T>(kind: RecordKind<T>): RecordCollection<T> {
    let collection = this.#collections.get(kind.name) as RecordCollection<T> | undefined;
    if (!collection) {
      const stored = (this.#data.records![kind.name] ??= {});
      collection = new RecordCollection(kind, stored, (key, value) => this.#changed({ record: { kind: kind.name, key, value } }));
      this.#collections.set(kind.name, collection as RecordCollection<unknown>);
    }
    return collection;
  }

  /** Forgets authorizations, certifications and the people first seen granting; fixture and admin people stay. */
  reset(): void {
    this.#data = emptyState(this.#data.people.all().filter((p) => p.source !== 'authorization'));
    this.#index();
    this.#changed();
  }

  /**
   * Forgets the query data older than `cutoffMs` on the business clock: certifications started before
   * it (both flows) and material certifications made before it, so that a long-running sandbox does
   * not grow without bound. The removal is logged as one change, the ids dropped (shared: as
   * removals, each checked). Answers how many were dropped.
   */
  dropOlderThan(cutoffMs: number): number {
    const data = this.#data;
    const certifications = data.certifications.withoutBelow('created_at_ms', cutoffMs);
    const materials = data.material_certifications.withoutBelow('certified_at_ms', cutoffMs);
    const dropped = certifications.removed.length + materials.removed.length;
    if (dropped === 0) return 0;
    // Shared, each removal is a commit checked like any change: a whole-state replace would wipe what
    // another replica committed meanwhile.
    this.#shared?.remove([...certifications.removed.map((certification) => ({ certification })), ...materials.removed.map((material) => ({ material }))]);
    this.#data = { ...data, certifications: certifications.kept, material_certifications: materials.kept };
    this.#index();
    if (this.#shared) this.#dirty = true;
    // An append, not the whole state written again: a sweep drops minutes' worth of a month.
    else this.#changed({ dropped: { certifications: certifications.removed.map(({ id }) => id), materials: materials.removed.map(({ app_id, transaction_id }) => [app_id, transaction_id] as const) } });
    return dropped;
  }

  // Shared with other replicas (shared-commits.ts)

  /** What the shared commits may do to this store's memory. */
  #memory(): StoreMemory {
    return {
      apply: (change) => this.#apply(change),
      forget: (keys) => this.#forget(keys),
      replaceWith: (changes) => {
        const data = emptyState();
        replay(data, changes);
        // The storage keeps no order; certifications list oldest first.
        data.certifications = certificationTable(data.certifications.all().sort((a, b) => a.created_at_ms - b.created_at_ms));
        this.#data = data;
        this.#index();
      },
      whole: () => this.#data,
    };
  }

  /** Before a request: records whose shared commit was never answered, read again (throws while unreachable). */
  async refreshStale(): Promise<void> {
    await this.#shared?.refreshStale();
  }

  /** A batch another replica (or this one) committed, from the shared storage's stream. */
  applyShared(batch: SharedBatch): void {
    this.#shared?.apply(batch);
  }

  /** After a reset on any replica, or a fall behind its stream: the whole shared state again. */
  async reloadShared(): Promise<void> {
    await this.#shared?.reload();
  }

  /** A change as it now stands, put in memory without a write (it is already stored). */
  #apply(change: Change): void {
    const data = this.#data;
    if ('person' in change) return putPerson(data.people, change.person);
    // Another replica's grant or material replaces this one's, whole.
    if ('grant' in change) {
      data.authorizations.delete('grant', change.grant.app_id, change.grant.cert_no);
      return data.authorizations.add(change.grant);
    }
    if ('certification' in change) return upsert(data.certifications, change.certification, 'id', change.certification.id);
    if ('material' in change) {
      data.material_certifications.delete('material', change.material.app_id, change.material.transaction_id);
      return data.material_certifications.add(change.material);
    }
    const { kind, key: recordName, value } = change.record;
    const collection = this.#collections.get(kind);
    if (collection) collection.set(recordName, value);
    else (data.records![kind] ??= {})[recordName] = value;
  }

  /** Removes the records keys name from memory (a change no storage took, or removed by another replica). */
  #forget(recordNames: Iterable<string>): void {
    const data = this.#data;
    for (const recordName of recordNames) {
      const [kind, ...parts] = sharedRecordName(recordName).split('\u0000');
      if (kind === 'person') data.people.delete('cert_no', parts[0]!);
      else if (kind === 'grant') data.authorizations.delete('grant', parts[0]!, parts[1]!);
      else if (kind === 'certification') data.certifications.delete('id', parts[0]!);
      else if (kind === 'material') data.material_certifications.delete('material', parts[0]!, parts[1]!);
      else if (kind === 'record') {
        const [recordKind, name] = [parts[0]!, parts.slice(1).join('\u0000')];
        const collection = this.#collections.get(recordKind);
        if (collection) collection.delete(name);
        else delete data.records?.[recordKind]?.[name];
      }
    }
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** Whether `persist` can store a request's journal entry with its changes (a store shared with other replicas). */
  get storesEntries(): boolean {
    return this.#shared !== undefined;
  }

  /**
   * Resolves once every change made so far is on disk. Calls made while a write is running share
   * the next one. Shared, `entry` (the request's journal entry) is stored in the same call as the
   * commit, which waits for it; resolves true when it was (otherwise the caller records it).
   */
  persist(entry?: PromisedEntry): Promise<boolean | void> {
    if (this.#shared) {
      // Each call commits its own changes: the replicas' storage orders them, and refuses conflicts.
      const changes = this.#pending;
      const whole = this.#snapshotNeeded;
      this.#pending = [];
      this.#snapshotNeeded = false;
      this.#dirty = false;
      return this.#shared.commit(changes.filter(isRecordChange), whole, entry);
    }
    if (this.#batch) return this.#batch;
    const batch = this.#writes.then(async () => {
      this.#batch = undefined;
      this.#dirty = false;
      const changes = this.#pending;
      const snapshot = this.#snapshotNeeded;
      this.#pending = [];
      this.#snapshotNeeded = false;
      try {
        await this.#write(changes, snapshot);
      } catch (error) {
        // Not on disk, so not done: the changes stay pending (before any made since) and the next
        // request that is answered writes them first. Dropping them here would let a retry be
        // acknowledged with 10000 while its change was never written.
        this.#pending = [...changes, ...this.#pending];
        // The next write is a whole snapshot: a failed append may have left part of a line, and a
        // removed folder has lost the old snapshot. Until one succeeds nothing is appended after it.
        this.#snapshotNeeded = true;
        this.#dirty = true;
        throw error;
      }
    });
    this.#batch = batch;
    this.#writes = batch.catch(() => undefined);
    return batch;
  }

  async #write(changes: readonly LoggedChange[], snapshot: boolean): Promise<void> {
    const storage = this.#storage;
    const background = storage.beginCompaction && storage.writeSnapshot && storage.endCompaction;
    if (snapshot || (!background && this.#compactionDue(this.#logged + changes.length))) {
      // A reset or a storage that cannot compact aside: the whole state, in line.
      await this.#snapshotWriting;
      await storage.replace(this.#data);
      this.#logged = 0;
      return;
    }
    await storage.append(changes, () => this.#data);
    this.#logged += changes.length;
    // After the append: the snapshot then holds all the old segment does, and the new one starts empty.
    if (background && !this.#compacting && this.#compactionDue(this.#logged)) this.#compactAside();
  }

  #compactionDue(logged: number): boolean {
    if (logged <= this.#compactAfter) return false;
    const data = this.#data;
    const records = data.people.length + data.authorizations.length + data.certifications.length + data.material_certifications.length;
    return logged > records / RECORDS_PER_LOGGED_CHANGE;
  }

  /**
   * Compaction beside the writes: later appends go to a new segment while the snapshot is written
   * (in slices, so the event loop runs), and the old segment is dropped between two appends. Answers
   * wait for their own append only, never for the snapshot. A snapshot that fails acknowledges nothing
   * and loses nothing: the segments stay (and replay at start), and the next compaction tries again.
   */
  #compactAside(): void {
    const storage = this.#storage as Required<StateStorage>;
    this.#compacting = true;
    this.#logged = 0;
    storage.beginCompaction();
    const writing = storage.writeSnapshot(this.#data);
    this.#snapshotWriting = writing.catch(() => undefined);
    void writing.then(
      () => this.#inWriteOrder(() => storage.endCompaction()).finally(() => (this.#compacting = false)),
      () => (this.#compacting = false),
    );
  }

  /** Settles once no write and no compaction is under way (what tests of the files wait for). */
  async idle(): Promise<void> {
    do {
      await this.#snapshotWriting;
      await this.#writes;
    } while (this.#compacting);
  }

  /** Runs a task between two batches of the write chain. */
  #inWriteOrder(task: () => Promise<void>): Promise<void> {
    const run = this.#writes.then(task);
    this.#writes = run.catch(() => undefined);
    return run.catch(() => undefined);
  }
}
