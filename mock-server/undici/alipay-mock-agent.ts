/**
 * An undici MockAgent bridged to the sandbox engine, for alipay-sdk: it calls Alipay through urllib,
 * which uses undici's own request() and so never meets msw's interceptors. Pass it as the SDK's
 * `proxyAgent`; requests to Alipay's gateway URLs are answered in-process, anything else is refused.
 */
import { Agent, getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import type { GatewayEngine, GatewayResponse } from '../engine/gateway-engine.js';
import { ALIPAY_GATEWAYS, rawQueryOf } from '../engine/gateway-urls.js';
import { completeFromPage, completionIdOf } from '../pages/page-completion.js';

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

function headerPairs(headers: Readonly<Record<string, string>>, length: number): Buffer[] {
  const pairs: Buffer[] = [];
  for (const [name, value] of Object.entries({ ...headers, 'content-length': String(length) })) pairs.push(Buffer.from(name), Buffer.from(value));
  return pairs;
}

type RawAnswer = Pick<GatewayResponse, 'status' | 'headers' | 'connectionFault' | 'body'>;

function deliver(handler: LegacyHandler, answer: RawAnswer): void {
  if (answer.connectionFault) {
    handler.onError?.(Object.assign(new Error(answer.connectionFault === 'connection-reset' ? 'read ECONNRESET' : 'other side closed'), { code: answer.connectionFault === 'connection-reset' ? 'ECONNRESET' : 'UND_ERR_SOCKET' }));
    return;
  }
  // undici's handlers take Buffers: a view of the answer's bytes, not a copy.
  const body = Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  handler.onHeaders?.(answer.status, headerPairs(answer.headers, body.length), () => undefined, '');
  handler.onData?.(body);
  handler.onComplete?.([]);
}

/** Production, the sandboxes and whatever else Alipay serves from: openapi.alipay.com, *.alipaydev.com, ... */
export function isAlipayHost(hostname: string): boolean {
  return /(^|\.)alipay(dev|objects)?\.(com|cn|net|hk)\.?$/i.test(hostname);
}

/** What the agent answers with: the engine for gateway.do, the admin core for the hosted page's post. */
interface AgentCore {
  readonly engine: GatewayEngine;
  readonly admin: SandboxAdmin;
}

class EngineMockAgent extends MockAgent {
  readonly #engine: GatewayEngine;
  readonly #admin: SandboxAdmin;
  readonly #gateways: readonly URL[];

  /** `passThrough`: requests to hosts other than Alipay's go on through a real agent; else all are refused. */
  constructor(core: AgentCore, gateways: readonly string[], passThrough: boolean) {
    super(passThrough ? { agent: new Agent() } : undefined);
    this.#engine = core.engine;
    this.#admin = core.admin;
    this.#gateways = gateways.map((g) => new URL(g));
    if (passThrough) this.enableNetConnect();
    else this.disableNetConnect();
  }

  /** An OpenAPI v3 path on a gateway's origin. */
  #isOpenApi(opts: Dispatcher.DispatchOptions): boolean {
    const origin = new URL(String(opts.origin)).origin;
    return opts.path.startsWith('/v3/') && this.#gateways.some((g) => g.origin === origin);
  }

  #isGateway(opts: Dispatcher.DispatchOptions): boolean {
    const origin = new URL(String(opts.origin)).origin;
    const path = opts.path.split('?')[0];
    return this.#gateways.some((g) => g.origin === origin && g.pathname === path);
  }

  /** The hosted page's form post, on a gateway's origin. */
  #completionId(opts: Dispatcher.DispatchOptions): string | undefined {
    const origin = new URL(String(opts.origin)).origin;
    if (opts.method !== 'POST' || !this.#gateways.some((g) => g.origin === origin)) return undefined;
    return completionIdOf(opts.path);
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const legacy = handler as LegacyHandler;
    const completionId = this.#completionId(opts);
    if (completionId !== undefined) return this.#answer(legacy, async () => {
      const page = await completeFromPage(this.#admin, completionId, (await bodyBytes(opts.body)).toString('utf8'));
      return { status: page.status, headers: page.headers, body: new TextEncoder().encode(page.body) };
    });
    if (this.#isOpenApi(opts)) return this.#answer(legacy, async () => {
      const body = await bodyBytes(opts.body);
      const answer = await this.#engine.handleOpenApi({ httpMethod: opts.method, url: opts.path, headers: headerMap(opts.headers), body, bodyExceededLimit: body.length > this.#engine.settings.maxBodyBytes });
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      return answer;
    });
    if (!this.#isGateway(opts)) {
      const url = new URL(opts.path, String(opts.origin));
      if (!isAlipayHost(url.hostname)) return super.dispatch(opts, handler);
      // Fail closed: an Alipay address the sandbox does not answer must never reach the real Alipay.
      legacy.onError?.(new AlipayHostRefusedError(url));
      return true;
    }
    return this.#answer(legacy, async () => {
      const body = await bodyBytes(opts.body);
      const answer = await this.#engine.handle({
        httpMethod: opts.method,
        rawQuery: rawQueryOf(opts.path),
        contentType: headerMap(opts.headers)['content-type'],
        body,
        bodyExceededLimit: body.length > this.#engine.settings.maxBodyBytes,
      });
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      return answer;
    });
  }

  /** Connects, then delivers what `work` answers (or its failure) unless the caller aborted meanwhile. */
  #answer(legacy: LegacyHandler, work: () => Promise<RawAnswer>): boolean {
    let aborted = false;
    legacy.onConnect?.(() => (aborted = true), null);
    void work().then(
      (answer) => !aborted && deliver(legacy, answer),
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
