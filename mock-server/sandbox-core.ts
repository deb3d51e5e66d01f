/**
 * A sandbox without a network, on Node: keys, apps, state, scenarios, journal and the gateway engine,
 * with the helpers a test suite drives it by. It reads the shipped files and the data folder and
 * hands them to the platform-neutral assembly (sandbox-assembly.ts). The HTTP server, the msw
 * handlers and the undici bridge are adapters around one of these.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { FileAppStorage } from './storage/app-files.js';
import { MemoryAppStorage } from './core/apps/app-storage.js';
import type { GatewaySettings } from './core/engine/gateway-engine.js';
import { resolveScenarioPath, ScenarioFile } from './files/scenario-file.js';
import { readAlipayPrivateKey, readShippedResources } from './files/shipped-files.js';
import { createInProcessSigner } from './keys/alipay-signer.js';
import { nodeCrypto } from './keys/node-crypto.js';
import { SUPPORTED_METHODS } from './core/methods/method-registry.js';
import type { ResponseSigner } from './core/protocol/response-envelope.js';
import { assembleSandboxCore, sandboxLogger, type SandboxCore } from './sandbox-assembly.js';
import type { ScenarioBook } from './core/scenarios/scenario-book.js';
import { FileControls } from './storage/control-files.js';
import { FileStateStorage } from './storage/state-files.js';
import { MemoryStateStorage, type StateStorage } from './core/state/state-storage.js';

/**
 * Trace ids of 32 hex characters, as Alipay's: a random half drawn once per sandbox and a count. Unique like a
 * UUID each, without drawing and formatting one for every answer.
 */
function traceIds(): () => string {
  const processPart = randomBytes(8).toString('hex');
  let count = 0;
  return () => processPart + (count++).toString(16).padStart(16, '0');
}

export type { DefaultApp, SandboxControls, SandboxCore } from './sandbox-assembly.js';

export interface SandboxCoreOptions {
  /** Where registered apps and the state are kept; ignored with inMemory. */
  readonly dataDir?: string;
  /** Start even though the change log has a corrupt line: truncate it there, keeping a copy. */
  readonly repairState?: boolean;
  /** Where the state (people, grants, certifications) is kept; default: the data folder's files, or memory. */
  readonly stateStorage?: StateStorage;
  readonly inMemory?: boolean;
  /** No request log; warnings and errors (a broken scenario reload, say) still print. */
  readonly quiet?: boolean;
  readonly logger?: Logger;
  readonly settings?: Partial<GatewaySettings>;
  /**
   * The start scenario: a file path or the name of one in scenarios/ (reloaded when it changes), or a
   * scenario document itself.
   */
  readonly scenario?: string | object;
  /** How many requests the journal keeps (default 1000). */
  readonly journalCapacity?: number;
  /** Drop certifications older than this many days on the business clock (default: keep them all). */
  readonly retentionDays?: number;
  /** Signs responses; the HTTP server passes its worker pool. Default: on the calling thread. */
  readonly signer?: ResponseSigner;
  /** Real time, for request timestamps and the journal (tests of parity fix it). */
  readonly now?: () => number;
  /**
   * Where replicas share their state: `redis://host:port/db`. Apps, state, scenarios, the clock and
   * the journal then live there instead of the data folder.
   */
  readonly store?: string;
}

/** The start scenario from a file, loaded now and watched. */
function scenarioFileFor(nameOrPath: string, logger: Logger) {
  return (book: ScenarioBook) => {
    const file = new ScenarioFile(resolveScenarioPath(nameOrPath), book, SUPPORTED_METHODS, {
      loaded: (path) => logger.info({ scenario: path }, 'scenario loaded'),
      failed: (error) => logger.error({ scenario: error.source, path: error.path, problem: error.problem }, 'scenario not reloaded: the file is broken'),
    });
    file.load();
    file.watch();
    return file;
  };
}

export async function createSandboxCore(options: SandboxCoreOptions = {}): Promise<SandboxCore> {
  const logger = options.logger ?? sandboxLogger(options.quiet);
  const dataDir = options.inMemory || options.store ? undefined : (options.dataDir ?? 'data');
  // Loaded only when asked for: a plain serve does not pay for the Redis client at start.
  const replication = options.store ? await (await import('./replicas/redis-replication.js')).openRedisReplication(options.store, logger) : undefined;
  // A start that fails after connecting closes the connection: an open socket would keep the process alive.
  return assembleSandboxCore({
    resources: readShippedResources(),
    appStorage: replication?.appStorage ?? (dataDir ? new FileAppStorage(dataDir) : new MemoryAppStorage()),
    stateStorage: replication?.stateStorage ?? options.stateStorage ?? (dataDir ? new FileStateStorage(dataDir, { repair: options.repairState }) : new MemoryStateStorage()),
    replication,
    controlStorage: dataDir ? new FileControls(dataDir) : undefined,
    crypto: nodeCrypto,
    signer: options.signer ?? createInProcessSigner(readAlipayPrivateKey()),
    logger,
    newTraceId: traceIds(),
    settings: options.settings,
    scenario: typeof options.scenario === 'string' ? scenarioFileFor(options.scenario, logger) : options.scenario,
    journalCapacity: options.journalCapacity,
    retentionDays: options.retentionDays,
    now: options.now,
    memoryUsage: () => process.memoryUsage(),
  }).catch(async (error: unknown) => {
    await replication?.close();
    throw error;
  });
}
