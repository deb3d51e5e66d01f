/**
 * `alipay-sandbox serve`: the gateway on the embedded default (test-only keys, the default app, lowdb
 * in ./data), listening until SIGINT or SIGTERM.
 */
import type { Cluster } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { isLoopback } from '../http/admin-guard.js';
import { redisAddress } from '../replicas/store-address.js';
import { startSandbox, type RunningSandbox } from '../sandbox.js';
import { serveOptionsHelp, serveSettings } from './serve-options.js';

export const usage = `usage: alipay-sandbox serve [options]

Serves http://127.0.0.1:8976/gateway.do (and the admin API under /__admin) until SIGINT or SIGTERM.
Every option can also come from its environment variable; a flag wins over the variable.

${serveOptionsHelp()}
`;

function describe(sandbox: RunningSandbox, dataDir: string | undefined, store: string | undefined, workers: number): string {
  const here = (path: string) => relative(process.cwd(), path) || path;
  return [
    'Alipay gateway sandbox is listening',
    `  gateway            ${sandbox.gatewayUrl}`,
    `  web console        ${sandbox.url}/__admin/ui`,
    `  default app_id     ${sandbox.defaultApp.appId} (sign_type RSA2)`,
    `  app private key    ${here(sandbox.defaultApp.privateKeyPkcs1Path)} (PKCS#1)`,
    // alipay-sdk reads a key as PKCS#1 unless told: given the PKCS#8 file alone, its every call fails to decode the key.
    `                     ${here(sandbox.defaultApp.privateKeyPkcs8Path)} (PKCS#8: alipay-sdk needs keyType: 'PKCS8')`,
    `  alipay public key  ${here(sandbox.alipayPublicKeyPath)} (also GET ${sandbox.url}/__admin/alipay-public-key)`,
    `  data               ${store ? `${redisAddress(store).where} (shared by every sandbox using it)` : (dataDir ?? 'in memory')}`,
    `  scenario           ${sandbox.scenarioPath ? here(sandbox.scenarioPath) : 'none (normal behaviour)'}`,
    ...(workers > 1 ? [`  workers            ${workers} processes on this port`] : []),
    '  The keys are TEST-ONLY and public: never use them outside the sandbox.',
    ...(sandbox.adminToken ? adminTokenLines(sandbox) : []),
    '',
  ].join('\n');
}

function adminTokenLines(sandbox: RunningSandbox): string[] {
  const beyondLoopback = !isLoopback(new URL(sandbox.url).hostname);
  return [
    ...(beyondLoopback ? ['', `  WARNING: listening beyond loopback (${new URL(sandbox.url).hostname}): anyone who reaches this port reaches gateway.do.`] : []),
    `  admin token        ${sandbox.adminToken} (send Authorization: Bearer <token> to /__admin)`,
  ];
}

/** SIGTERM stops the server within this, whatever is in flight. */
const STOP_DEADLINE_MS = 1500;

/** Resolves with 1 once a second signal, or the deadline after the first, comes before `stop` is done. */
function onStopSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((done) => {
    let stopping = false;
    const signalled = () => {
      // A second signal, or a close that takes longer than this, ends the process regardless.
      if (stopping) return done(1);
      stopping = true;
      setTimeout(() => done(1), STOP_DEADLINE_MS).unref();
      void stop().then(() => done(0), () => done(1));
    };
    process.on('SIGINT', signalled);
    process.on('SIGTERM', signalled);
  });
}

/**
 * `--workers N`: this process forks N sandboxes sharing its port (node:cluster hands each new
 * connection to the next one) and the store, restarts one that dies, and stops them all on a signal.
 */
async function runWorkers(cluster: Cluster, workers: number): Promise<number> {
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`sandbox worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  return onStopSignal(async () => {
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<void>((done) => {
          if (!worker || worker.isDead()) return done();
          worker.once('exit', () => done());
          worker.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  });
}

/** Starts the sandbox and resolves with its exit code once a signal has stopped it. */
export async function run(args: string[]): Promise<number> {
  const settings = serveSettings(args, process.env);
  // Loaded only for --workers: a plain serve starts without it.
  const cluster = settings.workers > 1 ? (await import('node:cluster')).default : undefined;
  if (cluster?.isPrimary) return runWorkers(cluster, settings.workers);
  // Workers split the cores: each signs on its share of them.
  const signingThreads = settings.signingThreads ?? (settings.workers > 1 ? Math.max(1, Math.floor(availableParallelism() / settings.workers)) : undefined);
  const sandbox = await startSandbox({
    port: settings.port,
    host: settings.host,
    adminHosts: settings.adminHosts,
    adminToken: settings.adminToken,
    dataDir: settings.dataDir,
    inMemory: settings.dataDir === undefined,
    store: settings.store,
    repairState: settings.repairState,
    quiet: settings.quiet,
    scenario: settings.scenario,
    journalCapacity: settings.journalSize,
    retentionDays: settings.retentionDays,
    signingThreads,
    settings: { timestampWindowMs: settings.timestampWindowMinutes * 60_000, maxBodyBytes: settings.maxBodyBytes, bodyTimeoutMs: settings.bodyTimeoutSeconds * 1000 },
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${settings.port} is already in use: choose another with --port (0 picks a free one)`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`--host ${settings.host}: this machine has no such address`);
    throw error;
  });
  // The handlers are in place before the URL is printed: a supervisor that signals as soon as it reads
  // the URL must find them (on a busy machine the write and the next line are far enough apart).
  const stopped = onStopSignal(() => sandbox.close());
  // Of several workers, the first to listen says where (they all serve the same port).
  if (!cluster || cluster.worker?.id === 1) process.stdout.write(describe(sandbox, settings.dataDir, settings.store, settings.workers));
  return stopped;
}
