/**
 * A running sandbox: the sandbox core behind an Express server on loopback. The CLI's `serve` and the
 * programmatic API (startSandbox) both start here.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { testKeyPaths } from '../fixtures/test-keys.js';
import { createAdminGuard, isLoopback, sendRefusal } from './http/admin-guard.js';
import { routeOnGatewayOrigin, type GatewayRoute } from './core/engine/gateway-exchange.js';
import { createGatewayHandler, createOpenApiHandler } from './http/gateway-route.js';
import { isGuardedPath, readRequestTarget } from './http/request-target.js';
import type { SandboxAppDependencies } from './http/sandbox-app.js';
import { readAlipayPrivateKey } from './files/shipped-files.js';
import { createInProcessSigner } from './keys/alipay-signer.js';
import { sharedSigningPool } from './keys/signing-pool.js';
import type { AlipaySdkOptions } from './sandbox-assembly.js';
import { createSandboxCore, type SandboxControls, type SandboxCoreOptions } from './sandbox-core.js';

export interface SandboxOptions extends Omit<SandboxCoreOptions, 'signer'> {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Bound beyond loopback, the admin API needs a token (adminToken, or one made up). */
  readonly host?: string;
  /** More Host names to serve the admin API and hosted pages for (loopback names and this machine's addresses always are). */
  readonly adminHosts?: readonly string[];
  /** Required as `Authorization: Bearer <token>` on /__admin; made up when bound beyond loopback without one. */
  readonly adminToken?: string;
  /** Worker threads that sign responses (default: one per core but one, at least one). */
  readonly signingThreads?: number;
}

export interface RunningSandbox extends SandboxControls {
  /** e.g. http://127.0.0.1:8976 */
  readonly url: string;
  /** What /__admin requires, if anything (see SandboxOptions.adminToken). */
  readonly adminToken?: string;
  readonly gatewayUrl: string;
  /** alipay-sdk's options for the default app, with this server as its gateway (v1) and endpoint (v3). */
  alipaySdkOptions(): AlipaySdkOptions & { readonly gateway: string; readonly endpoint: string };
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8976;
export const DEFAULT_HOST = '127.0.0.1';

/** Where the server answers gateway.do: at its root, as Alipay's gateways do. */
const GATEWAY_PATHS = ['/gateway.do'];

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The Express app (admin API, hosted pages), loaded on the first request that needs it: Express is
 * about a third of start-up, and the gateway, which answers first, does not use it.
 */
function lazyExpressApp(deps: SandboxAppDependencies): RequestListener {
  let app: Promise<RequestListener> | undefined;
  return (req, res) => {
    app ??= import('./http/sandbox-app.js').then(({ createSandboxApp }) => createSandboxApp(deps));
    app.then(
      (handle) => handle(req, res),
      (error: unknown) => {
        // Its files are read on first use: a build (npm run build, npm test) that replaced them under
        // this running sandbox leaves it without them. A restart loads the new ones.
        const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
        const message = missing ? 'the admin API\'s files are gone or were rebuilt since this sandbox started: restart it' : `the admin API could not be loaded: ${(error as Error).message}`;
        deps.logger.error({ err: error }, message);
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: message }));
      },
    );
  };
}

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
  const signer = sharedSigningPool(
    readFileSync(testKeyPaths.alipayPrivateKey, 'utf8'),
    createInProcessSigner(readAlipayPrivateKey()),
    options.signingThreads,
  );
  let core;
  try {
    core = await createSandboxCore({ ...options, signer });
  } catch (error) {
    await signer.close();
    throw error;
  }
  const app = lazyExpressApp({ logger: core.logger, admin: core.admin, journal: core.journal, alipayPublicKeyPem: core.alipayPublicKeyPem, replication: core.replication });
  // gateway.do is the hot path: it goes straight to its handler, skipping Express's router (about a
  // tenth of a request's main-thread time); everything else is the Express app's.
  const handlers: Record<GatewayRoute, RequestListener> = { 'gateway.do': createGatewayHandler(core.engine, core.logger), 'openapi-v3': createOpenApiHandler(core.engine, core.logger) };
  const host = options.host ?? DEFAULT_HOST;
  const adminToken = options.adminToken ?? (isLoopback(host) ? undefined : randomBytes(18).toString('base64url'));
  const guard = createAdminGuard({ host, adminHosts: options.adminHosts, adminToken });
  // Timeouts are checked every second rather than Node's default 30 s, so that they bound what they say.
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // gateway.do as clients send it, read before anything else: already in normal form.
    if (routeOnGatewayOrigin(req.url ?? '', GATEWAY_PATHS) === 'gateway.do') return void handlers['gateway.do'](req, res);
    const target = readRequestTarget(req.url ?? '');
    if (!target.ok) return sendRefusal(res, { status: 400, error: target.problem });
    // From here on every part routes on the normal form, and only on it: the guard and the router agree.
    req.url = target.path + target.search;
    const route = routeOnGatewayOrigin(target.path, GATEWAY_PATHS);
    if (route) return void handlers[route](req, res);
    const refused = isGuardedPath(target.path) ? guard(req, target) : undefined;
    if (refused) return sendRefusal(res, refused);
    app(req, res);
  });
  // Keep-alive connections of test clients must not hold close() open.
  server.keepAliveTimeout = 5000;
  // Slow or endless clients are bounded: gateway.do answers a late body itself (an envelope); these
  // are the backstops for headers and for the admin API (Node's own 408).
  const bodyTimeoutMs = core.engine.settings.bodyTimeoutMs;
  server.headersTimeout = Math.min(bodyTimeoutMs, 60_000);
  server.requestTimeout = bodyTimeoutMs + 5_000;
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    ...core,
    url,
    adminToken,
    gatewayUrl: `${url}/gateway.do`,
    alipaySdkOptions: () => ({ ...core.alipaySdkOptions(), gateway: `${url}/gateway.do`, endpoint: url }),
    port,
    close: async () => {
      // A control changed in-process just before (setScenario, moveClock) is kept before the sandbox
      // goes; one the store refused was taken back already, and is no reason not to close.
      await core.admin.settled().catch(() => undefined);
      core.dispose();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await signer.close();
      await core.replication?.close();
    },
  };
}
