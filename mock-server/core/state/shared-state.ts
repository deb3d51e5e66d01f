/**
 * State shared by several sandbox processes (replicas behind a load balancer, `--workers N`): one
 * storage (Redis) holds every record with its version, and each replica keeps a copy in memory for
 * the request path, brought up to date before each request from the storage's stream of committed
 * changes. A replica's change is committed only if the records it read are still the versions it
 * read (optimistic concurrency, per record): two replicas starting the same order at the same moment
 * make one certification, and the loser runs its request again over the winner's.
 */
import type { StateChange, StateSnapshot, StateStorage } from './state-storage.js';

/** A record's version: the id of the stream entry that last wrote it; NO_VERSION while it does not exist. */
export type Version = string;
export const NO_VERSION: Version = '0';

/** One record as the shared storage holds it. */
export interface SharedRecord {
  readonly key: string;
  readonly version: Version;
  readonly change: StateChange;
}

/** A unique value a record holds (a certification's order): its version, and the record that holds it. */
export interface SharedClaim {
  readonly key: string;
  readonly version: Version;
  readonly owner: string;
}

/** One committed batch, as the stream of changes gives it to every replica. */
export interface SharedBatch {
  readonly version: Version;
  readonly records: readonly { readonly key: string; readonly change: StateChange }[];
  readonly claims: readonly { readonly key: string; readonly owner: string }[];
  /** Records (and claims) removed: retention. */
  readonly removed: readonly string[];
}

/** What a replica commits: each record with the version it read, each claim with the version it saw. */
export interface SharedCommit {
  readonly records: readonly { readonly key: string; readonly expected: Version; readonly change: StateChange }[];
  readonly claims: readonly { readonly key: string; readonly expected: Version; readonly owner: string }[];
  /** Records and claims to remove, each at the version this replica read (a record changed since stays). */
  readonly removals: readonly { readonly key: string; readonly expected: Version }[];
}

/**
 * `versions`: where the storage keeps a commit's keys in parts with versions of their own (a Redis
 * Cluster's tags), the version each key got; the others got `version`. `journalled`: the request's
 * journal entry, given with the commit, was stored with it (otherwise its caller records it).
 */
export type CommitResult =
  | { readonly committed: true; readonly version: Version; readonly versions?: ReadonlyMap<string, Version>; readonly journalled?: true }
  | { readonly committed: false; readonly conflicts: readonly string[] };

/**
 * What the storage reads of a request's journal entry it carries (core/journal's NewEntry, which the
 * storage stores whole as JSON): whose it is, for a cluster's tag. The journal sits above the state
 * (its entries name scenario rules), so the state names only these fields.
 */
export interface CarriedEntry {
  readonly app_id?: string;
  readonly signature?: 'verified' | 'refused';
}

/**
 * A request's journal entry, promised to its commit before the answer it describes is made (undefined:
 * none to store). The storage holds the commit until it settles, then stores the two in one call, the
 * entry only if the commit holds: a request whose commit is refused runs again and answers anew.
 */
export type PromisedEntry = Promise<CarriedEntry | undefined>;

/** The whole shared state, as loaded at start and after a reset. */
export interface SharedState {
  readonly records: readonly SharedRecord[];
  readonly claims: readonly SharedClaim[];
}

export interface SharedStateStorage extends StateStorage {
  readonly shared: true;
  /**
   * The whole state. With `initial`, a storage never written gets it first (once, whichever replica
   * comes first); a reload gives none.
   */
  loadShared(initial?: StateSnapshot): Promise<SharedState>;
  /** `entry`: the request's journal entry, stored with the commit where the storage can (see `journalled`). */
  commit(commit: SharedCommit, entry?: PromisedEntry): Promise<CommitResult>;
  /** The records and claims these keys name, as now stored (absent: not stored), to undo a refused commit. */
  current(keys: readonly string[]): Promise<SharedState>;
}

export function isSharedStorage(storage: StateStorage): storage is SharedStateStorage {
  return (storage as Partial<SharedStateStorage>).shared === true;
}

/** Two replicas changed the same record: the request runs again over what the other committed. */
export class StateConflictError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`another replica changed ${keys.join(', ')} first`);
  }
}

/** The shared storage cannot be reached: nothing was committed, and callers get isp.unknow-error. */
export class StateUnavailableError extends Error {}

const SEPARATOR = '\u0000';
/**
 * Ends the key of a record whose own key does not name its app (a certification, a method's record
 * with an app_id), followed by the app: a storage that keeps each app's records apart (a Redis
 * Cluster's hash tags) finds a record's app from its key alone.
 */
const APP_MARK = '\u0001';

/** The app a method's record belongs to: its app_id, when it has one. */
function recordApp(value: unknown): string | undefined {
  const appId = (value as { app_id?: unknown } | null)?.app_id;
  return typeof appId === 'string' ? appId : undefined;
}

const ofApp = (key: string, appId: string | undefined): string => (appId === undefined ? key : key + APP_MARK + appId);

/** The key of the record a change writes. */
export function recordKey(change: StateChange): string {
  if ('person' in change) return ['person', change.person.cert_no].join(SEPARATOR);
  if ('grant' in change) return ['grant', change.grant.app_id, change.grant.cert_no].join(SEPARATOR);
  if ('certification' in change) return ofApp(['certification', change.certification.id].join(SEPARATOR), change.certification.app_id);
  if ('material' in change) return ['material', change.material.app_id, change.material.transaction_id].join(SEPARATOR);
  return ofApp(['record', change.record.kind, change.record.key].join(SEPARATOR), recordApp(change.record.value));
}

/** A key without the app it may end with: the record's kind and name, separated by NUL. */
export function recordName(key: string): string {
  const mark = key.lastIndexOf(APP_MARK);
  return mark < 0 ? key : key.slice(0, mark);
}

/**
 * The app whose state a record or claim key belongs to (grants, certifications, materials, orders,
 * method records with an app_id); undefined for what every app shares (people, records of no app).
 */
export function appOfKey(key: string): string | undefined {
  const mark = key.lastIndexOf(APP_MARK);
  if (mark >= 0) return key.slice(mark + 1);
  const parts = key.split(SEPARATOR);
  if (parts[0] === 'grant' || parts[0] === 'material') return parts[1];
  if (parts[0] === 'order') return parts[2];
  return undefined;
}

/** The unique values a change's record claims: a certification is the only one of its order. */
export function claimKeys(change: StateChange): string[] {
  if (!('certification' in change)) return [];
  const { kind, app_id, order_no } = change.certification;
  return [['order', kind, app_id, order_no].join(SEPARATOR)];
}

export function isClaimKey(key: string): boolean {
  return key.startsWith(`order${SEPARATOR}`);
}

/** Orders two versions (stream ids `ms-seq`): negative when `a` is older. */
export function compareVersions(a: Version, b: Version): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}
