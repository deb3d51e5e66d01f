/**
 * The apps whose state has keys of its own (RedisConnection.appPrefix: a hash tag per app on a Redis
 * Cluster). Each is listed in the shared `tags` set and announced once by an entry of the shared
 * change stream before anything is written under its tag, so that every replica follows that tag's
 * change stream (replica-link.ts) and loads its state. On one Redis every app shares the sandbox's
 * keys, and nothing is announced.
 */
import { appOfKey } from '../core/state/shared-state.js';
import { RedisScript, type RedisConnection } from './redis-connection.js';

/** Entries of a change stream kept for replicas that fall behind (Redis trims past it, approximately). */
export const CHANGE_STREAM_LENGTH = 100_000;

/** KEYS changes, tags; ARGV cap, app id. Lists the app's tag and, the first time, tells the replicas. */
const ANNOUNCE = new RedisScript(`
if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', 'tag', 'field', ARGV[2], 'value', '')
return 1`);

export class AppTags {
  /** Apps this process announced or saw announced. */
  readonly #known = new Set<string>();

  constructor(readonly redis: RedisConnection) {}

  /** The prefix of the keys a record or claim key is kept under: its app's, or the shared one. */
  prefixOfKey(key: string): string {
    return this.redis.appPrefix(appOfKey(key));
  }

  /** Announces the tags of these apps that are not known yet, before anything is written under them. */
  async announce(appIds: Iterable<string | undefined>): Promise<void> {
    if (!this.redis.cluster) return;
    const fresh = [...new Set(appIds)].filter((appId): appId is string => appId !== undefined && !this.#known.has(appId));
    const keys = [this.redis.key('changes'), this.redis.key('tags')];
    await Promise.all(fresh.map((appId) => ANNOUNCE.run(this.redis, keys, [String(CHANGE_STREAM_LENGTH), appId])));
    for (const appId of fresh) this.#known.add(appId);
  }

  /** An app another replica announced. */
  seen(appId: string): void {
    this.#known.add(appId);
  }

  /** The prefixes of the tags this process knows of, the shared one first (no round trip). */
  knownPrefixes(): string[] {
    return [this.redis.prefix, ...[...this.#known].map((appId) => this.redis.appPrefix(appId))];
  }

  /** The prefixes of every tag the sandbox's keys are under: the shared one first, then each app announced. */
  async prefixes(): Promise<string[]> {
    if (!this.redis.cluster) return [this.redis.prefix];
    const apps = ((await this.redis.sendCommand(['SMEMBERS', this.redis.key('tags')])) as string[]).sort();
    for (const appId of apps) this.#known.add(appId);
    return [this.redis.prefix, ...apps.map((appId) => this.redis.appPrefix(appId))];
  }
}
