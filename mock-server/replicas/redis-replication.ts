/**
 * Replicas sharing one Redis (`--store redis://host:port/db`): the state (redis-state-storage.ts),
 * the registered apps, the app scenarios with their call counts, the clock and the journal, and the
 * stream of changes each replica follows (replica-link.ts). Keys, after the prefix:
 *   apps hash · scenarios hash · clock · epoch (of the call counts, one per reset) ·
 *   count:, fired: and rate:<epoch>:…, listed in counters and deleted at the next reset ·
 *   journal stream (capped; an entry per batch of requests, their ids counted by journal-id) · nonce:<nonce> of v3 requests, expiring with their window
 * On a Redis Cluster an app's scenario (its field of the scenarios hash), its requests' journal
 * entries, its call counts (with their list) and its v3 nonces are under the app's tag (app-tags.ts),
 * with the app's records, so that a request of one app asks one shard; the rest under the shared one.
 */
import type { Logger } from 'pino';
import type { AppRecord } from '../apps/app-registry.js';
import type { AppStorage } from '../core/apps/app-storage.js';
import type { NonceBook } from '../core/engine/engine-contract.js';
import type { NewEntry, RequestJournal, StoredEntry } from '../core/journal/request-journal.js';
import type { SharedRuleCounters } from '../core/scenarios/scenario-book.js';
import { StateUnavailableError } from '../core/state/shared-state.js';
import { RedisConnection, RedisScript } from './redis-connection.js';
import { coalesced, publishedValue, ReplicaLink } from './replica-link.js';
import { RedisStateStorage, sharedBatchOf } from './redis-state-storage.js';
import { CHANGE_STREAM_LENGTH, journalAppOf, journalEntriesOf, RedisWrites } from './redis-writes.js';
import type { ReplicatedParts, Replication, SharedControls } from './replication.js';
import { redisAddress } from './store-address.js';

/** Registered apps in a hash (app_id → record), each registration an entry of the change stream. */
class RedisAppStorage implements AppStorage {
  constructor(private readonly link: ReplicaLink) {}

  get where(): string {
    return this.link.redis.where;
  }

  async load(): Promise<readonly AppRecord[]> {
    const apps = (await this.link.redis.hashEntries(this.link.redis.key('apps'))).map(([, value]) => JSON.parse(value) as AppRecord);
    return apps.sort((a, b) => a.registered_at.localeCompare(b.registered_at));
  }

  async put(app: AppRecord): Promise<void> {
    await this.link.publish('app', 'apps', 'hset', app.app_id, JSON.stringify(app));
  }
}

/**
 * v3 nonces in the store: a nonce is claimed by SET NX, which one replica alone wins, and expires
 * (PX, on Redis's clock) when its request's timestamp leaves the window. On a cluster, under the
 * app's tag: the app_id is signed with the nonce, so a replay names the same app.
 */
class RedisNonceBook implements NonceBook {
  constructor(private readonly redis: RedisConnection) {}

  async claim(nonce: string, keepMs: number, _nowMs: number, appId: string): Promise<boolean> {
    const key = `${this.redis.appPrefix(appId)}nonce:${nonce}`;
    const reply = await this.redis.sendCommand(['SET', key, '1', 'NX', 'PX', String(Math.ceil(keepMs))]).catch((error: unknown) => {
      // An error the server answered (out of memory, read-only) leaves the claim untaken all the same:
      // the store-down refusal, not a failure of the sandbox.
      throw error instanceof StateUnavailableError ? error : new StateUnavailableError(`the shared state store ${this.redis.where} did not take the nonce: ${(error as Error).message}`);
    });
    return reply !== null;
  }
}

/** Deletes the counters a tag's list names, and the list: Lua for a script that empties a tag. */
const DELETE_COUNTERS = `
local function deleteCounters(registry)
  local counters = redis.call('SMEMBERS', registry)
  for i = 1, #counters, 1000 do redis.call('DEL', unpack(counters, i, math.min(i + 999, #counters))) end
  redis.call('DEL', registry)
end`;

/**
 * KEYS changes, scenarios, clock, journal, epoch, counters. A reset of the controls, told to every
 * replica: the counters listed go too (those of the epoch ending, and any a replica that had not
 * seen an earlier reset counted under its epoch), so that a suite resetting before each test leaves
 * nothing behind.
 */
