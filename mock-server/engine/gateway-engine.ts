/**
 * The gateway engine: one pure path from a raw gateway.do request to a raw response, shared by every
 * adapter (HTTP server, and later msw and undici). It decides every outcome; adapters only translate.
 *
 *   bytes → parameters (charset) → public parameters → app → signature → timestamp
 *         → scenario decision → method → biz_content schema → method handler → signed envelope
 */
import type { ErrorObject } from 'ajv';
import type { RegisteredApp } from '../apps/app-registry.js';
import type { RequestJournal } from '../journal/request-journal.js';
import { pageErrorPage } from '../pages/certification-page.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../pages/html.js';
import type { SandboxStore } from '../state/sandbox-store.js';
import type { MethodRegistry, RegisteredMethod } from '../methods/method-registry.js';
import { businessError, PUBLIC_CODE_MSG, PUBLIC_SUB_CODES, publicError, publicErrorWithSubMsg, type ErrorFields } from '../protocol/public-errors.js';
import { checkPublicParameters, type PublicParameters, type SignType } from '../protocol/public-parameters.js';
import { decodeRequestParameters, ParameterError, type DecodedParameters } from '../protocol/request-parameters.js';
import { decryptContent as decryptAes } from '../protocol/aes-content.js';
import { buildEnvelope, ERROR_RESPONSE_KEY, nodeText, responseNodeKey, type ResponseNode, type ResponseSigner } from '../protocol/response-envelope.js';
import { signStringBytes, signStringText, verifySignature } from '../protocol/signature.js';
import { checkTimestamp } from '../protocol/timestamp.js';
import type { Decision, RuleReference } from '../scenarios/scenario-book.js';
import { fieldReader, type FaultKind, type ScenarioOutcome, type ScenarioRequest } from '../scenarios/scenario-rules.js';
import { isConnectionFault, statusPage, truncatedEnvelope, type ConnectionFault, type EnvelopeFault } from './envelope-faults.js';

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
  readonly body: string;
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
}

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  timestampWindowMs: 15 * 60 * 1000,
  maxBodyBytes: 4 * 1024 * 1024,
};

export interface AppDirectory {
  find(appId: string): RegisteredApp | undefined;
}

export interface ScenarioDecider {
  decide(request: ScenarioRequest): Decision;
}

export interface GatewayEngineDependencies {
  readonly apps: AppDirectory;
  readonly methods: MethodRegistry;
  readonly scenarios: ScenarioDecider;
  readonly journal: RequestJournal;
  readonly state: SandboxStore;
  readonly signer: ResponseSigner;
  readonly settings: GatewaySettings;
  /** The SNs of certificate mode: the sandbox's Alipay public-key certificate and its root (reference §6). */
  readonly certificates: { readonly alipayCertSn: string; readonly alipayRootCertSn: string };
  /** The real time: timestamps are checked against it, and the journal dated by it. */
  readonly now: () => number;
  /** The business clock (movable by tests): what expiry and ids are measured against. */
  readonly businessNow: () => number;
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

/** What the engine learns about a request as it goes: who calls, and what the scenario decided. */
interface RequestState {
  method?: string;
  app?: RegisteredApp;
  /** The request's own sign_type, when it names one the gateway knows. */
  signType?: SignType;
  decoded?: DecodedParameters;
  decision?: Decision;
  /** A scenario's fault applied to whatever envelope the request gets. */
  envelopeFault?: EnvelopeFault;
  /** A certificate-mode request: the answer carries alipay_cert_sn. */
  certificateMode?: boolean;
  /** The request's content was AES-encrypted: so is the answer's node. */
  aesKey?: Buffer;
}

type BizContent = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly refusal: ErrorFields };

interface AuthenticatedRequest {
  readonly method: string;
  readonly bizContent: BizContent;
  readonly app: RegisteredApp;
  readonly parameters: Readonly<Record<string, string>>;
  readonly decision: Decision;
}

/** The engine's answer before it becomes bytes. */
type Answer =
  | { readonly kind: 'node'; readonly node: ResponseNode; readonly detail?: string }
  | { readonly kind: 'page'; readonly html: string }
  | { readonly kind: 'connection'; readonly fault: ConnectionFault }
  | { readonly kind: 'http-status'; readonly status: number };

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
const WELL_FORMED_METHOD = /^[A-Za-z0-9_.]{1,128}$/;

function pageHeaders(traceId: string): Record<string, string> {
  return { 'content-type': 'text/html;charset=utf-8', 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, trace_id: traceId };
}

/** A normal success with a scenario's field overrides; null removes a field. */
function withOverrides(node: ResponseNode, overrides: Readonly<Record<string, unknown>>): ResponseNode {
  const out: ResponseNode = { ...node };
  for (const [field, value] of Object.entries(overrides)) {
    if (value === null) delete out[field];
    else out[field] = value;
  }
  return out;
}

