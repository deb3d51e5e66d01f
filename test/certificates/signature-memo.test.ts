/**
 * Answers given again are not signed again: the memo in front of both signers gives the signature the
 * key gives (RSA PKCS#1 v1.5 is deterministic), sends the thread nothing for it, keeps to its size,
 * and skips contents too big to keep.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createInProcessSigner } from '../../mock-server/keys/alipay-signer.js';
import { createSignatureMemo } from '../../mock-server/keys/signature-memo.js';
import { sharedSigningPool } from '../../mock-server/keys/signing-pool.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const CONTENT = '{"code":"40004","msg":"Business Failed","sub_code":"CERTIFY_ID_NOT_EXIST","sub_msg":"认证ID不存在"}';

describe('the signature memo', () => {
  it('remembers a signature under its content and sign type, bytes apart from text', () => {
    const memo = createSignatureMemo();
    memo.remember(CONTENT, 'RSA2', 'sig-rsa2');
    expect(memo.recall(CONTENT, 'RSA2')).toBe('sig-rsa2');
    expect(memo.recall(CONTENT, 'RSA')).toBeUndefined();
    expect(memo.recall(Buffer.from(CONTENT), 'RSA2')).toBeUndefined();
    memo.remember(Buffer.from(CONTENT), 'RSA2', 'sig-bytes');
    expect(memo.recall(Buffer.from(CONTENT), 'RSA2')).toBe('sig-bytes');
    expect(memo.recall(CONTENT, 'RSA2')).toBe('sig-rsa2');
  });

  it('forgets the oldest once full, and keeps no content too big to be worth a key', () => {
    const memo = createSignatureMemo(3);
    for (const n of [1, 2, 3, 4]) memo.remember(`content ${n}`, 'RSA2', `sig ${n}`);
    expect([1, 2, 3, 4].map((n) => memo.recall(`content ${n}`, 'RSA2'))).toEqual([undefined, 'sig 2', 'sig 3', 'sig 4']);
    const big = 'x'.repeat(100_000);
    memo.remember(big, 'RSA2', 'sig big');
    expect(memo.recall(big, 'RSA2')).toBeUndefined();
    expect(memo.recall('content 2', 'RSA2')).toBe('sig 2');
  });

  it('gives, for an answer signed again, the signature the key itself gives, in process and from the threads', async () => {
    const { privateKey } = spareKeyPair();
    const expected = sign('sha256', Buffer.from(CONTENT), privateKey).toString('base64');
    const inProcess = createInProcessSigner(privateKey);
    expect([await inProcess.sign(CONTENT, 'RSA2'), await inProcess.sign(CONTENT, 'RSA2')]).toEqual([expected, expected]);
    expect(await inProcess.sign(CONTENT, 'RSA')).toBe(sign('sha1', Buffer.from(CONTENT), privateKey).toString('base64'));
    expect(verify('sha256', Buffer.from(CONTENT), createPublicKey(privateKey), Buffer.from(expected, 'base64'))).toBe(true);
  });

  it('answers from the memo, with no message to the thread, once the thread has signed the content', async () => {
    const { privateKey } = spareKeyPair();
    const expected = sign('sha256', Buffer.from(CONTENT), privateKey).toString('base64');
    const threads: Worker[] = [];
    const started = (message: unknown) => threads.push((message as { worker: Worker }).worker);
    subscribe('worker_threads', started);
    const pool = sharedSigningPool(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), createInProcessSigner(privateKey), 1);
    unsubscribe('worker_threads', started);
    let answers = 0;
    threads[0]!.on('message', (message: unknown) => void (message !== 'ready' && answers++));
    try {
      // The first answers after a start are signed in process, until the thread is up.
      const first: string[] = [];
      for (let i = 0; i < 400 && answers === 0; i++) {
        first.push(await pool.sign(CONTENT, 'RSA2'));
        if (answers === 0) await new Promise((done) => setTimeout(done, 5));
      }
      expect(answers).toBe(1);
      const again = await Promise.all([pool.sign(CONTENT, 'RSA2'), pool.sign(CONTENT, 'RSA2')]);
      expect(answers).toBe(1);
      expect(new Set([...first, ...again])).toEqual(new Set([expected]));
    } finally {
      await pool.close();
    }
  });
});
