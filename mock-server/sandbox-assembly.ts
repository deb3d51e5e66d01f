/**
 * A sandbox put together from what its platform gives it: the shipped keys, certificates and fixture
 * people as text and records, where apps and state are kept, a signer and the core's crypto. It reads
 * no file: the Node entry (sandbox-core.ts) reads the shipped files and the data folder, the browser
 * build bundles the same texts.
 */
import { pino, type Logger } from 'pino';
import { createSandboxAdmin, type SandboxAdmin } from './core/admin/sandbox-admin.js';
import { AppRegistry, type AppRecord } from './apps/app-registry.js';
import type { AppStorage } from './core/apps/app-storage.js';
import { createGatewayEngine, DEFAULT_GATEWAY_SETTINGS, type GatewayEngine, type GatewaySettings } from './core/engine/gateway-engine.js';
import type { RequestCriteria } from './core/journal/request-criteria.js';
import { DEFAULT_JOURNAL_CAPACITY, RequestJournal, type JournalEntry, type JournalFilter } from './core/journal/request-journal.js';
import { certificateSn, rootCertificateSn } from './keys/certificate-sn.js';
import { createMethodRegistry, SUPPORTED_METHODS } from './core/methods/method-registry.js';
import { useSha256Hex } from './core/methods/generated-ids.js';
import type { CoreCrypto } from './core/protocol/core-crypto.js';
import type { ResponseSigner } from './core/protocol/response-envelope.js';
import type { Replication } from './replicas/replication.js';
import { compileScenario } from './core/scenarios/load-scenario.js';
import { magicIdentityScenario } from './core/scenarios/magic-identity-rules.js';
import { ScenarioBook } from './core/scenarios/scenario-book.js';
import { BusinessClock } from './core/state/business-clock.js';
import type { Completion } from './core/flows/face-certification.js';
import { SandboxStore, type Certification, type Person } from './core/state/sandbox-store.js';
import type { ControlStorage, KeptControls } from './core/state/control-storage.js';
import type { StateStorage } from './core/state/state-storage.js';

