/**
 * How a replica keeps up with the others: every change any replica commits (state, apps, app
 * scenarios, the clock, a reset) is an entry of one Redis stream, and before a request reads
 * anything the replica applies the entries it has not seen yet. So a change acknowledged by replica
 * A is seen by a request that reaches replica B after it: one stream read per request, shared by
 * the requests that arrive while one is under way.
 */
import { RedisScript, type RedisConnection } from './redis-connection.js';
import { CHANGE_STREAM_LENGTH } from './redis-writes.js';

/** What a replica does with one entry of a type: its id and its fields (name, value, name, value…). */
export type ChangeHandler = (id: string, fields: readonly string[]) => void | Promise<void>;

/** Entries read per stream request. */
const READ_COUNT = 500;

/**
 * KEYS changes, target; ARGV cap, entry type, operation (hset, hdel, set, del), field, value.
 * Writes a control's value where it is kept and tells the replicas, in one step.
 */
const PUBLISH = new RedisScript(`
local op = ARGV[3]
if op == 'hset' then redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
elseif op == 'hdel' then redis.call('HDEL', KEYS[2], ARGV[4])
elseif op == 'set' then redis.call('SET', KEYS[2], ARGV[5])
elseif op == 'del' then redis.call('DEL', KEYS[2]) end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[2], 'field', ARGV[4], 'value', ARGV[5])`);

export type PublishOperation = 'hset' | 'hdel' | 'set' | 'del';

/** A published control entry's field and value. */
export function publishedValue(fields: readonly string[]): { field: string; value: string } {
  let field = '';
  let value = '';
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === 'field') field = fields[i + 1]!;
    else if (fields[i] === 'value') value = fields[i + 1]!;
  }
  return { field, value };
}

/**
 * A read that callers share: a call while one runs waits for the next (the running one may have
 * started before the caller's change was written), and every call waiting meanwhile shares that one.
 */
export function coalesced(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (!running) {
      running = read().finally(() => (running = undefined));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
  return start;
}

export class ReplicaLink {
  readonly #redis: RedisConnection;
  readonly #changes: string;
  #position: string;
  readonly #handlers = new Map<string, ChangeHandler>();
  readonly #before: (() => Promise<void>)[] = [];
  readonly #resyncs: (() => Promise<void>)[] = [];
  readonly #reads = coalesced(() => this.#read());

  private constructor(redis: RedisConnection, position: string) {
    this.#redis = redis;
    this.#changes = redis.key('changes');
    this.#position = position;
  }

  /**
   * Notes where the stream ends now, before anything is loaded: what is committed while the replica
   * loads is then read again, and applying a change it already holds changes nothing.
   */
  static async open(redis: RedisConnection): Promise<ReplicaLink> {
    const newest = (await redis.sendCommand(['XREVRANGE', redis.key('changes'), '+', '-', 'COUNT', '1'])) as [string, string[]][];
    return new ReplicaLink(redis, newest[0]?.[0] ?? '0-0');
  }

  get redis(): RedisConnection {
    return this.#redis;
  }

  /** Entries of `type` go to `handler`, in stream order. */
  handle(type: string, handler: ChangeHandler): void {
    this.#handlers.set(type, handler);
  }

  /** Runs before each read of the stream (the store reading again the records of a failed commit). */
  beforeEachCatchUp(task: () => Promise<void>): void {
    this.#before.push(task);
  }

  /**
   * What reloads a part whole, for a replica that fell behind the start of the stream (Redis trims
   * it past CHANGE_STREAM_LENGTH entries): the entries it missed are gone, what they wrote is not.
   */
  onResync(task: () => Promise<void>): void {
    this.#resyncs.push(task);
  }

  /** Resolves once every entry committed before the call is applied. */
  catchUp(): Promise<void> {
    return this.#reads();
  }

  async #read(): Promise<void> {
    for (const task of this.#before) await task();
    for (;;) {
      const entries = (await this.#redis.sendCommand(['XRANGE', this.#changes, `(${this.#position}`, '+', 'COUNT', String(READ_COUNT)])) as [string, string[]][];
      // Far behind (a full page), and what comes next is the oldest entry kept: some may be gone.
      if (entries.length === READ_COUNT && (await this.#oldest()) === entries[0]![0]) return this.#resync();
      for (const [id, fields] of entries) {
        const type = fields[1];
        const handler = type === undefined ? undefined : this.#handlers.get(type);
        if (handler) await handler(id, fields);
        this.#position = id;
      }
      if (entries.length < READ_COUNT) return;
    }
  }

  async #oldest(): Promise<string | undefined> {
    const [oldest] = (await this.#redis.sendCommand(['XRANGE', this.#changes, '-', '+', 'COUNT', '1'])) as [string, string[]][];
    return oldest?.[0];
  }

  /** Reloads every part whole, then follows the stream from where it ends now. */
  async #resync(): Promise<void> {
    const [newest] = (await this.#redis.sendCommand(['XREVRANGE', this.#changes, '+', '-', 'COUNT', '1'])) as [string, string[]][];
    for (const task of this.#resyncs) await task();
    if (newest) this.#position = newest[0];
  }

  /** Writes a control (an app, an app's scenario, the clock) and its entry in one step. */
  async publish(type: string, target: string, operation: PublishOperation, field = '', value = ''): Promise<void> {
    await PUBLISH.run(this.#redis, [this.#changes, this.#redis.key(target)], [String(CHANGE_STREAM_LENGTH), type, operation, field, value]);
  }
}
