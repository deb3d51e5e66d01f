/**
 * msw handlers built on the sandbox engine: `setupServer(...alipayHandlers(core))` answers Alipay's
 * gateway URLs in-process for fetch- and http-based clients, exactly as the HTTP sandbox would. The
 * handlers only translate msw's Request into the engine's and back.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import type { GatewayEngine } from '../engine/gateway-engine.js';
import { ALIPAY_GATEWAYS, rawQueryOf } from '../engine/gateway-urls.js';

export interface AlipayHandlerOptions {
  /** The gateway URLs to answer for (default: Alipay's production and sandbox gateways). */
  readonly gateways?: readonly string[];
}

export function alipayHandlers(core: { readonly engine: GatewayEngine }, options: AlipayHandlerOptions = {}): HttpHandler[] {
  const { engine } = core;
  return (options.gateways ?? ALIPAY_GATEWAYS).map((gateway) =>
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
}