const RESET_CONTROLS = new RedisScript(`${DELETE_COUNTERS}
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
deleteCounters(KEYS[6])
local epoch = redis.call('INCR', KEYS[5])
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', 'controls-reset', 'field', '', 'value', epoch)`);

/** KEYS the count, the list of counters; the count of this call, the key listed for the next reset. */
const COUNT = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('SADD', KEYS[2], KEYS[1]) end
return count`);

/** KEYS the mark, the list of counters; 1 for the first call that marks a one-shot rule fired. */
const FIRE = new RedisScript(`
if not redis.call('SET', KEYS[1], '1', 'NX') then return 0 end
redis.call('SADD', KEYS[2], KEYS[1])
return 1`);

/**
 * KEYS scenarios, journal, counters of an app's tag; ARGV '1' for a reset (the scenarios and call
 * counts go too). Empties them before a reset or clear told to all through the shared stream.
 */
const CLEAR_APP_TAG = new RedisScript(`${DELETE_COUNTERS}
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[1])
  deleteCounters(KEYS[3])
end
return redis.call('DEL', KEYS[2])`);

/** KEYS changes, journal; ARGV cap. */
const CLEAR_JOURNAL = new RedisScript(`
redis.call('DEL', KEYS[2])
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', 'journal-cleared')`);

/**
 * KEYS the window (a sorted set of call times), the list of counters; ARGV now, window ms, calls
 * allowed, a unique member.
 * 1 when the call is over the rate; a call under it is counted. Times more than a few seconds after
 * `now` are dropped: the business clock was moved back, and the window starts again, as in one
 * process (the slack is for replicas whose clocks differ by milliseconds, or machines by a little more).
 */
const OVER_RATE = new RedisScript(`
local now, window, calls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. (now + 5000), '+inf')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= calls then return 1 end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0`);

/** Entries of the journal stream read per request. */
const JOURNAL_READ = 1000;

/** How often a replica reads the change stream (and, while the console follows it, the journal) on its own. */
const POLL_MS = 500;

interface StoredScenario {
  readonly id: string;
  readonly source: string;
  readonly document: unknown;
}

class RedisReplication implements Replication {
  readonly stateStorage: RedisStateStorage;
  readonly appStorage: AppStorage;
  readonly controls: SharedControls;
  readonly nonces: NonceBook;
  readonly #link: ReplicaLink;
  readonly #redis: RedisConnection;
  readonly #logger: Logger;
  /** This replica's request-path writes, in batches: its commits and its journal entries. */
  readonly #writes: RedisWrites;
  #journal: RequestJournal | undefined;
  /** Where this replica is in each journal stream (one per tag), by the stream's key. */
  #journalPositions = new Map<string, string>();
  #journalCapacity = 0;
  readonly #journalReads = coalesced(() => this.#readJournal());
  #poll: ReturnType<typeof setInterval> | undefined;
  /** The generation of the call counts: a reset on any replica starts them all from zero. */
  #epoch = '0';
  /** With the replica's id, makes each counted call's member of a rate window unique. */
  #rateCalls = 0;
  readonly #replicaId = globalThis.crypto.randomUUID();

  constructor(link: ReplicaLink, logger: Logger) {
    this.#link = link;
    this.#redis = link.redis;
    this.#logger = logger;
    this.#writes = new RedisWrites(link.redis, link.tags);
    this.stateStorage = new RedisStateStorage(link.redis, this.#writes, link.tags);
    this.appStorage = new RedisAppStorage(link);
    this.controls = this.#controls();
    this.nonces = new RedisNonceBook(link.redis);
  }

  get where(): string {
    return this.#redis.where;
  }

  #key(name: string): string {
    return this.#redis.key(name);
  }

