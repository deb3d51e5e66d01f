/**
 * The response-signing threads: the sandboxes one process starts with the same key share them (a
 * suite that starts a sandbox per file no longer starts a thread per file), and they stop once no
 * sandbox has used them for a while.
 */
import { createPublicKey, verify } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessSigner } from '../../mock-server/keys/alipay-signer.js';
import { sharedSigningPool } from '../../mock-server/keys/signing-pool.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

type Pool = ReturnType<typeof sharedSigningPool>;

const CONTENT = '{"code":"10000","msg":"Success","certify_id":"0123456789abcdef0123456789abcdef"}';

/** A key of its own, so that no other file's sandboxes share these pools. */
function poolKey() {
  const { privateKey } = spareKeyPair();
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: createPublicKey(privateKey), fallback: createInProcessSigner(privateKey) };
}

function verifies(signature: string, publicKey: ReturnType<typeof createPublicKey>): boolean {
  return verify('sha256', Buffer.from(CONTENT), publicKey, Buffer.from(signature, 'base64'));
}

/**
 * The pools `open` takes, and the threads it starts: Node publishes each new Worker on the
 * worker_threads diagnostics channel, and nothing else runs while `open` does.
 */
function openPools(open: () => Pool[]): { pools: Pool[]; threads: Worker[] } {
  const threads: Worker[] = [];
  const started = (message: unknown) => threads.push((message as { worker: Worker }).worker);
  subscribe('worker_threads', started);
  try {
    return { pools: open(), threads };
  } finally {
    unsubscribe('worker_threads', started);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

/** Whether the thread has answered a job: it has posted a message besides its 'ready'. */
const answeredThreads = new WeakMap<Worker, number>();
function threadAnswered(thread: Worker): boolean {
  if (!answeredThreads.has(thread)) {
    answeredThreads.set(thread, 0);
    thread.on('message', () => answeredThreads.set(thread, answeredThreads.get(thread)! + 1));
  }
  return answeredThreads.get(thread)! > 1;
}

describe('the shared signing pool', () => {
  it('is one pool for every sandbox of the process with the same key, each signature verifying', async () => {
    const key = poolKey();
    const { pools, threads } = openPools(() => [sharedSigningPool(key.pem, key.fallback, 1), sharedSigningPool(key.pem, key.fallback, 1)]);
    const [first, second] = pools as [Pool, Pool];
    // A pool of one thread, for both.
    expect(threads).toHaveLength(1);
    const signatures = await Promise.all([first.sign(CONTENT, 'RSA2'), second.sign(CONTENT, 'RSA2')]);
    expect(signatures.map((signature) => verifies(signature, key.publicKey))).toEqual([true, true]);
    // One sandbox closing leaves the other's signing as it was.
    await first.close();
    expect([first.usable, second.usable]).toEqual([false, true]);
    expect(verifies(await second.sign(CONTENT, 'RSA2'), key.publicKey)).toBe(true);
    // A closed one still answers (in-process), it never leaves a request waiting.
    expect(verifies(await first.sign(CONTENT, 'RSA2'), key.publicKey)).toBe(true);
    await second.close();
  });

  it('never holds the process open: an idle pool\'s thread keeps nothing alive that was not before', async () => {
    const key = poolKey();
    const alive = () => process.getActiveResourcesInfo().filter((resource) => resource === 'MessagePort' || resource === 'Worker').length;
    const before = alive();
    const { pools, threads } = openPools(() => [sharedSigningPool(key.pem, key.fallback, 1)]);
    const pool = pools[0]!;
    // Signed on the thread once it is up (in process until then), as a sandbox's answers are.
    for (let i = 0; i < 200 && !(await pool.sign(`${CONTENT} ${i}`, 'RSA2').then(() => threadAnswered(threads[0]!))); i++) await new Promise((done) => setTimeout(done, 5));
    await pool.close();
    expect(alive()).toBe(before);
  });

  it('waits idle for the next sandbox, then stops its threads', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const key = poolKey();
    const opened = openPools(() => [sharedSigningPool(key.pem, key.fallback, 1)]);
    expect(opened.threads).toHaveLength(1);
    const thread = opened.threads[0]!;
    let stopped = false;
    const exit = once(thread, 'exit');
    void exit.then(() => (stopped = true));
    await opened.pools[0]!.close();
    // The next sandbox within the idle time takes the same pool over: it starts no thread.
    vi.advanceTimersByTime(1000);
    const taken = openPools(() => [sharedSigningPool(key.pem, key.fallback, 1)]);
    expect(taken.threads).toEqual([]);
    const next = taken.pools[0]!;
    vi.advanceTimersByTime(5000);
    expect(next.usable).toBe(true);
    expect(verifies(await next.sign(CONTENT, 'RSA2'), key.publicKey)).toBe(true);
    expect(stopped).toBe(false);
    await next.close();
    vi.advanceTimersByTime(2000);
    await exit;
    // Gone for good: the sandbox after that starts a pool of its own (stopped in turn, leaving no thread).
    const later = openPools(() => [sharedSigningPool(key.pem, key.fallback, 1)]);
    expect(later.threads).toHaveLength(1);
    await later.pools[0]!.close();
    vi.advanceTimersByTime(2000);
    await once(later.threads[0]!, 'exit');
  });
});
