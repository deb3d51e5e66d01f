/**
 * The gateway engine: one pure path from a raw gateway.do request to a raw response, shared by every
 * adapter (HTTP server, and later msw and undici). It decides every outcome; adapters only translate.
 *
 *   bytes → parameters (charset) → public parameters → app → signature → timestamp → method
 *         → biz_content schema → method handler → signed envelope
 */
import type { ErrorObject } from 'ajv';
import type { RegisteredApp } from '../apps/app-registry.js';
import type { MethodRegistry, RegisteredMethod } from '../methods/method-registry.js';
import { PUBLIC_CODE_MSG, publicError, publicErrorWithSubMsg, type ErrorFields } from '../protocol/public-errors.js';
import { checkPublicParameters, type PublicParameters, type SignType } from '../protocol/public-parameters.js';
import { decodeRequestParameters, ParameterError, type DecodedParameters } from '../protocol/request-parameters.js';
import {
  buildEnvelope,
  ERROR_RESPONSE_KEY,
  responseNodeKey,
  type ResponseNode,
  type ResponseSigner,
} from '../protocol/response-envelope.js';
import { signStringBytes, signStringText, verifySignature } from '../protocol/signature.js';
import { checkTimestamp } from '../protocol/timestamp.js';

export interface GatewayRequest {
  /** The HTTP verb: gateway.do answers GET and POST. */
  readonly httpMethod: string;
  /** The query string after `?`, still percent-encoded. */
  readonly rawQuery: string;
  readonly contentType?: string;
  readonly body: Buffer;
  /** Set by an adapter that stopped reading a body larger than `settings.maxBodyBytes`. */
  readonly bodyExceededLimit?: boolean;
}

/** What one request did, for the request log and (later) the journal. */
export interface GatewayOutcome {
  readonly method?: string;
  readonly appId?: string;
  readonly code: string;
  readonly subCode?: string;
  /** Why a request was refused, in the sandbox's words (Alipay's sub_msg stays verbatim). */
  readonly detail?: string;
}

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly outcome: GatewayOutcome;
}

export interface GatewaySettings {
  /** Allowed skew of the `timestamp` parameter; 0 turns the check off. */
  readonly timestampWindowMs: number;
  readonly maxBodyBytes: number;
}

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  timestampWindowMs: 15 * 60 * 1000,
  maxBodyBytes: 4 * 1024 * 1024,
};

export interface AppDirectory {
  find(appId: string): RegisteredApp | undefined;
}

export interface GatewayEngineDependencies {
  readonly apps: AppDirectory;
  readonly methods: MethodRegistry;
  readonly signer: ResponseSigner;
  readonly settings: GatewaySettings;
  readonly now: () => number;
  readonly newTraceId: () => string;
  /** Told of failures in the sandbox itself, which callers see as 20000 aop.unknow-error. */
  readonly onInternalError?: (error: unknown) => void;
}

export interface GatewayEngine {
  readonly settings: GatewaySettings;
  handle(request: GatewayRequest): Promise<GatewayResponse>;
}

/** A request the gateway refuses; `error` is the node it answers with, `detail` says why. */
class Rejection extends Error {
  readonly detail: string;
  constructor(
    readonly error: ErrorFields,
    detail?: string,
  ) {
    super(error.sub_msg);
    this.detail = detail ?? error.sub_msg;
  }
}

/** What the engine knows about the caller so far; it decides the envelope's node key and signing. */
interface Caller {
  method?: string;
  app?: RegisteredApp;
  /** The request's own sign_type, when it names one the gateway knows. */
  signType?: SignType;
}

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
const WELL_FORMED_METHOD = /^[A-Za-z0-9_.]{1,128}$/;

