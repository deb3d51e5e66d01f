/**
 * A small typed reference client for Alipay's v1 gateway (gateway.do) and OpenAPI v3, written from the protocol
 * (../shared/reference/alipay-protocol.md), not wrapping alipay-sdk: it signs requests (RSA2 or RSA),
 * verifies response signatures, and returns typed results or throws typed errors. It works against the
 * sandbox or any gateway URL.
 */
import { createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { OPENAPI_V3, OPENAPI_V3_QUERY, TOP_LEVEL_PARAMETER_METHODS, type AlipayApis, type ApiMethod, type BizContentOf, type OpenApiMethod, type PageMethod, type AlipayPageApis, type ResultOf } from './api-types.js';

export type * from './api-types.js';

export type SignType = 'RSA2' | 'RSA';

export interface AlipayClientConfig {
  /** e.g. http://127.0.0.1:8976/gateway.do or https://openapi-sandbox.dl.alipaydev.com/gateway.do */
  readonly gateway: string;
  readonly appId: string;
  /** The app's private key: PEM (PKCS#1 or PKCS#8) or a KeyObject. */
  readonly privateKey: string | KeyObject;
  /** Alipay's (or the sandbox's) public key, to verify responses: PEM, bare base64, or a KeyObject. */
  readonly alipayPublicKey?: string | KeyObject;
  readonly signType?: SignType;
  /**
   * Verify every response's signature (default true). Only a Pact consumer test turns it off: Pact's
   * mock server re-serialises JSON, so no signature over its bodies can hold.
   */
  readonly verifyResponses?: boolean;
  readonly now?: () => Date;
  /** For OpenAPI v3 calls (callV3): the gateway's origin, e.g. http://127.0.0.1:8976 or https://openapi.alipay.com. Default: the gateway URL's origin. */
  readonly endpoint?: string;
  readonly fetch?: typeof fetch;
}

/**
 * Where a v3 call's parameters travel: all in the query of a GET; in the JSON body of a POST but for those
 * its API takes in the query, and no body at all when those are all it has (as Alipay's v3 SDKs send it).
 */
export function openApiParts(httpMethod: 'GET' | 'POST', parameters: Readonly<Record<string, unknown>>, inQuery: readonly string[]): { query: string; body: string } {
  const entries = Object.entries(parameters);
  const search = (sent: typeof entries) => `?${new URLSearchParams(sent.map(([name, value]): [string, string] => [name, String(value)]))}`;
  if (httpMethod === 'GET') return { query: search(entries), body: '' };
  const queried = entries.filter(([name]) => inQuery.includes(name));
  const rest = entries.filter(([name]) => !inQuery.includes(name));
  return { query: queried.length ? search(queried) : '', body: inQuery.length && !rest.length ? '' : JSON.stringify(Object.fromEntries(rest)) };
}

/** 40004 and the other non-10000 answers: the node Alipay sent, typed. */
export class AlipayApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly msg: string,
    readonly subCode: string | undefined,
    readonly subMsg: string | undefined,
    readonly traceId: string | undefined,
  ) {
    super(`${method}: ${code} ${msg}${subCode ? ` ${subCode} ${subMsg ?? ''}` : ''}`);
  }

  get isBusinessError(): boolean {
    return this.code === '40004';
  }
}

/** An OpenAPI v3 refusal: the HTTP status and Alipay's `{ code, message, links }`. */
export class AlipayV3Error extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly code: string,
    readonly links: ReadonlyArray<{ readonly link: string; readonly desc: string }>,
    message: string,
    readonly traceId: string | undefined,
  ) {
    super(`${method}: HTTP ${status} ${code} ${message}`);
  }
}

/** The answer was not Alipay's protocol: a non-200 status, no JSON, no node, or a signature that fails. */
export class AlipayProtocolError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(message);
  }
}

const DIGEST: Readonly<Record<SignType, string>> = { RSA2: 'sha256', RSA: 'sha1' };

function asPrivateKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

function asPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  if (key.includes('-----BEGIN')) return createPublicKey(key);
  return createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

/** yyyy-MM-dd HH:mm:ss in GMT+8, as the Java SDK writes it: right whatever the client machine's zone. */
export function gmt8Timestamp(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Every parameter but sign, empty ones dropped, sorted, joined with raw values (reference §2). */
export function signContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** The node's JSON text, from its `{` to the matching `}` (Java SDK's brace matching). */
export function signedNodeText(body: string, nodeKey: string): string | undefined {
  const at = body.indexOf(`"${nodeKey}"`);
  if (at < 0) return undefined;
  const begin = body.indexOf('{', at + nodeKey.length + 2);
  if (begin < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = begin; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return body.slice(begin, i + 1);
  }
  return undefined;
}

const PUBLIC_IN_QUERY = ['app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version', 'app_auth_token', 'return_url', 'notify_url'];

export class AlipayClient {
  readonly #config: AlipayClientConfig;
  readonly #privateKey: KeyObject;
  readonly #alipayPublicKey?: KeyObject;

  constructor(config: AlipayClientConfig) {
    this.#config = config;
    this.#privateKey = asPrivateKey(config.privateKey);
    this.#alipayPublicKey = config.alipayPublicKey === undefined ? undefined : asPublicKey(config.alipayPublicKey);
  }

  get signType(): SignType {
    return this.#config.signType ?? 'RSA2';
  }

