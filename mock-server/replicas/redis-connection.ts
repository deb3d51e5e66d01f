/**
 * The connection to the Redis server that replicas share (`--store redis://host:port/db`), with
 * node-redis (@redis/client): Redis's own client, kept up to date with the server (ioredis is in
 * maintenance only). Commands are refused at once while the server is unreachable, rather than
 * queued: a request then gets isp.unknow-error instead of waiting, and the client reconnects by
 * itself. Every key the sandbox keeps starts with one prefix, so that one server can hold several.
 */
import { createHash } from 'node:crypto';
import { createClient, createCluster, ErrorReply, type RedisClientOptions, type RedisClusterOptions } from '@redis/client';
import type { Logger } from 'pino';
import { StateUnavailableError } from '../core/state/shared-state.js';
import { StoreAddressError, type RedisAddress } from './store-address.js';
import { stderrLogger, StoreOutage } from './store-outage.js';

/** The part of a client the sandbox uses: one raw command at a time (scripts, streams, hashes). */
export interface RedisCommands {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** How long to wait between reconnection attempts: a restarted Redis is back within a fraction of a second. */
const reconnectDelay = (attempt: number): number => Math.min(50 * (attempt + 1), 500);

/** Tries, 100 ms apart, to reach the store when the sandbox starts. */
const START_ATTEMPTS = 10;

const NAME = 'alipay-sandbox';
/** The sandbox's keys on one Redis; the database in the address keeps one sandbox from another. */
const PREFIX = `${NAME}:`;
/**
 * The same in a Redis Cluster, where every key a script touches must hash to one slot: the hash tag
 * (the part in braces) puts what every app shares (the app registry, people, the clock, the controls)
 * on the one shard that serves it, and each app's state under a tag of its own (appPrefix).
 */
const CLUSTER_PREFIX = `{${NAME}}:`;

/** What a connection runs commands on: one server, or the cluster's shard that serves the key. */
interface RedisLine {
  connect(): Promise<unknown>;
  send(args: string[]): Promise<unknown>;
  destroy(): void;
}

/** What the sandbox asks of every connection it makes, to one server or to a cluster's nodes. */
interface LineOptions extends Pick<RedisClientOptions, 'disableOfflineQueue'> {
  socket: { connectTimeout: number; reconnectStrategy: (attempt: number, cause: Error) => number | Error };
}

/**
 * The options of every connection to a cluster's nodes (node-redis's `defaults`). The nodes CLUSTER
 * SLOTS names are reached with these and their own host and port, with nothing of the root node's
 * URL: a rediss:// address must say TLS here too (as its user and password), or the replica would
 * speak plain text to every shard but the one it was given, and reach none where they require TLS.
 * A CA is not part of an address: Node's own trust applies (NODE_EXTRA_CA_CERTS adds a private one).
 */
function clusterDefaults(root: URL, options: LineOptions): NonNullable<RedisClusterOptions['defaults']> {
  return {
    ...options,
    ...(root.protocol === 'rediss:' ? { socket: { ...options.socket, tls: true } } : {}),
    ...(root.username || root.password ? { username: decodeURIComponent(root.username) || undefined, password: decodeURIComponent(root.password) } : {}),
  };
}

/** A command's first key, by which a cluster picks the shard: a script's first KEYS entry, else its first argument. */
function firstKey(args: readonly string[]): string | undefined {
  const name = args[0]!.toUpperCase();
  return name === 'EVALSHA' || name === 'EVAL' || name === 'FCALL' ? (args[2] === '0' ? undefined : args[3]) : args[1];
}

/** Is the server at `url` a node of a Redis Cluster? (Asked once, before the sandbox's own client connects.) */
async function isClusterNode(url: string): Promise<boolean> {
  const probe = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: (attempt: number, cause: Error) => (attempt < START_ATTEMPTS ? 100 : cause) } });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return /^cluster_enabled:1/m.test(String(await probe.sendCommand(['INFO', 'cluster'])));
  } finally {
    probe.destroy();
  }
}

export class RedisConnection implements RedisCommands {
  readonly where: string;
  readonly prefix: string;
  /** Told of every command the server did not answer, and of its coming back. */
  readonly outage: StoreOutage;
  /** Whether the store is a Redis Cluster (its keys then carry the sandbox's hash tag). */
  readonly cluster: boolean;
  readonly #line: RedisLine;
  #opened = false;