export function createGatewayEngine(deps: GatewayEngineDependencies): GatewayEngine {
  const { apps, methods, signer, settings } = deps;

  function checkTransport(request: GatewayRequest): void {
    if (request.httpMethod !== 'GET' && request.httpMethod !== 'POST') {
      throw new Rejection(publicError('isv.invalid-parameter', `gateway.do takes GET or POST, not ${request.httpMethod}`));
    }
    if (request.bodyExceededLimit) {
      throw new Rejection(publicError('isv.invalid-parameter', `the request body exceeds the sandbox's limit of ${settings.maxBodyBytes} bytes`));
    }
    const type = request.contentType?.trim();
    if (request.body.length > 0 && type && !FORM_CONTENT_TYPE.test(type)) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `Content-Type ${type} is not accepted; send parameters as application/x-www-form-urlencoded`),
      );
    }
  }

  function identify(values: { get(name: string): string | null | undefined }, state: RequestState): void {
    const appId = values.get('app_id');
    const method = values.get('method');
    const signType = values.get('sign_type');
    if (appId) state.app = apps.find(appId);
    if (method && WELL_FORMED_METHOD.test(method)) state.method = method;
    if (signType === 'RSA2' || signType === 'RSA') state.signType = signType;
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
        publicErrorWithSubMsg('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signString}`),
      );
    }
  }

  /** biz_content parsed once: the rules read it, and the method validates it (or the refusal). */
  /** Certificate mode (reference §6): the app's certificate SN and the sandbox root's, both signed. */
  function checkCertificate(values: Readonly<Record<string, string>>, app: RegisteredApp, state: RequestState): void {
    const appCertSn = values.app_cert_sn;
    const rootCertSn = values.alipay_root_cert_sn;
    if (appCertSn === undefined) {
      if (app.certificate?.required) {
        throw new Rejection(publicError('isv.missing-app-cert-sn', `app ${app.appId} is set up with a public-key certificate: send app_cert_sn and alipay_root_cert_sn`));
      }
      return;
    }
    if (!app.certificate) {
      throw new Rejection(publicError('isv.invalid-parameter', `app ${app.appId} is set up with a public key, not a certificate: drop app_cert_sn, or register the app with app_cert`));
    }
    if (appCertSn !== app.certificate.sn) {
      throw new Rejection(publicError('isv.invalid-parameter', `app_cert_sn ${appCertSn} is not the SN of app ${app.appId}'s certificate (${app.certificate.sn})`));
    }
    if (rootCertSn !== deps.certificates.alipayRootCertSn) {
      throw new Rejection(
        publicError('isv.invalid-parameter', `alipay_root_cert_sn ${rootCertSn ?? '(missing)'} is not the SN of the sandbox's root certificate (${deps.certificates.alipayRootCertSn}); use fixtures/certs/alipayRootCert.crt`),
      );
    }
    state.certificateMode = true;
  }

  /** encrypt_type=AES (reference §5): biz_content arrives encrypted with the app's key, signed as sent. */
  function decryptContent(decoded: DecodedParameters, app: RegisteredApp, state: RequestState): DecodedParameters {
    const encryptType = decoded.values.encrypt_type;
    if (encryptType === undefined) return decoded;
    if (encryptType !== 'AES') throw new Rejection(publicError('isv.invalid-encrypt-type', `encrypt_type "${encryptType}" is not AES, the only one Alipay supports`));
    if (!app.aesKey) {
      throw new Rejection(publicError('isv.decryption-error-not-valid-encrypt-key', `app ${app.appId} has no AES key: set one with POST /__admin/apps/${app.appId}/aes-key`));
    }
    const ciphertext = decoded.values.biz_content;
    const plaintext = ciphertext === undefined ? undefined : decryptAes(ciphertext, app.aesKey);
    if (plaintext === undefined) {
      // The SDKs' own comment on this answer: "服务端解密错误，sub_msg: 解密出错, 未知错误".
      throw new Rejection(publicError('isv.decryption-error-unknown'), 'biz_content does not decrypt with the app\'s AES key (AES-128-CBC, zero IV, PKCS#5, base64)');
    }
    state.aesKey = app.aesKey;
    return { ...decoded, values: { ...decoded.values, biz_content: plaintext } };
  }

  function parseBizContent(text: string | undefined): BizContent {
    if (text === undefined) return { ok: true, value: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, refusal: publicError('isv.invalid-parameter', `biz_content is not JSON (${(error as Error).message}); send a JSON object`) };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, refusal: publicError('isv.invalid-parameter', 'biz_content must be a JSON object') };
    }
    return { ok: true, value: parsed as Record<string, unknown> };
  }

  function registeredMethod(name: string): RegisteredMethod {
    const registered = methods.get(name);
    if (!registered) {
      throw new Rejection(publicError('isv.invalid-method', `${name} is not an API this sandbox serves; see the README's method list`));
    }
    return registered;
  }

  function runMethod(registered: RegisteredMethod, request: AuthenticatedRequest): Answer {
    const { definition, validateBizContent } = registered;
    if (!request.bizContent.ok) throw new Rejection(request.bizContent.refusal);
    const bizContent = request.bizContent.value;
    if (!validateBizContent(bizContent)) {
      const errors: readonly ErrorObject[] = validateBizContent.errors ?? [];
      const refusal = definition.schemaFailure(errors);
      throw new Rejection(refusal.error, refusal.detail);
    }
    const outcome = definition.handle(bizContent, {
      appId: request.app.appId,
      nowMs: deps.businessNow(),
      state: deps.state,
      membership: request.decision.membership,
      parameters: request.parameters,
    });
    if (outcome.kind === 'refused') throw new Rejection(outcome.refusal.error, outcome.refusal.detail);
    if (outcome.kind === 'page') return { kind: 'page', html: outcome.html };
    return { kind: 'node', node: { code: '10000', msg: PUBLIC_CODE_MSG['10000'], ...outcome.fields } };
  }

  /** Passes the protocol checks, or throws the gateway's refusal. */
  function authenticate(request: GatewayRequest, state: RequestState): { params: PublicParameters; app: RegisteredApp; decoded: DecodedParameters } {
    checkTransport(request);
    try {
      state.decoded = decodeRequestParameters(Buffer.from(request.rawQuery, 'latin1'), request.body);
    } catch (error) {
      if (error instanceof ParameterError) throw new Rejection(error.error);
      throw error;
    }
    const decoded = state.decoded;
    identify({ get: (name) => decoded.values[name] }, state);
    const checked = checkPublicParameters(decoded.values);
    if (!checked.ok) throw new Rejection(checked.error);
    const params = checked.value;
    const app = state.app;
    if (!app) {
      throw new Rejection(publicError('isv.invalid-app-id', `app_id ${params.app_id} is not registered with the sandbox; POST it to /__admin/apps`));
    }
    checkCertificate(decoded.values, app, state);
    checkSignature(params, decoded, app);
    const timestamp = checkTimestamp(params.timestamp, deps.now(), settings.timestampWindowMs);
    if (!timestamp.ok) throw new Rejection(publicError('isv.invalid-timestamp', timestamp.detail));
    return { params, app, decoded: decryptContent(decoded, app, state) };
  }

  /** Carries out what the scenario chose for an authenticated request. */
  function carryOut(outcome: ScenarioOutcome, request: AuthenticatedRequest, state: RequestState, rule: string): Answer {
    const { method } = request;
    switch (outcome.kind) {
      case 'normal': {
        const answered = runMethod(registeredMethod(method), request);
        return answered.kind === 'node' ? { ...answered, node: withOverrides(answered.node, outcome.overrides) } : answered;
      }
      case 'business-error': {
        const row = registeredMethod(method).definition.businessErrors.find(
          (r) => r.sub_code === outcome.subCode && (outcome.subMsg === undefined || r.sub_msg === outcome.subMsg),
        )!;
        throw new Rejection(businessError(row.sub_code, row.sub_msg), `chosen by ${rule}`);
      }
      case 'public-error': {
        const subMsg = outcome.subMsg ?? PUBLIC_SUB_CODES[outcome.subCode].subMsg;
        throw new Rejection(publicErrorWithSubMsg(outcome.subCode, subMsg), `chosen by ${rule}`);
      }
      case 'http-status':
        return { kind: 'http-status', status: outcome.status };
      case 'fault':
        if (isConnectionFault(outcome.fault)) return { kind: 'connection', fault: outcome.fault };
        state.envelopeFault = outcome.fault;
        return carryOut({ kind: 'normal', overrides: {} }, request, state, rule);
    }
  }

  function answer(request: GatewayRequest, state: RequestState): Answer {
    const { params, app, decoded } = authenticate(request, state);
    const bizContent = parseBizContent(decoded.values.biz_content);
    const field = fieldReader(bizContent.ok ? bizContent.value : undefined);
    const decision = (state.decision = deps.scenarios.decide({ appId: app.appId, method: params.method, field }));
    const rule = decision.rule ? `${decision.rule.source}, ${decision.rule.name}` : 'normal behaviour';
    return carryOut(decision.outcome, { method: params.method, bizContent, app, parameters: decoded.values, decision }, state, rule);
  }

  async function envelope(state: RequestState, node: ResponseNode, fault?: EnvelopeFault): Promise<string> {
    const { app, method } = state;
    // Where no app could be identified there is no key to sign for: Alipay's unsigned error_response.
    const nodeKey = app && method ? responseNodeKey(method) : ERROR_RESPONSE_KEY;
    // Signed as the client signed, so that even a client using the wrong sign type can read why it failed.
    const signType = state.signType ?? app?.signType;
    const options = { alipayCertSn: state.certificateMode ? deps.certificates.alipayCertSn : undefined, aesKey: state.aesKey };
    if (!app || !signType || fault === 'missing-sign') return buildEnvelope(nodeKey, node, undefined, options);
    if (fault === 'wrong-sign') {
      // A real signature, of other content: well-formed, and it does not verify.
      const wrong = await signer.sign(`${nodeText(node, options)} `, signType);
      return buildEnvelope(nodeKey, node, { signer: { sign: async () => wrong }, signType }, options);
    }
    const text = await buildEnvelope(nodeKey, node, { signer, signType }, options);
    return fault === 'malformed-json' ? truncatedEnvelope(text) : text;
  }

  async function respond(state: RequestState, result: Answer): Promise<GatewayResponse> {
    const decision = state.decision;
    const base = {
      outcome: { method: state.method, appId: state.app?.appId, rule: decision?.rule } as GatewayOutcome,
      delayMs: decision?.delayMs,
    };
    const traceId = deps.newTraceId();
    if (result.kind === 'connection') {
      return { ...base, status: 0, headers: {}, body: '', outcome: { ...base.outcome, fault: result.fault }, connectionFault: result.fault };
    }
    if (result.kind === 'http-status') {
      return { ...base, status: result.status, headers: { 'content-type': 'text/html', trace_id: traceId }, body: statusPage(result.status) };
    }
    if (result.kind === 'page') {
      return { ...base, status: 200, headers: pageHeaders(traceId), body: result.html, outcome: { ...base.outcome, code: '10000' } };
    }
    const { node, detail } = result;
    if (state.method && methods.get(state.method)?.definition.page) {
      // A page API's caller is a browser: it is shown the refusal as a page, as Alipay shows it.
      const headers = { ...pageHeaders(traceId), ...(detail ? { 'x-sandbox-detail': encodeURI(detail) } : {}) };
      return { ...base, status: 200, headers, body: pageErrorPage(node), outcome: { ...base.outcome, code: node.code, subCode: node.sub_code, detail } };
    }
    const envelopeFault = state.envelopeFault;
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8', trace_id: traceId };
    // SDKs ignore unknown headers; a developer reading the raw response sees why it was refused.
    if (detail) headers['x-sandbox-detail'] = encodeURI(detail);
    return {
      ...base,
      status: 200,
      headers,
      body: await envelope(state, node, envelopeFault),
      outcome: { ...base.outcome, code: node.code, subCode: node.sub_code, detail, fault: envelopeFault },
    };
  }

  function record(request: GatewayRequest, state: RequestState, response: GatewayResponse, node?: ResponseNode): void {
    deps.journal.record({
      atMs: deps.now(),
      http_method: request.httpMethod,
      method: state.method,
      app_id: state.app?.appId ?? state.decoded?.values.app_id,
      parameters: state.decoded?.values ?? {},
      response: {
        http_status: response.status,
        code: node?.code,
        sub_code: node?.sub_code,
        sub_msg: node?.sub_msg,
        detail: response.outcome.detail,
        fault: response.outcome.fault,
      },
      rule: response.outcome.rule,
      delay_ms: response.delayMs,
    });
  }

  /** Changes this request made are on disk before it is answered: an acknowledged grant survives a crash. */
  async function persisted(result: Answer): Promise<Answer> {
    if (!deps.state.dirty) return result;
    try {
      await deps.state.persist();
      return result;
    } catch (error) {
      deps.onInternalError?.(error);
      return { kind: 'node', node: publicError('aop.unknow-error', 'the sandbox could not save its state; retry the call'), detail: String(error) };
    }
  }

  return {
    settings,
    async handle(request) {
      const state: RequestState = {};
      let result: Answer;
      try {
        result = answer(request, state);
      } catch (error) {
        let node: ErrorFields;
        let detail: string | undefined;
        if (error instanceof Rejection) {
          node = error.error;
          detail = error.detail;
        } else {
          deps.onInternalError?.(error);
          node = publicError('aop.unknow-error', 'the sandbox failed on this request; its log has the details');
        }
        // Refused before its parameters were decoded: identify the caller from the query, best effort.
        if (!state.app && !state.method) identify(new URLSearchParams(request.rawQuery), state);
        result = { kind: 'node', node, detail };
      }
      result = await persisted(result);
      const response = await respond(state, result);
      record(request, state, response, result.kind === 'node' ? result.node : undefined);
      return response;
    },
  };
}
