/**
 * msw handlers built on the sandbox engine: `setupServer(...alipayHandlers(core))` answers Alipay's
 * gateway URLs (and the OpenAPI v3 paths on their hosts), and the OAuth page on Alipay's OAuth hosts,
 * in-process for fetch- and http-based clients and browsers, exactly as the HTTP sandbox would. The handlers only translate msw's Request into the
 * exchange (core/engine/gateway-exchange.ts, which also decides which requests are the gateway's) and its
 * reply into a Response.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import type { GatewayEngine, GatewaySettings } from '../core/engine/gateway-engine.js';
import { bodyOfBytes, exchange, gatewayRoutes, type ExchangeRequest, type GatewayRoute, type GatewayRoutes } from '../core/engine/gateway-exchange.js';
import { ALIPAY_GATEWAYS } from '../core/engine/gateway-urls.js';
import { agreeFromPage, ALIPAY_OAUTH_ORIGINS, consentPageFor, CONSENT_POST_PATH, OAUTH_AUTHORIZE_PATH } from '../core/pages/oauth-consent.js';
import { completeFromPage, type PageAnswer } from '../core/pages/page-completion.js';

export interface AlipayHandlerOptions {
  /** The gateway URLs to answer for (default: Alipay's production and sandbox gateways). */
  readonly gateways?: readonly string[];
}

const pageResponse = (answer: PageAnswer) => new HttpResponse(answer.body || null, { status: answer.status, headers: answer.headers });

/** The hosted page's form post, on the gateway's origin (where the page was served from). */
function pageCompletionHandler(admin: SandboxAdmin, gateway: string): HttpHandler {
  return http.post(`${new URL(gateway).origin}/__sandbox/certifications/:id/complete`, async ({ request, params }) => pageResponse(await completeFromPage(admin, String(params.id), await request.text())));
}

/** Alipay's OAuth page on one of its OAuth hosts, and the agreement it posts back to that host. */
function oauthConsentHandlers(admin: SandboxAdmin, origin: string): HttpHandler[] {
  return [
    http.get(`${origin}${OAUTH_AUTHORIZE_PATH}`, ({ request }) => pageResponse(consentPageFor(admin, new URL(request.url).search.slice(1)))),
    http.post(`${origin}${CONSENT_POST_PATH}`, async ({ request }) => pageResponse(await agreeFromPage(admin, await request.text()))),
  ];
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
    ...gateways.map((gateway) => pageCompletionHandler(core.admin, gateway)),
    ...ALIPAY_OAUTH_ORIGINS.flatMap((origin) => oauthConsentHandlers(core.admin, origin)),
  ];
}
