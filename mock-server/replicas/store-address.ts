/**
 * The --store address replicas share, checked before anything connects (and without loading the
 * Redis client, which a plain serve does not need).
 */

/** A --store value that is not a redis:// address the sandbox can use. */
export class StoreAddressError extends Error {}

export interface RedisAddress {
  readonly url: string;
  /** As messages show it: without a password. */
  readonly where: string;
}

/** Checks a `redis://[user:password@]host:port[/db]` address (rediss:// for TLS). */
export function redisAddress(text: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreAddressError(`--store must be redis://host:port/db (or rediss://), got "${text}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new StoreAddressError(`--store must be a redis:// or rediss:// address, got "${text}"`);
  if (!url.hostname) throw new StoreAddressError(`--store needs a host: redis://127.0.0.1:6379/0, got "${text}"`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new StoreAddressError(`--store's database must be a number (redis://host:port/0), got "${db}"`);
  const where = `${url.protocol}//${url.hostname}:${url.port || 6379}/${db || 0}`;
  return { url: text, where };
}