  /**
   * The signed parameters of a call: public ones and biz_content (or, for the few APIs that take them
   * so, the business parameters beside the public ones), with sign.
   */
  signedParameters(method: string, bizContent: object, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const business = (TOP_LEVEL_PARAMETER_METHODS as readonly string[]).includes(method) ? (bizContent as Record<string, string>) : { biz_content: JSON.stringify(bizContent) };
    const params: Record<string, string> = {
      app_id: this.#config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: this.signType,
      timestamp: gmt8Timestamp((this.#config.now ?? (() => new Date()))()),
      version: '1.0',
      ...extra,
      ...business,
    };
    params.sign = sign(DIGEST[this.signType], Buffer.from(signContent(params), 'utf8'), this.#privateKey).toString('base64');
    return params;
  }

  /**
   * Calls an API; resolves with its typed result, or throws AlipayApiError / AlipayProtocolError.
   * `publicParameters` (an auth_token) travel in the URL with the other public ones, as the Node SDK sends them.
   */
  async call<M extends ApiMethod>(method: M, bizContent: BizContentOf<M>, publicParameters: Readonly<Record<string, string>> = {}): Promise<ResultOf<M>> {
    const params = this.signedParameters(method, bizContent, publicParameters);
    const query = new URLSearchParams();
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) (PUBLIC_IN_QUERY.includes(name) || name in publicParameters ? query : body).set(name, value);
    const response = await (this.#config.fetch ?? fetch)(`${this.#config.gateway}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
      body: body.toString(),
    });
    const text = await response.text();
    if (response.status !== 200) throw new AlipayProtocolError(`${method}: HTTP ${response.status}`, response.status, text);
    // The node as Alipay sent it; its shape is the API page's contract, which the Pact tests pin.
    return this.#read(method, text, response.headers.get('trace_id') ?? undefined) as unknown as ResultOf<M>;
  }

  /** The URL a page API sends the user's browser to (GET, everything signed in the query). */
  pageUrl<M extends PageMethod>(method: M, bizContent: AlipayPageApis[M], extra: { return_url?: string } = {}): string {
    const params = this.signedParameters(method, bizContent, extra.return_url ? { return_url: extra.return_url } : {});
    return `${this.#config.gateway}?${new URLSearchParams(params)}`;
  }

  /**
   * Calls an API over OpenAPI v3 (reference §7): a JSON body (POST) or query (GET) at its /v3 path,
   * signed in the Authorization header; the answer's alipay-signature header is verified.
   */
  async callV3<M extends OpenApiMethod>(method: M, parameters: BizContentOf<M>): Promise<AlipayApis[M]['response']> {
    const httpMethod = OPENAPI_V3[method];
    const path = `/v3/${method.replaceAll('.', '/')}`;
    const { query, body } = openApiParts(httpMethod, parameters as Record<string, unknown>, OPENAPI_V3_QUERY[method] ?? []);
    const authString = `app_id=${this.#config.appId},nonce=${randomUUID()},timestamp=${(this.#config.now ?? (() => new Date()))().getTime()}`;
    const signature = sign('sha256', Buffer.from(`${authString}\n${httpMethod}\n${path}${query}\n${body}\n`, 'utf8'), this.#privateKey).toString('base64');
    const endpoint = this.#config.endpoint ?? new URL(this.#config.gateway).origin;
    const response = await (this.#config.fetch ?? fetch)(`${endpoint}${path}${query}`, {
      method: httpMethod,
      headers: { authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    });
    const text = await response.text();
    const traceId = response.headers.get('alipay-trace-id') ?? undefined;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new AlipayProtocolError(`${method}: the v3 answer is not JSON`, response.status, text);
    }
    if (response.status >= 400) {
      const links = Array.isArray(json.links) ? (json.links as AlipayV3Error['links']) : [];
      throw new AlipayV3Error(method, response.status, String(json.code ?? ''), links, String(json.message ?? ''), traceId);
    }
    if (this.#config.verifyResponses !== false) {
      const signed = `${response.headers.get('alipay-timestamp')}\n${response.headers.get('alipay-nonce')}\n${text}\n`;
      const answerSignature = response.headers.get('alipay-signature');
      if (!this.#alipayPublicKey) throw new AlipayProtocolError(`${method}: no alipayPublicKey configured to verify the response`);
      if (!answerSignature || !verify('sha256', Buffer.from(signed, 'utf8'), this.#alipayPublicKey, Buffer.from(answerSignature, 'base64'))) {
        throw new AlipayProtocolError(`${method}: the v3 answer's alipay-signature does not verify`, response.status, text);
      }
    }
    return json as AlipayApis[M]['response'];
  }

  #read(method: string, text: string, traceId: string | undefined): Record<string, unknown> {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new AlipayProtocolError(`${method}: the response is not JSON`, 200, text);
    }
    const nodeKey = `${method.replaceAll('.', '_')}_response`;
    const key = nodeKey in envelope ? nodeKey : 'error_response' in envelope ? 'error_response' : undefined;
    const node = key ? (envelope[key] as Record<string, string>) : undefined;
    if (!key || !node) throw new AlipayProtocolError(`${method}: the response has no ${nodeKey}`, 200, text);
    // An unsigned error_response is what a gateway answers before it knows the app: nothing to verify.
    const unsignedError = key === 'error_response' && envelope.sign === undefined;
    if (this.#config.verifyResponses !== false && !unsignedError) this.#verify(method, text, key, envelope.sign);
    // A success is 10000, or (alipay.system.oauth.token) a node of fields with no code at all.
    const success = key === nodeKey && (node.code === undefined || node.code === '10000');
    if (!success) throw new AlipayApiError(method, node.code ?? '', node.msg ?? '', node.sub_code, node.sub_msg, traceId);
    return node;
  }

  #verify(method: string, text: string, nodeKey: string, signature: unknown): void {
    if (!this.#alipayPublicKey) throw new AlipayProtocolError(`${method}: no alipayPublicKey configured to verify the response`);
    if (typeof signature !== 'string') throw new AlipayProtocolError(`${method}: the response carries no sign`, 200, text);
    const content = signedNodeText(text, nodeKey);
    const ok = content !== undefined && verify(DIGEST[this.signType], Buffer.from(content, 'utf8'), this.#alipayPublicKey, Buffer.from(signature, 'base64'));
    if (!ok) throw new AlipayProtocolError(`${method}: the response's sign does not verify`, 200, text);
  }
}
