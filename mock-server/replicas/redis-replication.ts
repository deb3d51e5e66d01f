/**
 * Replicas sharing one Redis (`--store redis://host:port/db`): the state (redis-state-storage.ts),
 * the registered apps, and the stream of changes each replica follows (replica-link.ts).
 */
import type { Logger } from 'pino';
import type { AppRecord } from '../apps/app-registry.js';
import type { AppStorage } from '../apps/app-storage.js';
import { RedisConnection } from './redis-connection.js';
import { redisAddress } from './store-address.js';
import { publishedValue, ReplicaLink } from './replica-link.js';
import { RedisStateStorage, sharedBatchOf } from './redis-state-storage.js';
import type { ReplicatedParts, Replication } from './replication.js';

/** Registered apps in a hash (app_id → record), each registration an entry of the change stream. */
class RedisAppStorage implements AppStorage {
  constructor(private readonly link: ReplicaLink) {}

  get where(): string {
    return this.link.redis.where;
  }

  async load(): Promise<readonly AppRecord[]> {
    const flat = (await this.link.redis.sendCommand(['HGETALL', this.link.redis.key('apps')])) as string[];
    const apps: AppRecord[] = [];
    for (let i = 1; i < flat.length; i += 2) apps.push(JSON.parse(flat[i]!) as AppRecord);
    return apps.sort((a, b) => a.registered_at.localeCompare(b.registered_at));
  }

  async save(apps: readonly AppRecord[]): Promise<void> {
    for (const app of apps) await this.put(app);
  }

  async put(app: AppRecord): Promise<void> {
    await this.link.publish('app', 'apps', 'hset', app.app_id, JSON.stringify(app));
  }
}

class RedisReplication implements Replication {
  readonly stateStorage: RedisStateStorage;
  readonly appStorage: AppStorage;

  constructor(
    readonly link: ReplicaLink,
    readonly redis: RedisConnection,
  ) {
    this.stateStorage = new RedisStateStorage(redis);
    this.appStorage = new RedisAppStorage(link);
  }

  get where(): string {
    return this.redis.where;
  }

  attach({ state, apps }: ReplicatedParts): void {
    const { link } = this;
    link.handle('state', (version, fields) => state.applyShared({ version, ...sharedBatchOf(fields) }));
    link.handle('reset', () => state.reloadShared());
    link.handle('app', (_id, fields) => apps.applyStored(JSON.parse(publishedValue(fields).value) as AppRecord));
    link.beforeEachCatchUp(() => state.refreshStale());
  }

  catchUp(): Promise<void> {
    return this.link.catchUp();
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}

/** Connects to the Redis at `address`; throws StoreAddressError saying why not. */
export async function openRedisReplication(address: string, logger: Logger): Promise<Replication> {
  const redis = await RedisConnection.open(redisAddress(address), logger);
  return new RedisReplication(await ReplicaLink.open(redis), redis);
}