  private constructor(address: RedisAddress, cluster: boolean, logger: Logger, prefix = cluster ? CLUSTER_PREFIX : PREFIX) {
    this.where = address.where;
    this.prefix = prefix;
    this.cluster = cluster;
    this.outage = new StoreOutage(address.where, stderrLogger(logger));
    const options: LineOptions = {
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Before the first connection: a few tries (a Redis started beside the sandbox), then the start fails.
        reconnectStrategy: (attempt: number, cause: Error) => (this.#opened ? reconnectDelay(attempt) : attempt < START_ATTEMPTS ? 100 : cause),
      },
    };
    // Said once per outage (store-outage.ts), not once per attempt: a restarted Redis would otherwise flood the log.
    const failed = (error: Error) => {
      // Before the first connection the start itself fails, saying so.
      if (this.#opened) this.outage.failed(error);
    };
    this.#line = cluster ? this.#clusterLine(address, options, failed) : this.#serverLine(address, options, failed);
  }

  #serverLine(address: RedisAddress, options: LineOptions, failed: (error: Error) => void): RedisLine {
    const client = createClient({ url: address.url, ...options });
    client.on('error', failed);
    client.on('ready', () => this.outage.answered());
    return { connect: () => client.connect(), send: (args) => client.sendCommand(args), destroy: () => client.destroy() };
  }

  /** A cluster: its shards found from the address's node; a command goes to the shard of its first key. */
  #clusterLine(address: RedisAddress, options: LineOptions, failed: (error: Error) => void): RedisLine {
    const root = new URL(address.url);
    root.pathname = '';
    const cluster = createCluster({ rootNodes: [{ url: root.href }], defaults: clusterDefaults(root, options) });
    cluster.on('error', failed);
    cluster.on('node-error', failed);
    cluster.on('node-ready', () => this.outage.answered());
    return { connect: () => cluster.connect(), send: (args) => cluster.sendCommand(firstKey(args), false, args), destroy: () => cluster.destroy() };
  }

  /** Connects (to the cluster, when the address is a node of one), or throws saying which address could not be reached. */
  static async open(address: RedisAddress, logger: Logger, prefix?: string): Promise<RedisConnection> {
    let connection: RedisConnection | undefined;
    try {
      connection = new RedisConnection(address, await isClusterNode(address.url), logger, prefix);
      await connection.#line.connect();
      connection.#opened = true;
    } catch (error) {
      await connection?.close();
      throw new StoreAddressError(`cannot reach the store ${address.where}: ${(error as Error).message}`);
    }
    return connection;
  }

  /** A key of the sandbox's: prefixed. */
  key(name: string): string {
    return this.prefix + name;
  }

  /**
   * The prefix of an app's keys (its records, claims, changes, journal, scenario): on a cluster a hash
   * tag of the app's own, so that apps spread over the shards while each app's scripts run on one; on
   * one Redis the sandbox's prefix, one set of keys for every app (nothing to spread, one stream to read).
   */
  appPrefix(appId: string | undefined): string {
    return this.cluster && appId !== undefined ? `{${NAME}:${appId}}:` : this.prefix;
  }

  /**
   * Rejects with StateUnavailableError when the server did not answer (offline, connection lost),
   * which the gateway answers as the store being down; an error the server answered (NOSCRIPT, a
   * script's own) stays as it is, for the caller that expects it.
   */
  async sendCommand(args: readonly string[]): Promise<unknown> {
    let reply: unknown;
    try {
      reply = await this.#line.send([...args]);
    } catch (error) {
      if (error instanceof ErrorReply) throw error;
      this.outage.failed(error as Error);
      throw new StateUnavailableError(`the shared state store ${this.where} did not answer: ${(error as Error).message}`);
    }
    // Also ends an outage a refused request started while the server answered with errors of its own
    // (out of memory, read-only): the connection never dropped, so no 'ready' will say so.
    if (this.outage.away) this.outage.answered();
    return reply;
  }

  /**
   * A hash's fields and values (HGETALL). The client hands HGETALL's reply over as an object (a map
   * reply), not the flat list of the wire: code that walked it as a list read nothing at all.
   */
  async hashEntries(key: string): Promise<[field: string, value: string][]> {
    const reply = await this.sendCommand(['HGETALL', key]);
    if (Array.isArray(reply)) return Array.from({ length: reply.length / 2 }, (_, i) => [String(reply[2 * i]), String(reply[2 * i + 1])]);
    if (reply instanceof Map) return [...reply].map(([field, value]) => [String(field), String(value)]);
    return Object.entries((reply ?? {}) as Record<string, unknown>).map(([field, value]) => [field, String(value)]);
  }

  async close(): Promise<void> {
    this.#line.destroy();
  }
}

/** A Lua script run by its SHA1 (EVALSHA), loaded again when the server has forgotten it (a restart). */
export class RedisScript {
  readonly #sha: string;

  constructor(readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisCommands, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const rest = [String(keys.length), ...keys, ...args];
    try {
      return await redis.sendCommand(['EVALSHA', this.#sha, ...rest]);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return redis.sendCommand(['EVAL', this.source, ...rest]);
    }
  }
}
