/**
 * msw handlers built on the sandbox engine: `setupServer(...alipayHandlers(core))` answers Alipay's
 * gateway URLs (and the OpenAPI v3 paths on their hosts), the hosted pages on those origins and the
 * OAuth page on Alipay's OAuth hosts, in-process for fetch- and http-based clients and browsers,
 * exactly as the HTTP sandbox would. The handlers only translate msw's Request into the exchange
 * (core/engine/gateway-exchange.ts, which also decides which requests are the gateway's) or a hosted
 * page (core/pages/hosted-pages.ts, which lists them), and the answer into a Response.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import type { GatewayEngine, GatewaySettings } from '../core/engine/gateway-engine.js';
import { bodyOfBytes, exchange, gatewayRoutes, type ExchangeRequest, type GatewayRoute, type GatewayRoutes } from '../core/engine/gateway-exchange.js';
import { ALIPAY_GATEWAYS } from '../core/engine/gateway-urls.js';
import { answerHostedPage, hostedPageAt, type HostedPageMatch } from '../core/pages/hosted-pages.js';
import type { PageAnswer } from '../core/pages/page-completion.js';

export interface AlipayHandlerOptions {
  /** The gateway URLs to answer for (default: Alipay's production and sandbox gateways). */
  readonly gateways?: readonly string[];
}

const pageResponse = (answer: PageAnswer) => new HttpResponse(answer.body || null, { status: answer.status, headers: answer.headers });

/** The page a request is for: msw's Request carries the whole URL. */
function hostedPageOf(routes: GatewayRoutes, request: Request): HostedPageMatch | undefined {
  const url = new URL(request.url);
  return hostedPageAt(request.method, url.origin, url.pathname + url.search, routes.serves);
}

/**
 * Every hosted page, GET and form post, on the origins core/pages/hosted-pages.ts names for it, with no
 * Origin check: see hostedPageAt for why none is needed in-process.
 */
function hostedPageHandler(admin: SandboxAdmin, routes: GatewayRoutes): HttpHandler {
  return http.all(
    ({ request }) => hostedPageOf(routes, request) !== undefined,
    async ({ request }) => {
      const match = hostedPageOf(routes, request);
      if (!match) return undefined;
      const body = { contentType: request.headers.get('content-type') ?? undefined, bytes: new Uint8Array(await request.arrayBuffer()) };
      return pageResponse(await answerHostedPage(admin, match, body));
    },
  );
}

/**
 * msw's own path patterns, which these handlers had before the exchange decided, ignore case and a
 * trailing slash: the handlers keep answering those spellings (the engine still sees the path as sent).
 */
function routeOfRequest(routes: GatewayRoutes, request: Request): GatewayRoute | undefined {
  const url = new URL(request.url);
  return routes.routeOf(url.origin, url.pathname.toLowerCase().replace(/(.)\/$/, '$1') + url.search);
}

/** A Request's body is in hand whole: only its size can be out of bounds. */
async function exchangeRequest(request: Request, settings: GatewaySettings): Promise<ExchangeRequest> {
  const url = new URL(request.url);
  return {
    method: request.method,
    target: url.pathname + url.search,
    contentType: request.headers.get('content-type') ?? undefined,
    headers: () => Object.fromEntries(request.headers),
    body: bodyOfBytes(new Uint8Array(await request.arrayBuffer()), settings),
    // The links a method answers (certify_url, verify_url) point to the origin the client called.
    origin: url.origin,
  };
}

function routeHandler(engine: GatewayEngine, routes: GatewayRoutes, route: GatewayRoute): HttpHandler {
  return http.all(
    ({ request }) => routeOfRequest(routes, request) === route,
    async ({ request }) => {
      const { reply } = await exchange(engine, route, await exchangeRequest(request, engine.settings));
      // A reset or closed connection: the client sees a network error, as it would from the server.
      if (reply.kind === 'fault') return HttpResponse.error();
      return new HttpResponse(reply.body, { status: reply.status, headers: reply.headers });
    },
  );
}

const ROUTES: readonly GatewayRoute[] = ['gateway.do', 'openapi-v3'];

export function alipayHandlers(core: { readonly engine: GatewayEngine; readonly admin: SandboxAdmin }, options: AlipayHandlerOptions = {}): HttpHandler[] {
  const gateways = options.gateways ?? ALIPAY_GATEWAYS;
  const routes = gatewayRoutes(gateways);
  return [
    ...ROUTES.map((route) => routeHandler(core.engine, routes, route)),
    hostedPageHandler(core.admin, routes),
  ];
}
