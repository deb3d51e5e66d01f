/**
 * What the gateway engine takes and gives, as types: the raw requests of both protocols, the raw
 * response, the settings, and what the engine depends on. The engine (gateway-engine.ts) and its
 * parts (authenticate-request.ts, openapi-v3.ts, render-response.ts, gateway-exchange.ts) all read
 * these here, so that none of them imports another to know a shape.
 */
import type { RegisteredApp } from '../apps/registered-app.js';
import type { RequestJournal } from '../journal/request-journal.js';
import type { MethodRegistry } from '../methods/method-registry.js';
import type { CoreCrypto } from '../protocol/core-crypto.js';
import type { ResponseSigner } from '../protocol/response-envelope.js';
import type { Decision, RuleReference } from '../scenarios/scenario-book.js';
import type { FaultKind, ScenarioRequest } from '../scenarios/scenario-rules.js';
import type { SandboxStore } from '../state/sandbox-store.js';
import type { StateUnavailableError } from '../state/shared-state.js';
import type { ConnectionFault } from './envelope-faults.js';

export interface GatewayRequest {
  /** The HTTP verb: gateway.do answers GET and POST. */
  readonly httpMethod: string;
  /** The query string after `?`, still percent-encoded. */
  readonly rawQuery: string;
  readonly contentType?: string;
  /** A Node Buffer is one. */
  readonly body: Uint8Array;
  /** Set by an adapter that stopped reading a body larger than `settings.maxBodyBytes`. */
  readonly bodyExceededLimit?: boolean;
  /** Set by an adapter whose client did not finish sending the body within `settings.bodyTimeoutMs`. */
  readonly bodyTimedOut?: boolean;
  /** Where the client reached the sandbox (`http://host:port`), where the adapter knows it: links a method hands out point there. */
  readonly origin?: string;
}

/** What one request did, for the request log and the journal. */
export interface GatewayOutcome {
  readonly method?: string;
  readonly appId?: string;
  readonly code?: string;
  readonly subCode?: string;
  /** Why a request was refused, in the sandbox's words (Alipay's sub_msg stays verbatim). */
  readonly detail?: string;
  readonly rule?: RuleReference;
  readonly fault?: FaultKind;
}

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** In the request's charset for an envelope, UTF-8 for a page. */
  readonly body: Uint8Array;
  readonly outcome: GatewayOutcome;
  /** Wait this long before answering (a scenario's delay). */
  readonly delayMs?: number;
  /** Instead of answering, reset or close the connection. */
  readonly connectionFault?: ConnectionFault;
}

export interface GatewaySettings {
  /** Allowed skew of the `timestamp` parameter; 0 turns the check off. */
  readonly timestampWindowMs: number;
  readonly maxBodyBytes: number;
  /** How long a client may take to send its body; then it is answered, and its connection closed. */
  readonly bodyTimeoutMs: number;
}

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  timestampWindowMs: 15 * 60 * 1000,
  maxBodyBytes: 4 * 1024 * 1024,
  bodyTimeoutMs: 30_000,
};

export interface AppDirectory {
  find(appId: string): RegisteredApp | undefined;
  /** Every app served, the built-in one first: a failed signature is tried against the others' keys. */
  all(): readonly RegisteredApp[];
}

export interface ScenarioDecider {
  /** A promise when call counts are shared with other replicas. */
  decide(request: ScenarioRequest): Decision | Promise<Decision>;
}

export interface GatewayEngineDependencies {
  readonly apps: AppDirectory;
  readonly methods: MethodRegistry;
  readonly scenarios: ScenarioDecider;
  readonly journal: RequestJournal;
  readonly state: SandboxStore;
  readonly signer: ResponseSigner;
  /** Verifying request signatures, AES: the platform's (keys/node-crypto.ts on Node). */
  readonly crypto: CoreCrypto;
  readonly settings: GatewaySettings;
  /** The SNs of certificate mode: the sandbox's Alipay public-key certificate and its root (reference §6). */
  readonly certificates: { readonly alipayCertSn: string; readonly alipayRootCertSn: string };
  /** The real time: timestamps are checked against it, and the journal dated by it. */
  readonly now: () => number;
  /** The business clock (movable by tests): what expiry and ids are measured against. */
  readonly businessNow: () => number;
  readonly newTraceId: () => string;
  /** A v3 answer's alipay-nonce (a UUID). */
  readonly newNonce?: () => string;
  /** Told of failures in the sandbox itself, which callers see as 20000 aop.unknow-error. */
  readonly onInternalError?: (error: unknown) => void;
  /**
   * Told of each request refused because the shared store did not answer (20000 isp.unknow-error):
   * an outage the store's owner reports once, not a failure to log per request. Without it, onInternalError.
   */
  readonly onStoreUnavailable?: (error: StateUnavailableError) => void;
  /** Where v3 nonces are kept for the replay check; default: this process's memory. */
  readonly nonces?: NonceBook;
  /** State shared with other replicas: what they committed, applied before a request reads anything. */
  readonly catchUp?: () => Promise<void>;
}

export interface GatewayEngine {
  readonly settings: GatewaySettings;
  /** A gateway.do request (v1). */
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** An OpenAPI v3 request (`/v3/...`): the same outcomes, rendered the v3 way (openapi-v3.ts). */
  handleOpenApi(request: OpenApiRequest): Promise<GatewayResponse>;
}

export interface OpenApiRequest {
  readonly httpMethod: string;
  /** The path and query as the client sent them, e.g. /v3/alipay/user/certify/open/query?certify_id=… */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  readonly bodyExceededLimit?: boolean;
  readonly bodyTimedOut?: boolean;
  /** Where the client reached the sandbox, as for gateway.do (GatewayRequest.origin): links in answers go there. */
  readonly origin?: string;
}

/**
 * The nonces of v3 requests, each kept while its request's timestamp is inside the window: the
 * replay check. In memory for one process (memoryNonceBook); replicas keep them in the store they
 * share, so that a request one replica accepted is a replay on every other.
 */
export interface NonceBook {
  /**
   * Claims `nonce` for `keepMs` from `nowMs`: true when this request is the first to send it within
   * that time, false for a replay. A store that does not answer rejects (StateUnavailableError).
   * `appId` (signed with the nonce, so a replay carries it too) lets a store keep it with the app's state.
   */
  claim(nonce: string, keepMs: number, nowMs: number, appId: string): boolean | Promise<boolean>;
}