/** alipay-sdk's constructor options for the default app (its own names: appId, privateKey, alipayPublicKey). */
export interface AlipaySdkOptions {
  readonly appId: string;
  /** PKCS#1 PEM, TEST-ONLY. */
  readonly privateKey: string;
  readonly alipayPublicKey: string;
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

/** The shipped TEST-ONLY keys and certificates, and the people a new sandbox knows. */
export interface SandboxResources {
  readonly alipayPublicKeyPem: string;
  /** Where a client finds the Alipay public key (a file path on Node). */
  readonly alipayPublicKeyPath: string;
  readonly alipayPublicCertPem: string;
  readonly alipayRootCertPem: string;
  readonly defaultApp: DefaultApp & { readonly publicKeyPem: string; readonly certificatePem: string };
  readonly fixturePeople: readonly Person[];
}

/** A start scenario kept in a file, reloaded when it changes (files/scenario-file.ts on Node). */
export interface StartScenarioFile {
  readonly path: string;
  reload(): void;
  close(): void;
}

export interface AssemblyParts {
  readonly resources: SandboxResources;
  readonly appStorage: AppStorage;
  readonly stateStorage: StateStorage;
  readonly crypto: CoreCrypto;
  /** Signs responses with the sandbox's "Alipay" key (a worker pool, or the calling thread). */
  readonly signer: ResponseSigner;
  readonly logger: Logger;
  readonly newTraceId: () => string;
  readonly settings?: Partial<GatewaySettings>;
  /** The start scenario as a document, or a file that sets it in the book it is given. */
  readonly scenario?: object | ((book: ScenarioBook) => StartScenarioFile);
  readonly journalCapacity?: number;
  /** Drop certifications older than this many days on the business clock (0 or absent: keep them all). */
  readonly retentionDays?: number;
  /** Real time, for request timestamps and the journal (tests of parity fix it). */
  readonly now?: () => number;
  /** The process's memory, for the admin API's health (process.memoryUsage on Node). */
  readonly memoryUsage: () => { readonly rss: number; readonly heapUsed: number };
  /** State shared with other replicas; its storages are then the app and state storages. */
  readonly replication?: Replication;
  /** Where app scenarios and the clock are kept between runs without replicas (the data folder's controls.json). */
  readonly controlStorage?: ControlStorage;
}

export interface SandboxControls {
  /** The gateway engine itself, for the in-process adapters (alipayHandlers, interceptAlipayHosts). */
  readonly engine: GatewayEngine;
  /** Every admin operation, as the HTTP admin API offers it (createAdminClient is the same over HTTP). */
  readonly admin: SandboxAdmin;
  readonly alipayPublicKeyPem: string;
  readonly alipayPublicKeyPath: string;
  readonly defaultApp: DefaultApp;
  /**
   * What alipay-sdk's constructor needs to call this sandbox as the default app:
   * `new AlipaySdk(sandbox.alipaySdkOptions())`. A running server adds its gateway and v3 endpoint, a
   * MockAgent sandbox its proxyAgent.
   */
  alipaySdkOptions(): AlipaySdkOptions;
  /** The start scenario's file, when there is one. */
  readonly scenarioPath?: string;
  /** Registers (or re-keys) an app, as POST /__admin/apps does. */
  registerApp(app: { app_id: string; public_key: string; sign_type?: 'RSA2' | 'RSA' }): Promise<AppRecord>;
  /** Gives one app its own scenario: a document, or YAML/JSON text. Throws ScenarioLoadError. */
  setScenario(appId: string, scenario: object | string): void;
  clearScenario(appId: string): void;
  /**
   * The request journal, oldest first; with `count`, `find`, `refused` and `verify` for the criteria of
   * POST /__admin/requests/count (`sandbox.requests.verify({ method: 'zhima.auth.info.authquery' }, 1)`).
   */
  readonly requests: RequestVerification;
  /** Back to the start state, as POST /__admin/reset. */
  reset(): Promise<void>;
  /** Finishes a pending certification without the hosted page. Throws CertificationError. */
  completeCertification(id: string, completion: Completion): Promise<Certification>;
  readonly clock: BusinessClock;
}

/** The journal as a test asks it: what was received, how often, and what was refused. */
export interface RequestVerification {
  (filter?: JournalFilter): JournalEntry[];
  /** How many requests meet the criteria (method, app_id, code, sub_code, protocol, since, until, biz_content). */
  count(criteria?: RequestCriteria): number;
  find(criteria?: RequestCriteria): JournalEntry[];
  /** The requests the gateway refused at protocol level, with why (`response.detail`). */
  refused(): JournalEntry[];
  /** Throws, listing what was received, unless exactly `times` requests (default 1) meet the criteria. */
  verify(criteria: RequestCriteria, times?: number): void;
}

/** One line per journalled request, for a failed verification's message. */
function describeEntries(entries: readonly JournalEntry[]): string {
  if (!entries.length) return 'none';
  return entries.map((e) => `  #${e.id} ${e.protocol} ${e.method ?? '(no method)'} app ${e.app_id ?? '?'} → ${e.response.code ?? e.response.http_status}${e.response.sub_code ? ` ${e.response.sub_code}` : ''}`).join('\n');
}

function requestVerification(admin: SandboxAdmin, journal: RequestJournal): RequestVerification {
  const verification = (filter?: JournalFilter) => journal.list(filter);
  return Object.assign(verification, {
    count: (criteria?: RequestCriteria) => admin.countRequests(criteria).count,
    find: (criteria?: RequestCriteria) => admin.findRequests(criteria).requests,
    refused: () => admin.refusedRequests().requests,
    verify(criteria: RequestCriteria, times = 1) {
      const found = admin.findRequests(criteria).requests;
      if (found.length === times) return;
      throw new Error(`expected ${times} request(s) matching ${JSON.stringify(criteria)}, found ${found.length}:\n${describeEntries(found)}\nall requests received:\n${describeEntries(journal.list())}`);
    },
  });
}

export interface SandboxCore extends SandboxControls {
  readonly apps: AppRegistry;
  readonly state: SandboxStore;
  readonly scenarios: ScenarioBook;
  readonly journal: RequestJournal;
  readonly logger: Logger;
  /** The state shared with other replicas, when there is one. */
  readonly replication?: Replication;
  /** Stops watching the scenario file. */
  dispose(): void;
}

/** The request log (info) and the warnings and errors a user has to see; quiet keeps only the latter. */
export function sandboxLogger(quiet: boolean | undefined): Logger {
  return pino({ level: quiet ? 'warn' : 'info', base: undefined });
}

/**
 * How often a running sandbox looks for certifications past the retention age: the age is in days, and
 * an hour late is within its grain. A sweep that drops any logs one line naming them; the first after
 * a start reads every certification's start time (docs/benchmarks.md).
 */
const RETENTION_SWEEP_MS = 60 * 60_000;

/**
 * The retention rule: certifications older than `days` on the business clock are dropped at start,
 * every hour, and whenever the clock is moved; their removal is written with the next answer.
 */
function retentionRule(state: SandboxStore, clock: BusinessClock, days: number | undefined, logger: Logger): { apply: () => void; stop: () => void } {
  if (!days) return { apply: () => undefined, stop: () => undefined };
  const ageMs = days * 86_400_000;
  const apply = () => {
    const dropped = state.dropOlderThan(clock.now() - ageMs);
    if (dropped) logger.info({ dropped, retention_days: days }, 'dropped certifications past the retention age');
  };
  apply();
  const timer = setInterval(apply, RETENTION_SWEEP_MS);
  (timer as { unref?: () => void }).unref?.();
  return { apply, stop: () => clearInterval(timer) };
}

/** The app scenarios and the clock as the last run left them; a scenario that no longer compiles is logged, not served. */
function applyKeptControls(kept: KeptControls, { scenarios, clock, logger }: { scenarios: ScenarioBook; clock: BusinessClock; logger: Logger }): void {
  for (const [appId, { id, source, document }] of Object.entries(kept.scenarios)) {
    try {
      scenarios.setForApp(appId, { ...compileScenario(document, source, SUPPORTED_METHODS), id });
    } catch (error) {
      logger.error({ app_id: appId, err: (error as Error).message }, 'a kept app scenario does not load with this sandbox version; the start scenario applies to the app');
    }
  }
  clock.setOffset(kept.clock_offset_ms);
}

export async function assembleSandboxCore(parts: AssemblyParts): Promise<SandboxCore> {
  const { resources, logger } = parts;
  const { defaultApp } = resources;
  const apps = await AppRegistry.open({
    storage: parts.appStorage,
    rootCertificatePem: resources.alipayRootCertPem,
    defaultApp: { appId: defaultApp.appId, publicKeyPem: defaultApp.publicKeyPem, certificatePem: defaultApp.certificatePem },
  });
  const state = await SandboxStore.open({ storage: parts.stateStorage }, resources.fixturePeople);
  const { replication } = parts;
  const clock = new BusinessClock();
  const scenarios = new ScenarioBook({ builtIn: magicIdentityScenario(SUPPORTED_METHODS), now: () => clock.now() });
  // A broken scenario at start is the caller's to fix: it throws, naming the file and the path in it.
  const scenarioFile = typeof parts.scenario === 'function' ? parts.scenario(scenarios) : undefined;
  if (parts.scenario && typeof parts.scenario !== 'function') scenarios.setStart(compileScenario(parts.scenario, 'the scenario option', SUPPORTED_METHODS));
  const startScenario = scenarios.start;
  const journal = new RequestJournal(parts.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY);
  if (parts.controlStorage) applyKeptControls(await parts.controlStorage.load(), { scenarios, clock, logger });
  await replication?.attach({ state, apps, scenarios, clock, journal, compile: (document, source) => compileScenario(document, source, SUPPORTED_METHODS) });
  const retention = retentionRule(state, clock, parts.retentionDays, logger);
  useSha256Hex(parts.crypto.sha256Hex);
  const engine = createGatewayEngine({
    apps,
    methods: createMethodRegistry(),
    scenarios,
    journal,
    state,
    crypto: parts.crypto,
    signer: parts.signer,
    settings: { ...DEFAULT_GATEWAY_SETTINGS, ...parts.settings },
    certificates: { alipayCertSn: certificateSn(resources.alipayPublicCertPem), alipayRootCertSn: rootCertificateSn(resources.alipayRootCertPem) },
    now: parts.now ?? Date.now,
    businessNow: () => clock.now(),
    newTraceId: parts.newTraceId,
    onInternalError: (error) => logger.error({ err: error }, 'gateway engine failed'),
    ...(replication ? { catchUp: () => replication.catchUp(), nonces: replication.nonces, onStoreUnavailable: (error) => replication.requestRefused(error) } : {}),
  });

  const admin = createSandboxAdmin({
    apps,
    scenarios,
    journal,
    state,
    clock,
    definitions: SUPPORTED_METHODS,
    alipayPublicKeyPem: resources.alipayPublicKeyPem,
    crypto: parts.crypto,
    startedAt: Date.now(),
    memoryUsage: parts.memoryUsage,
    restoreStartScenario: () => (scenarioFile ? scenarioFile.reload() : scenarios.setStart(startScenario)),
    onClockMoved: retention.apply,
    shared: replication?.controls ?? parts.controlStorage,
  });

  const { publicKeyPem: _publicKeyPem, certificatePem: _certificatePem, ...defaultAppView } = defaultApp;
  return {
    engine,
    apps,
    state,
    scenarios,
    journal,
    logger,
    clock,
    replication,
    alipayPublicKeyPem: resources.alipayPublicKeyPem,
    alipayPublicKeyPath: resources.alipayPublicKeyPath,
    defaultApp: defaultAppView,
    alipaySdkOptions: () => ({ appId: defaultApp.appId, privateKey: defaultApp.privateKeyPem, alipayPublicKey: resources.alipayPublicKeyPem }),
    scenarioPath: scenarioFile?.path,
    admin,
    registerApp: (app) => admin.registerApp(app),
    setScenario: (appId, scenario) => void admin.setAppScenario(appId, scenario, `setScenario(${appId})`),
    clearScenario: (appId) => admin.clearAppScenario(appId),
    requests: requestVerification(admin, journal),
    reset: () => admin.reset(),
    completeCertification: (id, completion) => admin.completeCertification(id, completion),
    dispose: () => {
      scenarioFile?.close();
      retention.stop();
    },
  };
}
