/**
 * msw handlers built on the sandbox engine: `setupServer(...alipayHandlers(core))` answers Alipay's
 * gateway URLs (and the OpenAPI v3 paths on their hosts) in-process for fetch- and http-based clients, exactly as the HTTP sandbox would. The
 * handlers only translate msw's Request into the engine's and back.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import type { GatewayEngine } from '../engine/gateway-engine.js';
import { ALIPAY_GATEWAYS, rawQueryOf } from '../engine/gateway-urls.js';
import { completeFromPage } from '../pages/page-completion.js';

export interface AlipayHandlerOptions {
  /** The gateway URLs to answer for (default: Alipay's production and sandbox gateways). */
  readonly gateways?: readonly string[];
}

/** The hosted page's form post, on the gateway's origin (where the page was served from). */
function pageCompletionHandler(admin: SandboxAdmin, gateway: string): HttpHandler {
  return http.post(`${new URL(gateway).origin}/__sandbox/certifications/:id/complete`, async ({ request, params }) => {
    const answer = await completeFromPage(admin, String(params.id), await request.text());
    return new HttpResponse(answer.body || null, { status: answer.status, headers: answer.headers });
  });
}

export function alipayHandlers(core: { readonly engine: GatewayEngine; readonly admin: SandboxAdmin }, options: AlipayHandlerOptions = {}): HttpHandler[] {
  const { engine } = core;
  const gateways = options.gateways ?? ALIPAY_GATEWAYS;
  const gatewayHandlers = gateways.map((gateway) =>
    http.all(gateway, async ({ request }) => {
      const body = Buffer.from(await request.arrayBuffer());
      const exceeded = body.length > engine.settings.maxBodyBytes;
      const answer = await engine.handle({
        httpMethod: request.method,
        rawQuery: rawQueryOf(request.url),
        contentType: request.headers.get('content-type') ?? undefined,
        body: exceeded ? Buffer.alloc(0) : body,
        bodyExceededLimit: exceeded,
      });
      if (answer.delayMs) await delay(answer.delayMs);
      // A reset or closed connection: the client sees a network error, as it would from the server.
      if (answer.connectionFault) return HttpResponse.error();
      return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
    }),
  );
  const origins = [...new Set(gateways.map((gateway) => new URL(gateway).origin))];
  const openApiHandlers = origins.map((origin) =>
    http.all(`${origin}/v3/*`, async ({ request }) => {
      const body = new Uint8Array(await request.arrayBuffer());
      const exceeded = body.length > engine.settings.maxBodyBytes;
      const url = new URL(request.url);
      const answer = await engine.handleOpenApi({
        httpMethod: request.method,
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: exceeded ? new Uint8Array(0) : body,
        bodyExceededLimit: exceeded,
      });
      if (answer.delayMs) await delay(answer.delayMs);
      if (answer.connectionFault) return HttpResponse.error();
      return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
    }),
  );
  return [...gatewayHandlers, ...openApiHandlers, ...gateways.map((gateway) => pageCompletionHandler(core.admin, gateway))];
}
