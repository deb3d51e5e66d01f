/**
 * Assembles a running sandbox from its parts: keys, app registry, method registry, engine, HTTP app.
 * The CLI and (later) the programmatic API both start here.
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
import { createInProcessSigner } from './keys/alipay-signer.js';
import { createSigningPool } from './keys/signing-pool.js';
import { readPrivateKeyFile } from './keys/rsa-keys.js';
import { createMethodRegistry } from './methods/method-registry.js';

export interface SandboxOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Where registered apps are kept; ignored with inMemory. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly quiet?: boolean;
  readonly settings?: Partial<GatewaySettings>;
  readonly logger?: Logger;
  /** Worker threads that sign responses (default: one per core). */
  readonly signingThreads?: number;
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
  const signer = createSigningPool(
    readFileSync(testKeyPaths.alipayPrivateKey, 'utf8'),
    createInProcessSigner(alipayPrivateKey),
    options.signingThreads,
  );
  const apps = await AppRegistry.open(options.inMemory ? {} : { dataDir: options.dataDir ?? 'data' }, {
    appId: DEFAULT_APP_ID,
    publicKeyPem: readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'),
  });
  const engine = createGatewayEngine({
    apps,
    methods: createMethodRegistry(),
    signer,
    settings,
    now: Date.now,
    newTraceId: () => randomUUID().replaceAll('-', ''),
    onInternalError: (error) => logger.error({ err: error }, 'gateway engine failed'),
  });
  const app = createSandboxApp({ engine, logger, apps, alipayPublicKeyPem, startedAt: Date.now() });
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
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await signer.close();
    },
  };
}
