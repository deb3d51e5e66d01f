/**
 * Assembles a running sandbox from its parts: keys, app registry, state store and business clock,
 * method registry, scenarios, journal, engine, HTTP app. The CLI and (later) the programmatic API both start here.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { DEFAULT_APP_ID, testKeyPaths } from '../fixtures/test-keys.js';
import { AppRegistry } from './apps/app-registry.js';
import { createGatewayEngine, DEFAULT_GATEWAY_SETTINGS, type GatewaySettings } from './engine/gateway-engine.js';
import { createSandboxApp } from './http/sandbox-app.js';
import { DEFAULT_JOURNAL_CAPACITY, RequestJournal } from './journal/request-journal.js';
import { createInProcessSigner } from './keys/alipay-signer.js';
import { readPrivateKeyFile } from './keys/rsa-keys.js';
import { createSigningPool } from './keys/signing-pool.js';
import { createMethodRegistry, SUPPORTED_METHODS } from './methods/method-registry.js';
import { magicIdentityScenario } from './scenarios/magic-identity-rules.js';
import { ScenarioBook } from './scenarios/scenario-book.js';
import { BusinessClock } from './state/business-clock.js';
import { SandboxStore } from './state/sandbox-store.js';
import { loadFixturePeople } from './identity/fixture-people.js';
import { resolveScenarioPath, ScenarioFile } from './scenarios/scenario-file.js';

export interface SandboxOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Where registered apps and the sandbox's state are kept; ignored with inMemory. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly quiet?: boolean;
  readonly settings?: Partial<GatewaySettings>;
  readonly logger?: Logger;
  /** Worker threads that sign responses (default: one per core). */
  readonly signingThreads?: number;
  /** The start scenario: a file path or the name of one in scenarios/; reloaded when it changes. */
  readonly scenario?: string;
  /** How many requests the journal keeps (default 1000). */
  readonly journalCapacity?: number;
}

export interface RunningSandbox {
  readonly url: string;
  readonly gatewayUrl: string;
  readonly port: number;
  readonly alipayPublicKeyPem: string;
  readonly defaultApp: {
    readonly appId: string;
    readonly signType: 'RSA2';
    readonly privateKeyPkcs1Path: string;
    readonly privateKeyPkcs8Path: string;
    readonly publicKeyPath: string;
  };
  readonly alipayPublicKeyPath: string;
  /** The start scenario's file, when there is one. */
  readonly scenarioPath?: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8976;
export const DEFAULT_HOST = '127.0.0.1';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const logger = options.logger ?? pino({ level: options.quiet ? 'silent' : 'info', base: undefined });
  const settings: GatewaySettings = { ...DEFAULT_GATEWAY_SETTINGS, ...options.settings };
  const alipayPrivateKey = readPrivateKeyFile(testKeyPaths.alipayPrivateKey);
  const alipayPublicKeyPem = readFileSync(testKeyPaths.alipayPublicKey, 'utf8');
  const apps = await AppRegistry.open(options.inMemory ? {} : { dataDir: options.dataDir ?? 'data' }, {
    appId: DEFAULT_APP_ID,
    publicKeyPem: readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'),
  });
  const state = await SandboxStore.open(options.inMemory ? {} : { dataDir: options.dataDir ?? 'data' }, loadFixturePeople());
  const clock = new BusinessClock();
  const scenarios = new ScenarioBook({ builtIn: magicIdentityScenario(SUPPORTED_METHODS) });
  const scenarioFile = options.scenario
    ? new ScenarioFile(resolveScenarioPath(options.scenario), scenarios, SUPPORTED_METHODS, {
        loaded: (path) => logger.info({ scenario: path }, 'scenario loaded'),
        failed: (error) => logger.error({ scenario: error.source, path: error.path, problem: error.problem }, 'scenario not reloaded: the file is broken'),
      })
    : undefined;
  // A broken scenario at start is the caller's to fix: it throws, naming the file and the path in it.
  scenarioFile?.load();
  scenarioFile?.watch();
  const journal = new RequestJournal(options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY);
  const signer = createSigningPool(readFileSync(testKeyPaths.alipayPrivateKey, 'utf8'), createInProcessSigner(alipayPrivateKey), options.signingThreads);
  const engine = createGatewayEngine({
    apps,
    methods: createMethodRegistry(),
    scenarios,
    journal,
    state,
    signer,
    settings,
    now: Date.now,
    businessNow: () => clock.now(),
    newTraceId: () => randomUUID().replaceAll('-', ''),
    onInternalError: (error) => logger.error({ err: error }, 'gateway engine failed'),
  });
  const app = createSandboxApp({
    engine,
    logger,
    apps,
    scenarios,
    journal,
    state,
    clock,
    definitions: SUPPORTED_METHODS,
    reset: async () => {
      scenarios.reset();
      journal.clear();
      clock.reset();
      state.reset();
      scenarioFile?.reload();
      await state.persist();
    },
    alipayPublicKeyPem,
    startedAt: Date.now(),
  });
  const server = createServer(app);
  // Keep-alive connections of test clients must not hold close() open.
  server.keepAliveTimeout = 5000;
  const host = options.host ?? DEFAULT_HOST;
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  const url = `http://${host}:${port}`;
  return {
    url,
    gatewayUrl: `${url}/gateway.do`,
    port,
    alipayPublicKeyPem,
    alipayPublicKeyPath: testKeyPaths.alipayPublicKey,
    defaultApp: {
      appId: DEFAULT_APP_ID,
      signType: 'RSA2',
      privateKeyPkcs1Path: testKeyPaths.defaultAppPrivateKeyPkcs1,
      privateKeyPkcs8Path: testKeyPaths.defaultAppPrivateKeyPkcs8,
      publicKeyPath: testKeyPaths.defaultAppPublicKey,
    },
    scenarioPath: scenarioFile?.path,
    close: async () => {
      scenarioFile?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await signer.close();
    },
  };
}
