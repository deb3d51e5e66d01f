/**
 * A sandbox without a network: keys, apps, state, scenarios, journal and the gateway engine, with the
 * helpers a test suite drives it by. The HTTP server, the msw handlers and the undici bridge are
 * adapters around one of these.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { DEFAULT_APP_ID, testCertificatePaths, testKeyPaths } from '../fixtures/test-keys.js';
import { createSandboxAdmin, type SandboxAdmin } from './admin/sandbox-admin.js';
import { AppRegistry, type AppRecord } from './apps/app-registry.js';
import { createGatewayEngine, DEFAULT_GATEWAY_SETTINGS, type GatewayEngine, type GatewaySettings } from './engine/gateway-engine.js';
import { loadFixturePeople } from './identity/fixture-people.js';
import { DEFAULT_JOURNAL_CAPACITY, RequestJournal, type JournalEntry, type JournalFilter } from './journal/request-journal.js';
import { createInProcessSigner } from './keys/alipay-signer.js';
import { certificateSn, rootCertificateSn } from './keys/certificate-sn.js';
import { nodeCrypto } from './keys/node-crypto.js';
import { readPrivateKeyFile } from './keys/rsa-keys.js';
import { createMethodRegistry, SUPPORTED_METHODS } from './methods/method-registry.js';
import type { ResponseSigner } from './protocol/response-envelope.js';
import { compileScenario } from './scenarios/load-scenario.js';
import { magicIdentityScenario } from './scenarios/magic-identity-rules.js';
import { ScenarioBook } from './scenarios/scenario-book.js';
import { resolveScenarioPath, ScenarioFile } from './files/scenario-file.js';
import { BusinessClock } from './state/business-clock.js';
import type { Completion } from './state/certification-flow.js';
import { SandboxStore, type Certification } from './state/sandbox-store.js';
import { FileStateStorage } from './state/state-files.js';
import { MemoryStateStorage, type StateStorage } from './state/state-storage.js';

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
  /** Signs responses; the HTTP server passes its worker pool. Default: on the calling thread. */
  readonly signer?: ResponseSigner;
  /** Real time, for request timestamps and the journal (tests of parity fix it). */
  readonly now?: () => number;
}

/** The built-in app every sandbox starts with, and where its TEST-ONLY keys are. */
export interface DefaultApp {
  readonly appId: string;
  readonly signType: 'RSA2';
  readonly privateKeyPkcs1Path: string;
  readonly privateKeyPkcs8Path: string;
  readonly publicKeyPath: string;
  /** The private key itself (PKCS#1 PEM), for clients that take key text. */
  readonly privateKeyPem: string;
}

export interface SandboxControls {
  /** The gateway engine itself, for the in-process adapters (alipayHandlers, interceptAlipayHosts). */
  readonly engine: GatewayEngine;
  /** Every admin operation, as the HTTP admin API offers it (createAdminClient is the same over HTTP). */
  readonly admin: SandboxAdmin;
  readonly alipayPublicKeyPem: string;
  readonly alipayPublicKeyPath: string;
  readonly defaultApp: DefaultApp;
  /** The start scenario's file, when there is one. */
  readonly scenarioPath?: string;
  /** Registers (or re-keys) an app, as POST /__admin/apps does. */
  registerApp(app: { app_id: string; public_key: string; sign_type?: 'RSA2' | 'RSA' }): Promise<AppRecord>;
  /** Gives one app its own scenario: a document, or YAML/JSON text. Throws ScenarioLoadError. */
  setScenario(appId: string, scenario: object | string): void;
  clearScenario(appId: string): void;
  /** The request journal, oldest first. */
  requests(filter?: JournalFilter): JournalEntry[];
  /** Back to the start state, as POST /__admin/reset. */
  reset(): Promise<void>;
  /** Finishes a pending certification without the hosted page. Throws CertificationError. */
  completeCertification(id: string, completion: Completion): Promise<Certification>;
  readonly clock: BusinessClock;
}

export interface SandboxCore extends SandboxControls {
  readonly apps: AppRegistry;
  readonly state: SandboxStore;
  readonly scenarios: ScenarioBook;
  readonly journal: RequestJournal;
  readonly logger: Logger;
  /** Stops watching the scenario file. */
  dispose(): void;
}

