/**
 * The connection to the Redis server that replicas share (`--store redis://host:port/db`), with
 * node-redis (@redis/client): Redis's own client, kept up to date with the server (ioredis is in
 * maintenance only). Commands are refused at once while the server is unreachable, rather than
 * queued: a request then gets isp.unknow-error instead of waiting, and the client reconnects by
 * itself. Every key the sandbox keeps starts with one prefix, so that one server can hold several.
 */
import { createHash } from 'node:crypto';
import { createClient, ErrorReply } from '@redis/client';
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

export class RedisConnection implements RedisCommands {
  readonly where: string;
  readonly prefix: string;
  /** Told of every command the server did not answer, and of its coming back. */
  readonly outage: StoreOutage;
  readonly #client: ReturnType<typeof createClient>;
  #opened = false;

  private constructor(address: RedisAddress, prefix: string, logger: Logger) {
    this.where = address.where;
    this.prefix = prefix;
    this.outage = new StoreOutage(address.where, stderrLogger(logger));
    this.#client = createClient({
      url: address.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2000,
        // Before the first connection: a few tries (a Redis started beside the sandbox), then the start fails.
        reconnectStrategy: (attempt: number, cause: Error) => (this.#opened ? reconnectDelay(attempt) : attempt < START_ATTEMPTS ? 100 : cause),
      },
    });
    // Said once per outage (store-outage.ts), not once per attempt: a restarted Redis would otherwise flood the log.
    this.#client.on('error', (error: Error) => {
      // Before the first connection the start itself fails, saying so.
      if (this.#opened) this.outage.failed(error);
    });
    this.#client.on('ready', () => this.outage.answered());
  }

  /** Connects, or throws saying which address could not be reached. */
  static async open(address: RedisAddress, logger: Logger, prefix = 'alipay-sandbox:'): Promise<RedisConnection> {
    const connection = new RedisConnection(address, prefix, logger);
    try {
      await connection.#client.connect();
      connection.#opened = true;
    } catch (error) {
      await connection.close();
      throw new StoreAddressError(`cannot reach the store ${address.where}: ${(error as Error).message}`);
    }
    return connection;
  }

  /** A key of the sandbox's: prefixed. */
  key(name: string): string {
    return this.prefix + name;
  }

  /**
   * Rejects with StateUnavailableError when the server did not answer (offline, connection lost),
   * which the gateway answers as the store being down; an error the server answered (NOSCRIPT, a
   * script's own) stays as it is, for the caller that expects it.
   */
  async sendCommand(args: readonly string[]): Promise<unknown> {
    let reply: unknown;
    try {
      reply = await this.#client.sendCommand([...args]);
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
    this.#client.destroy();
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