  #controls(): SharedControls {
    const link = this.#link;
    const cap = String(CHANGE_STREAM_LENGTH);
    return {
      scenarioSet: (appId, { id, source, document }) => link.publish('scenario', 'scenarios', 'hset', appId, JSON.stringify({ id, source, document } satisfies StoredScenario), appId),
      scenarioCleared: (appId) => link.publish('scenario', 'scenarios', 'hdel', appId, '', appId),
      clockMoved: (offsetMs) => link.publish('clock', 'clock', 'set', '', String(offsetMs)),
      journalCleared: async () => {
        await this.#clearAppTags(false);
        await CLEAR_JOURNAL.run(this.#redis, [this.#key('changes'), this.#key('journal')], [cap]);
      },
      controlsReset: async () => {
        await this.#clearAppTags(true);
        await RESET_CONTROLS.run(this.#redis, ['changes', 'scenarios', 'clock', 'journal', 'epoch', 'counters'].map((name) => this.#key(name)), [cap]);
      },
    };
  }

  /** On a cluster: each app tag's journal (and scenarios) emptied, before the shared stream tells every replica. */
  async #clearAppTags(scenarios: boolean): Promise<void> {
    const prefixes = (await this.#link.tags.prefixes()).filter((prefix) => prefix !== this.#redis.prefix);
    await Promise.all(prefixes.map((prefix) => CLEAR_APP_TAG.run(this.#redis, [`${prefix}scenarios`, `${prefix}journal`, `${prefix}counters`], [scenarios ? '1' : '0'])));
  }

  async attach(parts: ReplicatedParts): Promise<void> {
    const { state, apps, scenarios, clock, journal } = parts;
    const link = this.#link;
    link.handle('state', (version, fields) => state.applyShared({ version, ...sharedBatchOf(fields) }));
    link.handle('reset', () => state.reloadShared());
    link.handle('app', (_id, fields) => apps.applyStored(JSON.parse(publishedValue(fields).value) as AppRecord));
    link.handle('scenario', (_id, fields) => this.#applyScenario(parts, publishedValue(fields)));
    link.handle('clock', (_id, fields) => clock.setOffset(Number(publishedValue(fields).value) || 0));
    link.handle('journal-cleared', () => this.#clearJournal(journal));
    link.handle('controls-reset', (_id, fields) => {
      scenarios.reset();
      clock.reset();
      this.#clearJournal(journal);
      this.#epoch = publishedValue(fields).value;
    });
    link.beforeEachCatchUp(() => state.refreshStale());
    link.onResync(async () => {
      this.#logger.warn({ store: this.where }, 'this replica fell behind the shared change stream: state, apps and controls reloaded whole');
      await state.reloadShared();
      for (const app of await this.appStorage.load()) apps.applyStored(app);
      this.#clearJournal(journal);
      await this.#loadControls(parts);
    });
    await this.#loadControls(parts);
    scenarios.shareCounters(this.#counters());
    this.#shareJournal(journal);
  }

  /**
   * The app scenarios, the clock and the epoch of the call counts, as stored. An app scenario this
   * replica holds that is no longer stored was cleared while it could not follow: it goes here too.
   */
  async #loadControls(parts: ReplicatedParts): Promise<void> {
    const [scenarios, offset, epoch] = await Promise.all([
      this.#link.tags.prefixes().then((prefixes) => Promise.all(prefixes.map((prefix) => this.#redis.hashEntries(`${prefix}scenarios`)))),
      this.#redis.sendCommand(['GET', this.#key('clock')]) as Promise<string | null>,
      this.#redis.sendCommand(['GET', this.#key('epoch')]) as Promise<string | null>,
    ]);
    const stored = scenarios.flat();
    const storedApps = new Set(stored.map(([appId]) => appId));
    for (const appId of parts.scenarios.appsWithScenarios()) if (!storedApps.has(appId)) parts.scenarios.clearForApp(appId);
    for (const [appId, value] of stored) this.#applyScenario(parts, { field: appId, value });
    parts.clock.setOffset(Number(offset ?? 0) || 0);
    this.#epoch = epoch ?? '0';
  }

  /** An app's scenario as stored: set (compiled here) unless this replica holds that very setting already. */
  #applyScenario({ scenarios, compile }: ReplicatedParts, { field: appId, value }: { field: string; value: string }): void {
    if (!value) return void scenarios.clearForApp(appId);
    const stored = JSON.parse(value) as StoredScenario;
    if (scenarios.forApp(appId)?.id === stored.id) return;
    try {
      scenarios.setForApp(appId, { ...compile(stored.document, stored.source), id: stored.id });
    } catch (error) {
      this.#logger.error({ app_id: appId, err: (error as Error).message }, 'a scenario another replica set does not load here (a different sandbox version?)');
    }
  }

  #counters(): SharedRuleCounters {
    // Keys of the current epoch under the app's tag, and the set there that lists them for the next
    // reset. The tag is announced first: a reset empties the tags announced.
    const keys = async (kind: string, key: string, appId: string) => {
      await this.#link.tags.announce([appId]);
      const prefix = this.#redis.appPrefix(appId);
      return [`${prefix}${kind}:${this.#epoch}:${key}`, `${prefix}counters`];
    };
    return {
      count: async (key, appId) => Number(await COUNT.run(this.#redis, await keys('count', key, appId), [])),
      fire: async (key, appId) => (await FIRE.run(this.#redis, await keys('fired', key, appId), [])) === 1,
      overRate: async (key, rate, nowMs, appId) => {
        const member = `${nowMs}:${++this.#rateCalls}:${this.#replicaId}`;
        return (await OVER_RATE.run(this.#redis, await keys('rate', key, appId), [String(nowMs), String(rate.perMs), String(rate.calls), member])) === 1;
      },
    };
  }

  #shareJournal(journal: RequestJournal): void {
    this.#journal = journal;
    this.#journalCapacity = journal.capacity;
    this.#writes.journalCapacity = journal.capacity;
    // Each entry goes with the batch of writes under way next (redis-writes.ts), under its app's tag.
    // A committing request's entry goes with its commit instead (SandboxStore.persist).
    journal.share((entry: NewEntry) => this.#writes.journal(JSON.stringify(entry), journalAppOf(entry)));
    // An idle replica keeps up with the changes (the stream is capped), and the console's live view
    // shows other replicas' requests without waiting for a request here. Nobody watching, the journal
    // is read when the admin API asks: under load, parsing every replica's entries costs CPU.
    this.#poll = setInterval(() => void this.catchUp({ journal: journal.followed }).catch(() => undefined), POLL_MS);
    this.#poll.unref();
  }

  /** After a clear every entry left in the stream is newer: read again from its start. */
  #clearJournal(journal: RequestJournal): void {
    journal.clear();
    this.#journalPositions = new Map();
  }

  catchUp(options: { readonly journal?: boolean } = {}): Promise<void> {
    return options.journal ? this.#catchUpJournal() : this.#link.catchUp();
  }

  /** The changes, then the journal entries after them. */
  #catchUpJournal(): Promise<void> {
    return this.#link.catchUp().then(this.#journalReads);
  }

  /** The journal streams of every tag this replica knows, read together; entries of several come in time order. */
  async #readJournal(): Promise<void> {
    if (this.#journalCapacity === 0 || !this.#journal) return;
    const read = await Promise.all(this.#link.tags.knownPrefixes().map((prefix) => this.#readJournalStream(`${prefix}journal`)));
    const entries = read.flat();
    if (read.filter((part) => part.length > 0).length > 1) entries.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
    for (const entry of entries) this.#journal.receive(entry);
  }

  /** One journal stream's entries after this replica's position in it. */
  async #readJournalStream(stream: string): Promise<StoredEntry[]> {
    const received: StoredEntry[] = [];
    for (;;) {
      const entries = (await this.#redis.sendCommand(['XRANGE', stream, `(${this.#journalPositions.get(stream) ?? '0-0'}`, '+', 'COUNT', String(JOURNAL_READ)])) as [string, string[]][];
      for (const [position, fields] of entries) {
        for (const { id, entry } of journalEntriesOf(fields)) received.push({ id, ...(entry as NewEntry) });
        this.#journalPositions.set(stream, position);
      }
      if (entries.length < JOURNAL_READ) return received;
    }
  }

  requestRefused(error: Error): void {
    this.#redis.outage.requestRefused(error);
  }

  async close(): Promise<void> {
    clearInterval(this.#poll);
    await this.#redis.close();
  }
}

/** Connects to the Redis at `address`; throws StoreAddressError saying why not. */
export async function openRedisReplication(address: string, logger: Logger): Promise<Replication> {
  const redis = await RedisConnection.open(redisAddress(address), logger);
  return new RedisReplication(await ReplicaLink.open(redis), logger);
}
