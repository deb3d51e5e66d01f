/**
 * How a replica keeps up with the others: every change any replica commits (state, apps, app
 * scenarios, the clock, a reset) is an entry of a Redis stream, and before a request reads
 * anything the replica applies the entries it has not seen yet. So a change acknowledged by replica
 * A is seen by a request that reaches replica B after it: one stream read per request, shared by
 * the requests that arrive while one is under way. On one Redis that is one stream; on a Redis
 * Cluster, one per tag (the shared one, and each app's: app-tags.ts), read together.
 */
import { AppTags, CHANGE_STREAM_LENGTH } from './app-tags.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';

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
  readonly #tags: AppTags;
  /** Where this replica is in each change stream it follows (the shared tag's, then each app tag's), by the stream's key. */
  readonly #positions: Map<string, string>;
  readonly #handlers = new Map<string, ChangeHandler>();
  readonly #before: (() => Promise<void>)[] = [];
  readonly #resyncs: (() => Promise<void>)[] = [];
  readonly #reads = coalesced(() => this.#read());

  private constructor(redis: RedisConnection, tags: AppTags, positions: Map<string, string>) {
    this.#redis = redis;
    this.#tags = tags;
    this.#positions = positions;
  }

  /**
   * Notes where each stream ends now, before anything is loaded: what is committed while the replica
   * loads is then read again, and applying a change it already holds changes nothing. The shared
   * stream's end is noted before the tags are listed: a tag announced after that is read from its start.
   */
  static async open(redis: RedisConnection, tags = new AppTags(redis)): Promise<ReplicaLink> {
    const shared = redis.key('changes');
    const positions = new Map([[shared, await newestOf(redis, shared)]]);
    const streams = (await tags.prefixes()).map((prefix) => `${prefix}changes`).filter((stream) => stream !== shared);
    for (const [i, position] of (await Promise.all(streams.map((stream) => newestOf(redis, stream)))).entries()) positions.set(streams[i]!, position);
    return new ReplicaLink(redis, tags, positions);
  }

  get redis(): RedisConnection {
    return this.#redis;
  }

  get tags(): AppTags {
    return this.#tags;
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

  /**
   * Every stream followed, read at once (one round trip, a command per shard's streams); the streams
   * of app tags announced meanwhile (an entry of the shared one) then from their start.
   */
  async #read(): Promise<void> {
    for (const task of this.#before) await task();
    for (let streams = [...this.#positions.keys()]; streams.length > 0; ) {
      const known = new Set(this.#positions.keys());
      if ((await Promise.all(streams.map((stream) => this.#readStream(stream)))).includes('resync')) return this.#resync();
      streams = [...this.#positions.keys()].filter((stream) => !known.has(stream));
    }
  }

  /** One stream's entries after this replica's position, applied; 'resync' when some are gone. */
  async #readStream(stream: string): Promise<'read' | 'resync'> {
    for (;;) {
      const entries = (await this.#redis.sendCommand(['XRANGE', stream, `(${this.#positions.get(stream)}`, '+', 'COUNT', String(READ_COUNT)])) as [string, string[]][];
      // Far behind (a full page), and what comes next is the oldest entry kept: some may be gone.
      if (entries.length === READ_COUNT && (await this.#oldest(stream)) === entries[0]![0]) return 'resync';
      for (const [id, fields] of entries) {
        await this.#apply(id, fields);
        this.#positions.set(stream, id);
      }
      if (entries.length < READ_COUNT) return 'read';
    }
  }

  async #apply(id: string, fields: readonly string[]): Promise<void> {
    const type = fields[1];
    // An app's tag announced: its stream is followed from its start.
    if (type === 'tag') return this.#follow(publishedValue(fields).field);
    const handler = type === undefined ? undefined : this.#handlers.get(type);
    if (handler) await handler(id, fields);
  }

  #follow(appId: string): void {
    this.#tags.seen(appId);
    const stream = `${this.#redis.appPrefix(appId)}changes`;
    if (!this.#positions.has(stream)) this.#positions.set(stream, '0-0');
  }

  async #oldest(stream: string): Promise<string | undefined> {
    const [oldest] = (await this.#redis.sendCommand(['XRANGE', stream, '-', '+', 'COUNT', '1'])) as [string, string[]][];
    return oldest?.[0];
  }

  /** Reloads every part whole, then follows every stream (the tags listed again) from where it ends now. */
  async #resync(): Promise<void> {
    const streams = (await this.#tags.prefixes()).map((prefix) => `${prefix}changes`);
    const newest = await Promise.all(streams.map((stream) => newestOf(this.#redis, stream)));
    for (const task of this.#resyncs) await task();
    streams.forEach((stream, i) => this.#positions.set(stream, newest[i]!));
  }

  /** Writes a control (an app, an app's scenario, the clock) and its entry in one step, under the shared tag or `appId`'s. */
  async publish(type: string, target: string, operation: PublishOperation, field = '', value = '', appId?: string): Promise<void> {
    const prefix = this.#redis.appPrefix(appId);
    if (prefix !== this.#redis.prefix) await this.#tags.announce([appId]);
    await PUBLISH.run(this.#redis, [`${prefix}changes`, prefix + target], [String(CHANGE_STREAM_LENGTH), type, operation, field, value]);
  }
}

/** The id of a stream's newest entry ('0-0' for none). */
async function newestOf(redis: RedisConnection, stream: string): Promise<string> {
  const [newest] = (await redis.sendCommand(['XREVRANGE', stream, '+', '-', 'COUNT', '1'])) as [string, string[]][];
  return newest?.[0] ?? '0-0';
}
