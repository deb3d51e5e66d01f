/**
 * An undici MockAgent bridged to the sandbox engine, for alipay-sdk: it calls Alipay through urllib,
 * which uses undici's own request() and so never meets msw's interceptors. Pass it as the SDK's
 * `proxyAgent`; requests to Alipay's gateway URLs, the hosted pages on their origins and the OAuth page
 * on Alipay's OAuth hosts are answered in-process, anything else is refused. The agent only translates
 * a dispatch into the exchange (core/engine/gateway-exchange.ts, which also decides which requests are
 * the gateway's) or a hosted page (core/pages/hosted-pages.ts, which lists them), and the answer into
 * undici's handler calls.
 */
import { Agent, getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import type { ConnectionFault } from '../core/engine/envelope-faults.js';
import type { GatewayEngine, GatewaySettings } from '../core/engine/gateway-engine.js';
import { bodyOfBytes, exchange, gatewayRoutes, type ExchangeRequest, type GatewayRoutes, type Reply } from '../core/engine/gateway-exchange.js';
import { ALIPAY_GATEWAYS } from '../core/engine/gateway-urls.js';
import { answerHostedPage, hostedPageAt, type HostedPageMatch } from '../core/pages/hosted-pages.js';
import type { PageAnswer } from '../core/pages/page-completion.js';

/** The legacy handler hooks undici's mock dispatch calls (see undici/lib/mock/mock-utils.js). */
interface LegacyHandler {
  onConnect?(abort: (error?: Error) => void, context: unknown): void;
  onHeaders?(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
}

async function bodyBytes(body: Dispatcher.DispatchOptions['body']): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A dispatch's body is in hand whole once its iterable is drained: only its size can be out of bounds. */
async function exchangeRequest(opts: Dispatcher.DispatchOptions, origin: string, settings: GatewaySettings): Promise<ExchangeRequest> {
  const headers = headerMap(opts.headers);
  // The links a method answers (certify_url, verify_url) point to the origin the client called.
  return { method: opts.method, target: opts.path, contentType: headers['content-type'], headers: () => headers, body: bodyOfBytes(await bodyBytes(opts.body), settings), origin };
}

/** A hosted page's answer on the wire: UTF-8, and the connection kept (the body was read whole). */
function pageReply(page: PageAnswer): Reply {
  return { kind: 'answer', status: page.status, headers: page.headers, body: new TextEncoder().encode(page.body), closeConnection: false };
}

/** The reply's headers, with the body's Content-Length unless the reply gives its own (a HEAD's is the GET's). */
function headerPairs(headers: Readonly<Record<string, string>>, length: number): Buffer[] {
  const pairs: Buffer[] = [];
  // Compared in lower case: a reply that spells its own Content-Length otherwise would send two.
  const ownLength = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  for (const [name, value] of Object.entries(ownLength ? headers : { 'content-length': String(length), ...headers })) pairs.push(Buffer.from(name), Buffer.from(value));
  return pairs;
}

/** The errors undici itself raises when the server resets or closes the connection. */
function faultError(fault: ConnectionFault): Error {
  if (fault === 'connection-reset') return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

function deliver(handler: LegacyHandler, reply: Reply): void {
  if (reply.kind === 'fault') {
    handler.onError?.(faultError(reply.fault));
    return;
  }
  // undici's handlers take Buffers: a view of the answer's bytes, not a copy.
  const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
  handler.onHeaders?.(reply.status, headerPairs(reply.headers, body.length), () => undefined, '');
  handler.onData?.(body);
  handler.onComplete?.([]);
}

/** Production, the sandboxes and whatever else Alipay serves from: openapi.alipay.com, *.alipaydev.com, ... */
export function isAlipayHost(hostname: string): boolean {
  return /(^|\.)alipay(dev|objects)?\.(com|cn|net|hk)\.?$/i.test(hostname);
}

/** What the agent answers with: the engine for gateway.do, the admin core for the hosted pages. */
interface AgentCore {
  readonly engine: GatewayEngine;
  readonly admin: SandboxAdmin;
}

class EngineMockAgent extends MockAgent {
  readonly #engine: GatewayEngine;
  readonly #admin: SandboxAdmin;
  readonly #routes: GatewayRoutes;

  /** `passThrough`: requests to hosts other than Alipay's go on through a real agent; else all are refused. */
  constructor(core: AgentCore, gateways: readonly string[], passThrough: boolean) {
    super(passThrough ? { agent: new Agent() } : undefined);
    this.#engine = core.engine;
    this.#admin = core.admin;
    this.#routes = gatewayRoutes(gateways);
    if (passThrough) this.enableNetConnect();
    else this.disableNetConnect();
  }

  /** A hosted page's answer, with no Origin check: see hostedPageAt for why none is needed in-process. */
  async #answerPage(match: HostedPageMatch, opts: Dispatcher.DispatchOptions): Promise<Reply> {
    const body = { contentType: headerMap(opts.headers)['content-type'], bytes: await bodyBytes(opts.body) };
    return pageReply(await answerHostedPage(this.#admin, match, body));
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const legacy = handler as LegacyHandler;
    const origin = new URL(String(opts.origin)).origin;
    const page = hostedPageAt(opts.method, origin, opts.path, this.#routes.serves);
    if (page) return this.#answer(legacy, () => this.#answerPage(page, opts));
    const route = this.#routes.routeOf(origin, opts.path);
    if (route) return this.#answer(legacy, async () => (await exchange(this.#engine, route, await exchangeRequest(opts, origin, this.#engine.settings))).reply);
    const url = new URL(opts.path, String(opts.origin));
    if (!isAlipayHost(url.hostname)) return super.dispatch(opts, handler);
    // Fail closed: an Alipay address the sandbox does not answer must never reach the real Alipay.
    legacy.onError?.(new AlipayHostRefusedError(url));
    return true;
  }

  /** Connects, then delivers what `work` answers (or its failure) unless the caller aborted meanwhile. */
  #answer(legacy: LegacyHandler, work: () => Promise<Reply>): boolean {
    let aborted = false;
    legacy.onConnect?.(() => (aborted = true), null);
    void work().then(
      (reply) => !aborted && deliver(legacy, reply),
      (error: unknown) => !aborted && legacy.onError?.(error as Error),
    );
    return true;
  }
}

/** A request's headers by lower-case name, whichever of undici's shapes they come in. */
function headerMap(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const map: Record<string, string> = {};
  if (!headers) return map;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length - 1; i += 2) map[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return map;
  }
  const entries: Iterable<[string, unknown]> = Symbol.iterator in headers ? (headers as Iterable<[string, unknown]>) : Object.entries(headers);
  for (const [key, value] of entries) map[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return map;
}

export interface AlipayMockAgentOptions {
  /** The gateway URLs to answer for (default: Alipay's production and sandbox gateways). */
  readonly gateways?: readonly string[];
}

export class AlipayHostRefusedError extends Error {
  readonly code = 'ALIPAY_SANDBOX_HOST_REFUSED';

  constructor(url: URL) {
    super(`alipay-gateway-sandbox: ${url.origin}${url.pathname} is an Alipay address the sandbox does not answer; the request was stopped before it left this process`);
  }
}

/** A MockAgent to pass as alipay-sdk's `proxyAgent`: the gateways are answered in-process, anything else is refused. */
export function createAlipayMockAgent(core: AgentCore, options: AlipayMockAgentOptions = {}): MockAgent {
  return new EngineMockAgent(core, options.gateways ?? ALIPAY_GATEWAYS, false);
}

export interface AlipayInterception {
  /** The global dispatcher while the interception lasts. */
  readonly mockAgent: MockAgent;
  /** Puts the previous global dispatcher back. */
  restore(): Promise<void>;
}

/**
 * Routes every undici request of this process (alipay-sdk's urllib, and Node's own fetch) through the
 * sandbox: Alipay's gateway URLs are answered by the engine, any other Alipay address fails with
 * AlipayHostRefusedError, and other hosts (loopback servers, Pact's mock server) are reached as usual.
 * Beside msw's setupServer, which alipay-sdk's requests never meet, this makes an unmodified SDK work
 * offline and keeps every request off the real Alipay.
 */
export function interceptAlipayHosts(core: AgentCore, options: AlipayMockAgentOptions = {}): AlipayInterception {
  const previous = getGlobalDispatcher();
  const mockAgent = new EngineMockAgent(core, options.gateways ?? ALIPAY_GATEWAYS, true);
  setGlobalDispatcher(mockAgent);
  return {
    mockAgent,
    async restore() {
      if (getGlobalDispatcher() === mockAgent) setGlobalDispatcher(previous);
      await mockAgent.close();
    },
  };
}
