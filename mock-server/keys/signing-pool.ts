/**
 * Response signing on worker threads. Every gateway response costs one RSA-2048 signature, the
 * dearest step of a request by far; on the main thread it caps one process at about half a core's
 * sign rate. Workers let the signatures use the other cores while state stays on the main thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SignType } from '../core/protocol/public-parameters.js';
import type { ResponseSigner } from '../core/protocol/response-envelope.js';
import { createSignatureMemo } from './signature-memo.js';

// Plain JavaScript evaluated in the worker, so that it loads the same under tsx, vitest and node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey(workerData.privateKeyPem);
const DIGEST = { RSA2: 'sha256', RSA: 'sha1' };
parentPort.postMessage('ready');
parentPort.on('message', (batch) => {
  const out = [];
  for (const [id, content, signType] of batch) {
    out.push([id, sign(DIGEST[signType], typeof content === 'string' ? Buffer.from(content, 'utf8') : content, key).toString('base64')]);
  }
  parentPort.postMessage(out);
});
`;

type Job = [id: number, content: string | Uint8Array, signType: SignType];
type Done = [id: number, signature: string];

interface PoolWorker {
  readonly worker: Worker;
  /** Its thread has started and read the key: until then the pool signs in-process. */
  ready: boolean;
  inFlight: number;
  queued: Job[];
}

interface PendingJob {
  readonly job: Job;
  readonly owner: PoolWorker;
  readonly resolve: (signature: string) => void;
  readonly reject: (error: unknown) => void;
}

export interface SigningPool extends ResponseSigner {
  close(): Promise<void>;
  /** False once close() was called or every thread died (it then signs in-process). */
  readonly usable: boolean;
}

/**
 * One thread per core but one, which the main thread keeps busy (at least one). On the 2-core machine,
 * one signing thread answered more than two in each of six alternating pairs (3,035-3,181 against
 * 2,781-3,003 requests/s in memory, p99 11-13 against 12-14 ms): a second thread mostly sleeps and is
 * woken per batch, and each wake-up costs the main thread about 40 µs.
 */
function defaultSigningThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

function createSigningPool(privateKeyPem: string, fallback: ResponseSigner, size = defaultSigningThreads()): SigningPool {
  const pending = new Map<number, PendingJob>();
  // Checked before a job is queued: an answer given again costs no message to a thread either.
  const memo = createSignatureMemo();
  let nextId = 0;
  let closed = false;

  /** A worker that dies must not leave requests waiting forever: its jobs are signed in-process. */
  function retire(entry: PoolWorker): void {
    const at = workers.indexOf(entry);
    if (at >= 0) workers.splice(at, 1);
    if (workers.length === 0) closed = true;
    for (const [id, job] of pending) {
      if (job.owner !== entry) continue;
      pending.delete(id);
      fallback.sign(job.job[1], job.job[2]).then(job.resolve, job.reject);
    }
  }

  const workers: PoolWorker[] = Array.from({ length: Math.max(1, size) }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { privateKeyPem } });
    const entry: PoolWorker = { worker, ready: false, inFlight: 0, queued: [] };
    worker.on('message', (done: Done[] | 'ready') => {
      if (done === 'ready') return void (entry.ready = true);
      entry.inFlight -= done.length;
      for (const [id, signature] of done) {
        const job = pending.get(id);
        if (!job) continue;
        memo.remember(job.job[1], job.job[2], signature);
        job.resolve(signature);
        pending.delete(id);
      }
    });
    worker.on('error', () => retire(entry));
    worker.on('exit', () => retire(entry));
    // After the listeners: adding a 'message' listener refs the thread's port again, and an idle pool
    // then held a process that had closed its sandboxes open until the pool stopped (IDLE_POOL_MS).
    worker.unref();
    return entry;
  });

  // Jobs queued in one turn of the event loop go to a worker as one message: flushed at setImmediate,
  // once the answers to every socket that turn read are signed for. A message to an idle thread wakes
  // it, and the wake-up is paid on the main thread: flushed as a microtask instead (one message a
  // request), the main thread spent 222-256 µs a request against 180-185 µs, in alternating runs.
  let flushScheduled = false;
  function flush(): void {
    flushScheduled = false;
    for (const entry of workers) {
      if (entry.queued.length === 0) continue;
      entry.inFlight += entry.queued.length;
      entry.worker.postMessage(entry.queued);
      entry.queued = [];
    }
  }

  /** The ready thread with the fewest jobs; undefined while none has started yet. */
  function leastBusy(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const entry of workers) {
      if (entry.ready && (!best || entry.inFlight + entry.queued.length < best.inFlight + best.queued.length)) best = entry;
    }
    return best;
  }

  return {
    get usable() {
      return !closed;
    },
    sign(content, signType) {
      const recalled = memo.recall(content, signType);
      if (recalled !== undefined) return Promise.resolve(recalled);
      // A thread takes tens of milliseconds to start: the first answers after a start are not held for it.
      const owner = closed ? undefined : leastBusy();
      if (!owner) return fallback.sign(content, signType);
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const job: Job = [id, content, signType];
        pending.set(id, { job, owner, resolve, reject });
        owner.queued.push(job);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {
      closed = true;
      await Promise.all([...workers].map((entry) => entry.worker.terminate()));
    },
  };
}

interface SharedPool {
  readonly pool: SigningPool;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

/** Pools by thread count and key, for the sandboxes of this process. */
const sharedPools = new Map<string, SharedPool>();

/** How long a pool nobody uses waits for the next sandbox before its threads stop. */
const IDLE_POOL_MS = 2000;

/**
 * A pool shared by the sandboxes one process starts with the same key: a test suite that starts a
 * sandbox per file (ours did 94 in one `npm test`) would otherwise start and stop a thread each time,
 * about 40 ms of CPU apiece. close() releases this sandbox's use; the threads stop once no sandbox
 * has used the pool for IDLE_POOL_MS (unref'd meanwhile, so they never hold the process open).
 */
export function sharedSigningPool(privateKeyPem: string, fallback: ResponseSigner, size = defaultSigningThreads()): SigningPool {
  const key = `${size}\n${privateKeyPem}`;
  let entry = sharedPools.get(key);
  if (!entry?.pool.usable) {
    entry = { pool: createSigningPool(privateKeyPem, fallback, size), users: 0 };
    sharedPools.set(key, entry);
  }
  const shared = entry;
  clearTimeout(shared.idleTimer);
  shared.users++;
  let released = false;
  return {
    get usable() {
      return !released && shared.pool.usable;
    },
    sign: (content, signType) => (released ? fallback.sign(content, signType) : shared.pool.sign(content, signType)),
    async close() {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      shared.idleTimer = setTimeout(() => {
        if (sharedPools.get(key) === shared) sharedPools.delete(key);
        void shared.pool.close();
      }, IDLE_POOL_MS).unref();
    },
  };
}