export function createGatewayEngine(deps: GatewayEngineDependencies): GatewayEngine {
  const { apps, methods, signer, settings } = deps;

  function checkTransport(request: GatewayRequest): void {
    if (request.httpMethod !== 'GET' && request.httpMethod !== 'POST') {
      throw new Rejection(publicError('isv.invalid-parameter', `gateway.do takes GET or POST, not ${request.httpMethod}`));
    }
    if (request.bodyExceededLimit) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `the request body exceeds the sandbox's limit of ${settings.maxBodyBytes} bytes`),
      );
    }
    const type = request.contentType?.trim();
    if (request.body.length > 0 && type && !FORM_CONTENT_TYPE.test(type)) {
      throw new Rejection(
        publicError(
          'isv.invalid-parameter',
          `Content-Type ${type} is not accepted; send parameters as application/x-www-form-urlencoded`,
        ),
      );
    }
  }

  function identify(values: { get(name: string): string | null | undefined }, caller: Caller): void {
    const appId = values.get('app_id');
    const method = values.get('method');
    const signType = values.get('sign_type');
    if (appId) caller.app = apps.find(appId);
    if (method && WELL_FORMED_METHOD.test(method)) caller.method = method;
    if (signType === 'RSA2' || signType === 'RSA') caller.signType = signType;
  }

  function checkSignature(params: PublicParameters, decoded: DecodedParameters, app: RegisteredApp): void {
    if (params.sign_type !== app.signType) {
      throw new Rejection(
        publicError(
          'isv.missing-signature-config',
          `app ${app.appId} is configured for ${app.signType}, the request is signed ${params.sign_type}; ` +
            `sign with ${app.signType} or register the app with sign_type ${params.sign_type}`,
        ),
      );
    }
    if (!verifySignature(signStringBytes(decoded.list), params.sign, params.sign_type, app.publicKey)) {
      // Alipay's own wording, with the gateway's sign string HTML-escaped as Alipay writes it.
      const signString = signStringText(decoded.list).replaceAll('&', '&amp;');
      throw new Rejection(
        publicErrorWithSubMsg(
          'isv.invalid-signature',
          `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signString}`,
        ),
      );
    }
  }

  function parseBizContent(values: Readonly<Record<string, string>>): Record<string, unknown> {
    const text = values.biz_content;
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `biz_content is not JSON (${(error as Error).message}); send a JSON object`),
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Rejection(publicError('isv.invalid-parameter', 'biz_content must be a JSON object'));
    }
    return parsed as Record<string, unknown>;
  }

  function runMethod(registered: RegisteredMethod, bizContent: Record<string, unknown>, app: RegisteredApp): ResponseNode {
    const { definition, validateBizContent } = registered;
    if (!validateBizContent(bizContent)) {
      const errors: readonly ErrorObject[] = validateBizContent.errors ?? [];
      const refusal = definition.schemaFailure(errors);
      throw new Rejection(refusal.error, refusal.detail);
    }
    const outcome = definition.handle(bizContent, { appId: app.appId, nowMs: deps.now() });
    if (outcome.kind === 'refused') throw new Rejection(outcome.refusal.error, outcome.refusal.detail);
    return { code: '10000', msg: PUBLIC_CODE_MSG['10000'], ...outcome.fields };
  }

  function answer(request: GatewayRequest, caller: Caller): ResponseNode {
    checkTransport(request);
    let decoded: DecodedParameters;
    try {
      decoded = decodeRequestParameters(Buffer.from(request.rawQuery, 'latin1'), request.body);
    } catch (error) {
      if (error instanceof ParameterError) throw new Rejection(error.error);
      throw error;
    }
    identify({ get: (name) => decoded.values[name] }, caller);
    const checked = checkPublicParameters(decoded.values);
    if (!checked.ok) throw new Rejection(checked.error);
    const params = checked.value;
    const app = caller.app;
    if (!app) {
      throw new Rejection(
        publicError('isv.invalid-app-id', `app_id ${params.app_id} is not registered with the sandbox; POST it to /__admin/apps`),
      );
    }
    checkSignature(params, decoded, app);
    const timestamp = checkTimestamp(params.timestamp, deps.now(), settings.timestampWindowMs);
    if (!timestamp.ok) throw new Rejection(publicError('isv.invalid-timestamp', timestamp.detail));
    const registered = methods.get(params.method);
    if (!registered) {
      throw new Rejection(
        publicError('isv.invalid-method', `${params.method} is not an API this sandbox serves; see the README's method list`),
      );
    }
    return runMethod(registered, parseBizContent(decoded.values), app);
  }

  async function respond(caller: Caller, node: ResponseNode, detail?: string): Promise<GatewayResponse> {
    const { app, method } = caller;
    // Where no app could be identified there is no key to sign for: Alipay's unsigned error_response.
    const nodeKey = app && method ? responseNodeKey(method) : ERROR_RESPONSE_KEY;
    // Signed as the client signed, so that even a client using the wrong sign type can read why it failed.
    const signType = caller.signType ?? app?.signType;
    const body = await buildEnvelope(nodeKey, node, app && signType ? { signer, signType } : undefined);
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8', trace_id: deps.newTraceId() };
    // SDKs ignore unknown headers; a developer reading the raw response sees why it was refused.
    if (detail) headers['x-sandbox-detail'] = encodeURI(detail);
    return { status: 200, headers, body, outcome: { method, appId: app?.appId, code: node.code, subCode: node.sub_code, detail } };
  }

  return {
    settings,
    async handle(request) {
      const caller: Caller = {};
      let node: ResponseNode;
      let detail: string | undefined;
      try {
        node = answer(request, caller);
      } catch (error) {
        if (error instanceof Rejection) {
          node = error.error;
          detail = error.detail;
        } else {
          deps.onInternalError?.(error);
          node = publicError('aop.unknow-error', 'the sandbox failed on this request; its log has the details');
        }
        // Refused before its parameters were decoded: identify the caller from the query, best effort.
        if (!caller.app && !caller.method) identify(new URLSearchParams(request.rawQuery), caller);
      }
      return respond(caller, node, detail);
    },
  };
}