export async function createSandboxCore(options: SandboxCoreOptions = {}): Promise<SandboxCore> {
  // quiet silences the request log (info), not the warnings and errors a user has to see.
  const logger = options.logger ?? pino({ level: options.quiet ? 'warn' : 'info', base: undefined });
  const storage = options.inMemory ? {} : { dataDir: options.dataDir ?? 'data' };
  const alipayPublicKeyPem = readFileSync(testKeyPaths.alipayPublicKey, 'utf8');
  const rootCertificatePem = readFileSync(testCertificatePaths.alipayRootCert, 'utf8');
  const apps = await AppRegistry.open({
    ...storage,
    rootCertificatePem,
    defaultApp: {
      appId: DEFAULT_APP_ID,
      publicKeyPem: readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'),
      certificatePem: readFileSync(testCertificatePaths.defaultAppCert, 'utf8'),
    },
  });
  const stateStorage = options.stateStorage ?? (options.inMemory ? new MemoryStateStorage() : new FileStateStorage(storage.dataDir ?? 'data', { repair: options.repairState }));
  const state = await SandboxStore.open({ storage: stateStorage }, loadFixturePeople());
  const clock = new BusinessClock();
  const scenarios = new ScenarioBook({ builtIn: magicIdentityScenario(SUPPORTED_METHODS) });
  let scenarioFile: ScenarioFile | undefined;
  if (typeof options.scenario === 'string') {
    scenarioFile = new ScenarioFile(resolveScenarioPath(options.scenario), scenarios, SUPPORTED_METHODS, {
      loaded: (path) => logger.info({ scenario: path }, 'scenario loaded'),
      failed: (error) => logger.error({ scenario: error.source, path: error.path, problem: error.problem }, 'scenario not reloaded: the file is broken'),
    });
    // A broken scenario at start is the caller's to fix: it throws, naming the file and the path in it.
    scenarioFile.load();
    scenarioFile.watch();
  } else if (options.scenario) {
    scenarios.setStart(compileScenario(options.scenario, 'the scenario option', SUPPORTED_METHODS));
  }
  const startScenario = scenarios.start;
  const journal = new RequestJournal(options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY);
  const now = options.now ?? Date.now;
  const engine = createGatewayEngine({
    apps,
    methods: createMethodRegistry(),
    scenarios,
    journal,
    state,
    crypto: nodeCrypto,
    signer: options.signer ?? createInProcessSigner(readPrivateKeyFile(testKeyPaths.alipayPrivateKey)),
    settings: { ...DEFAULT_GATEWAY_SETTINGS, ...options.settings },
    certificates: {
      alipayCertSn: certificateSn(readFileSync(testCertificatePaths.alipayPublicCert, 'utf8')),
      alipayRootCertSn: rootCertificateSn(rootCertificatePem),
    },
    now,
    businessNow: () => clock.now(),
    newTraceId: () => randomUUID().replaceAll('-', ''),
    onInternalError: (error) => logger.error({ err: error }, 'gateway engine failed'),
  });

  const admin = createSandboxAdmin({
    apps,
    scenarios,
    journal,
    state,
    clock,
    definitions: SUPPORTED_METHODS,
    alipayPublicKeyPem,
    startedAt: Date.now(),
    restoreStartScenario: () => (scenarioFile ? scenarioFile.reload() : scenarios.setStart(startScenario)),
  });

  return {
    engine,
    apps,
    state,
    scenarios,
    journal,
    logger,
    clock,
    alipayPublicKeyPem,
    alipayPublicKeyPath: testKeyPaths.alipayPublicKey,
    defaultApp: {
      appId: DEFAULT_APP_ID,
      signType: 'RSA2',
      privateKeyPkcs1Path: testKeyPaths.defaultAppPrivateKeyPkcs1,
      privateKeyPkcs8Path: testKeyPaths.defaultAppPrivateKeyPkcs8,
      publicKeyPath: testKeyPaths.defaultAppPublicKey,
      privateKeyPem: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
    },
    scenarioPath: scenarioFile?.path,
    admin,
    registerApp: (app) => admin.registerApp(app),
    setScenario: (appId, scenario) => void admin.setAppScenario(appId, scenario, `setScenario(${appId})`),
    clearScenario: (appId) => admin.clearAppScenario(appId),
    requests: (filter) => journal.list(filter),
    reset: () => admin.reset(),
    completeCertification: (id, completion) => admin.completeCertification(id, completion),
    dispose: () => scenarioFile?.close(),
  };
}
