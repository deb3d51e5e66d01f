/**
 * Every connection undici tries, by host: recorded before it connects, whatever the network then does,
 * so that a test can show that nothing it answered in-process left the machine (this one has no route
 * out, so an attempt ends in ENOTFOUND; online it would reach Alipay).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll } from 'vitest';

const CHANNEL = 'undici:client:beforeConnect';

/** The hosts undici tries to connect to while the calling file's tests run (call it at the file's top). */
export function recordConnectionAttempts(): string[] {
  const attempts: string[] = [];
  const record = (message: unknown) => void attempts.push((message as { connectParams: { hostname: string } }).connectParams.hostname);
  beforeAll(() => subscribe(CHANNEL, record));
  afterAll(() => void unsubscribe(CHANNEL, record));
  return attempts;
}
