/**
 * The response-signing threads: the sandboxes one process starts with the same key share them (a
 * suite that starts a sandbox per file no longer starts a thread per file), and they stop once no
 * sandbox has used them for a while.
 */
import { createPublicKey, verify } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessSigner } from '../../mock-server/keys/alipay-signer.js';
import { sharedSigningPool, sharedSigningPoolCount } from '../../mock-server/keys/signing-pool.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const CONTENT = '{"code":"10000","msg":"Success","certify_id":"0123456789abcdef0123456789abcdef"}';

/** A key of its own, so that no other file's sandboxes share these pools. */
function poolKey() {
  const { privateKey } = spareKeyPair();
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: createPublicKey(privateKey), fallback: createInProcessSigner(privateKey) };
}

function verifies(signature: string, publicKey: ReturnType<typeof createPublicKey>): boolean {
  return verify('sha256', Buffer.from(CONTENT), publicKey, Buffer.from(signature, 'base64'));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the shared signing pool', () => {
  it('is one pool for every sandbox of the process with the same key, each signature verifying', async () => {
    const key = poolKey();
    const before = sharedSigningPoolCount();
    const first = sharedSigningPool(key.pem, key.fallback, 1);
    const second = sharedSigningPool(key.pem, key.fallback, 1);
    expect(sharedSigningPoolCount()).toBe(before + 1);
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

  it('waits idle for the next sandbox, then stops its threads', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const key = poolKey();
    const before = sharedSigningPoolCount();
    const one = sharedSigningPool(key.pem, key.fallback, 1);
    await one.close();
    // The next sandbox within the idle time takes the same pool over.
    vi.advanceTimersByTime(1000);
    const next = sharedSigningPool(key.pem, key.fallback, 1);
    expect(sharedSigningPoolCount()).toBe(before + 1);
    vi.advanceTimersByTime(5000);
    expect(sharedSigningPoolCount()).toBe(before + 1);
    expect(verifies(await next.sign(CONTENT, 'RSA2'), key.publicKey)).toBe(true);
    await next.close();
    vi.advanceTimersByTime(2000);
    expect(sharedSigningPoolCount()).toBe(before);
  });
});
