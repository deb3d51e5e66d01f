/**
 * One request/answer exchange with the gateway engine, as every adapter (the HTTP server, the msw
 * handlers, the undici MockAgent) carries it out: which request targets reach the engine, the body
 * read within the size and time bounds, the engine's call, the scenario's delay, and whether the
 * answer goes out or the connection fails instead. An adapter only translates its world's request
 * into an ExchangeRequest and puts the Reply on its wire (a connection fault the way its world can).
 *
 * Platform-neutral like the rest of the engine (no node:*): the browser build of the msw handlers
 * runs it, and tsconfig.core.json checks it without Node's types.
 */
import type { ConnectionFault } from './envelope-faults.js';
import type { GatewayEngine, GatewayResponse, GatewaySettings } from './engine-contract.js';
import { rawQueryOf } from './gateway-urls.js';

/** The engine's two entries: gateway.do (v1) and the OpenAPI v3 paths. */
export type GatewayRoute = 'gateway.do' | 'openapi-v3';

/** The path of a request target, without its query. */
function pathOf(target: string): string {
  const at = target.indexOf('?');
  return at < 0 ? target : target.slice(0, at);
}

/**
 * The route of a target (path and query, as sent) on an origin the gateway serves, given the gateway.do
 * paths there. Paths compare exactly, as Alipay's and the HTTP server's do. Every verb is routed: the
 * engine answers a wrong one with Alipay's envelope, which a client should see rather than a 404.
 */
export function routeOnGatewayOrigin(target: string, gatewayPaths: readonly string[]): GatewayRoute | undefined {
  const path = pathOf(target);
  if (gatewayPaths.includes(path)) return 'gateway.do';
  if (path.startsWith('/v3/')) return 'openapi-v3';
  return undefined;
}

/** The targets of an in-process adapter, which answers for the gateway URLs it was given and their origins only. */
export interface GatewayRoutes {
  /** `origin` as URL#origin spells it, `target` the path and query as sent. */
  routeOf(origin: string, target: string): GatewayRoute | undefined;
  /** Whether the adapter answers for this origin at all (the hosted page posts back to it too). */
  serves(origin: string): boolean;
}

export function gatewayRoutes(gateways: readonly string[]): GatewayRoutes {
  const pathsByOrigin = new Map<string, string[]>();
  for (const gateway of gateways) {
    const { origin, pathname } = new URL(gateway);
    pathsByOrigin.set(origin, [...(pathsByOrigin.get(origin) ?? []), pathname]);
  }
  return {
    routeOf(origin, target) {
      const paths = pathsByOrigin.get(origin);
      return paths && routeOnGatewayOrigin(target, paths);
    },
    serves: (origin) => pathsByOrigin.has(origin),
  };
}

export type BodyBounds = Pick<GatewaySettings, 'maxBodyBytes' | 'bodyTimeoutMs'>;

/** A request body as the engine takes it: empty when it was not read whole (the engine refuses it unread). */
export interface BodyRead {
  readonly body: Uint8Array;
  /** Larger than maxBodyBytes: reading stopped there. */
  readonly exceeded: boolean;
  /** Not all in within bodyTimeoutMs. */
  readonly timedOut: boolean;
}

const NO_BYTES = new Uint8Array(0);

/** The decision for a body the adapter's world hands over whole (msw's Request, undici's dispatch): only its size can be wrong. */
export function bodyOfBytes(bytes: Uint8Array, bounds: Pick<BodyBounds, 'maxBodyBytes'>): BodyRead {
  const exceeded = bytes.length > bounds.maxBodyBytes;
  return { body: exceeded ? NO_BYTES : bytes, exceeded, timedOut: false };
}

/** A body that arrives in chunks, as a Node request delivers it (an IncomingMessage is one). */
export interface ChunkSource {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

function joined(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Reads at most `maxBodyBytes` within `bodyTimeoutMs`. Past the limit, or the time, it settles at once
 * (a client streaming forever, or trickling, must not hold the request) and goes on listening only to
 * drop the rest as it arrives, so that the client can still read the answer. It rejects when the
 * source fails first: the client went away, and nobody is left to answer.
 */
export function readBoundedBody(source: ChunkSource, bounds: BodyBounds): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let done = false;
    const settle = (read: BodyRead | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      chunks.length = 0;
      if (read instanceof Error) reject(read);
      else resolve(read);
    };
    const timer = setTimeout(() => settle({ body: NO_BYTES, exceeded: false, timedOut: true }), bounds.bodyTimeoutMs);
    source.on('data', (chunk) => {
      if (done) return;
      length += chunk.length;
      if (length > bounds.maxBodyBytes) return settle({ body: NO_BYTES, exceeded: true, timedOut: false });
      chunks.push(chunk);
    });
    source.on('end', () => settle({ body: joined(chunks, length), exceeded: false, timedOut: false }));
    source.on('error', settle);
  });
}

/** One request, as an adapter translates it from its world. */
export interface ExchangeRequest {
  readonly method: string;
  /** The path and query as the client sent them. */
  readonly target: string;
  readonly contentType: string | undefined;
  /** By lower-case name. Asked for on the v3 paths only (their signature covers them), to spare gateway.do the copy. */
  readonly headers: () => Readonly<Record<string, string | undefined>>;
  readonly body: BodyRead;
  /** Where the client reached the sandbox, where the adapter knows it (see GatewayRequest.origin). */
  readonly origin?: string;
}

/** What the adapter puts on its wire once the scenario's delay is over. */
export type Reply =
  | (Pick<GatewayResponse, 'status' | 'headers' | 'body'> & {
      readonly kind: 'answer';
      /** The body was not read whole: what is left of it would be taken for the next request. */
      readonly closeConnection: boolean;
    })
  | { readonly kind: 'fault'; readonly fault: ConnectionFault };

export interface Exchange {
  /** The engine's answer, for the adapter's log. */
  readonly answer: GatewayResponse;
  readonly reply: Reply;
}

function engineAnswer(engine: GatewayEngine, route: GatewayRoute, request: ExchangeRequest): Promise<GatewayResponse> {
  const { body, exceeded: bodyExceededLimit, timedOut: bodyTimedOut } = request.body;
  const origin = request.origin === undefined ? {} : { origin: request.origin };
  if (route === 'openapi-v3') {
    return engine.handleOpenApi({ httpMethod: request.method, url: request.target, headers: request.headers(), body, bodyExceededLimit, bodyTimedOut, ...origin });
  }
  return engine.handle({ httpMethod: request.method, rawQuery: rawQueryOf(request.target), contentType: request.contentType, body, bodyExceededLimit, bodyTimedOut, ...origin });
}

function replyOf(answer: GatewayResponse, read: BodyRead): Reply {
  if (answer.connectionFault) return { kind: 'fault', fault: answer.connectionFault };
  return { kind: 'answer', status: answer.status, headers: answer.headers, body: answer.body, closeConnection: read.exceeded || read.timedOut };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The engine's answer to `request`, after the scenario's delay. A failure of the engine itself rejects: each world reports a bug its own way. */
export async function exchange(engine: GatewayEngine, route: GatewayRoute, request: ExchangeRequest): Promise<Exchange> {
  const answer = await engineAnswer(engine, route, request);
  if (answer.delayMs) await wait(answer.delayMs);
  return { answer, reply: replyOf(answer, request.body) };
}
