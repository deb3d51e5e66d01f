/**
 * Alipay's OpenAPI v3 (reference §7), what alipay-sdk 4's curl() speaks: REST paths such as
 * `POST /v3/alipay/user/certify/open/initialize` with a JSON body, an `Authorization:
 * ALIPAY-SHA256withRSA app_id=…,nonce=…,timestamp=…,sign=…` header, and answers signed in headers.
 * An upload API's POST may instead be multipart/form-data, as curl() sends an AlipayFormData: the
 * parameters as JSON in a `data` part, which the signature covers as it covers a JSON body, and the
 * files as parts, checked as gateway.do checks them (method-uploads.ts).
 * Only the protocol lives here: the request reaches the same scenarios, methods and state as a
 * gateway.do call (gateway-engine.ts dispatches it), and the same outcome is rendered the v3 way.
 */
import type { RegisteredApp } from '../apps/registered-app.js';
import { openApiPath } from '../methods/api-method.js';
import { withJsonText } from '../methods/biz-content.js';
import type { RegisteredMethod } from '../methods/method-registry.js';
import { unknownOpenApiPathDiagnosis } from '../methods/method-suggestions.js';
import { withNotes } from '../methods/json-near-misses.js';
import { latin1Text, utf8Bytes } from '../protocol/bytes.js';
import { isMultipart, type MultipartBody } from '../protocol/multipart-form.js';
import { publicError, publicErrorWithSubMsg, type ErrorFields } from '../protocol/public-errors.js';
import { successFields } from '../protocol/response-envelope.js';
import { openApiSignString, signEncodingProblem, type OpenApiSignParts } from '../protocol/signature.js';
import { diagnoseOpenApiSignature } from '../protocol/signature-doctor.js';
import { checkBodyArrived } from './authenticate-request.js';
import { statusPage } from './envelope-faults.js';
import { checkGatewayUploads, filesByName, readMultipart } from './method-uploads.js';
import { detailHeader } from './render-response.js';
import type { GatewayEngineDependencies, GatewayOutcome, GatewayResponse, NonceBook, OpenApiRequest } from './engine-contract.js';

export type { NonceBook, OpenApiRequest } from './engine-contract.js';
import { Rejection, type Answer, type RequestState } from './request-state.js';

/** What a v3 call asks, once authenticated: which method, its parameters, and who asks. */
export interface OpenApiCall {
  readonly method: RegisteredMethod;
  readonly app: RegisteredApp;
  readonly parameters: Record<string, unknown>;
  /** The alipay-app-auth-token header: an ISV calling for a merchant. */
  readonly appAuthToken?: string;
}

export type OpenApiDependencies = Pick<GatewayEngineDependencies, 'apps' | 'methods' | 'crypto' | 'signer' | 'settings' | 'certificates' | 'now' | 'newTraceId'> & {
  /** An answer's alipay-nonce. */
  readonly newNonce: () => string;
  readonly nonces: NonceBook;
};

/** The nonces of one process: a Map in claim order, pruned of the expired ones as claims arrive. */
export function memoryNonceBook(): NonceBook {
  const expiries = new Map<string, number>();
  return {
    claim(nonce, keepMs, nowMs) {
      // Expiries follow the requests' timestamps, nearly the claim order: pruning stops at the first
      // live one, so an expired nonce may stay a while, and a lookup checks the expiry itself.
      for (const [seen, expiresAt] of expiries) {
        if (expiresAt > nowMs) break;
        expiries.delete(seen);
      }
      if ((expiries.get(nonce) ?? 0) > nowMs) return false;
      expiries.delete(nonce);
      expiries.set(nonce, nowMs + keepMs);
      return true;
    },
  };
}

const SCHEME = 'ALIPAY-SHA256withRSA ';

/** The part of a v3 upload that holds the parameters as JSON (alipay-sdk's curl() names it so). */
const DATA_PART = 'data';

/** A v3 upload's parts: the `data` part's text, which stands for the body (signed, parsed), and the files. */
interface OpenApiUpload {
  readonly data: string;
  readonly files: MultipartBody['files'];
}

/**
 * A multipart/form-data POST, read, where the method takes files; undefined for any other body. The
 * parameters travel in one `data` part only: any other text part would be a parameter the signature
 * does not cover.
 */
function uploadOf(request: OpenApiRequest, method: RegisteredMethod): OpenApiUpload | undefined {
  const contentType = request.headers['content-type'];
  if (contentType === undefined || !isMultipart(contentType)) return undefined;
  const { definition } = method;
  if (!definition.uploads) {
    throw new Rejection(publicError('isv.invalid-parameter', `${definition.name} takes no files: send its parameters as a JSON body (Content-Type application/json), not multipart/form-data`));
  }
  const { fields, files } = readMultipart(request.body, contentType);
  const fileNames = Object.keys(definition.uploads).join(', ');
  const textParts = fields.map((field) => latin1Text(field.name));
  const other = textParts.find((name) => name !== DATA_PART);
  if (other !== undefined) {
    throw new Rejection(publicError('isv.invalid-parameter', `the text part ${JSON.stringify(other)} is not read: a v3 upload carries its parameters as JSON in the one "${DATA_PART}" part, and files (${fileNames}) as parts with a filename`));
  }
  if (textParts.length !== 1) {
    const problem = textParts.length ? `has the "${DATA_PART}" part ${textParts.length} times; send it once` : `has no "${DATA_PART}" part`;
    throw new Rejection(publicError('isv.invalid-parameter', `the multipart body ${problem}: the parameters go as JSON in a part named "${DATA_PART}" (Content-Type application/json), beside the files (${fileNames})`));
  }
  return { data: new TextDecoder().decode(fields[0]!.value), files };
}

/** The Authorization header's fields, and the authString the signature covers (all but `,sign=`). */
function parseAuthorization(header: string | undefined): { fields: Record<string, string>; authString: string } {
  if (!header) throw new Rejection(publicError('isv.missing-signature', 'send Authorization: ALIPAY-SHA256withRSA app_id=…,nonce=…,timestamp=…,sign=…'));
  if (!header.startsWith(SCHEME)) {
    throw new Rejection(publicError('isv.invalid-signature-type', `the Authorization header must start with "${SCHEME.trim()}" (SHA256withRSA is the only v3 signature)`));
  }
  const value = header.slice(SCHEME.length);
  const signAt = value.lastIndexOf(',sign=');
  if (signAt < 0) throw new Rejection(publicError('isv.missing-signature', 'the Authorization header has no sign=…, last'));
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const authString = value.slice(0, signAt);
  for (const pair of authString.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) fields[pair.slice(0, at)] = pair.slice(at + 1);
  }
  fields.sign = value.slice(signAt + ',sign='.length);
  return { fields, authString };
}

/**
 * The HTTP status of a v3 refusal: 401 for authentication (alipay-sdk's own tests against Alipay record
 * invalid-auth-token as 401), 400 for invalid-method and business codes (recorded there too); 403 for
 * 40006 and 500 for 20000 follow the statuses' meaning, not a record.
 */
function httpStatusOf(error: ErrorFields): number {
  if (error.code === '20000') return 500;
  if (error.code === '20001') return 401;
  if (error.code === '40006') return 403;
  const authentication = ['isv.missing-signature', 'isv.invalid-signature', 'isv.invalid-signature-type', 'isv.invalid-app-id', 'isv.missing-app-id', 'isv.invalid-timestamp', 'isv.missing-signature-config', 'isv.missing-app-cert-sn'];
  return authentication.includes(error.sub_code) ? 401 : 400;
}

/** v3's code: the v1 sub_code without its isv./aop./isp. prefix (invalid-auth-token, invalid-method). */
export function openApiCode(subCode: string): string {
  return subCode.replace(/^(isv|aop|isp)\./, '');
}

export function createOpenApiV3(deps: OpenApiDependencies) {
  const { methods, settings } = deps;
  const byPath = new Map<string, RegisteredMethod>();
  for (const registered of methods.values()) if (registered.definition.openApi) byPath.set(openApiPath(registered.definition.name), registered);
  /** Each served v3 method's name → how it is called, for the diagnosis of an unknown path. */
  const servedCalls = new Map([...byPath].map(([path, registered]) => [registered.definition.name, `${registered.definition.openApi} ${path}`]));

  function routeOf(request: OpenApiRequest, state: RequestState): RegisteredMethod {
    const path = request.url.split('?')[0]!;
    const registered = byPath.get(path);
    if (!registered || registered.definition.openApi !== request.httpMethod) {
      const served = [...byPath.entries()].map(([p, r]) => `${r.definition.openApi} ${p}`).join(', ');
      const refusal = `${request.httpMethod} ${path} is not a v3 API this sandbox serves; it serves ${served}`;
      throw new Rejection(publicError('isv.invalid-method', refusal), withNotes(refusal, [unknownOpenApiPathDiagnosis(request.httpMethod, path, servedCalls)]));
    }
    state.method = registered.definition.name;
    return registered;
  }

  /**
   * A nonce once while its timestamp is inside the window (0 turns both checks off): kept until the
   * timestamp leaves the window, since until then the same request would pass the timestamp check.
   */
  async function checkReplay(nonce: string | undefined, timestampMs: number, nowMs: number, appId: string): Promise<void> {
    if (!settings.timestampWindowMs) return;
    if (!nonce) throw new Rejection(publicError('isv.invalid-signature', 'the Authorization header has no nonce=…; send a new random one (a UUID) with every request'));
    // At least 1 ms: a timestamp at the window's very edge is still accepted now (and Redis takes no PX 0).
    const keepMs = Math.max(timestampMs + settings.timestampWindowMs - nowMs, 1);
    if (!(await deps.nonces.claim(nonce, keepMs, nowMs, appId))) {
      throw new Rejection(publicError('isv.invalid-signature', `nonce ${nonce} was already used within the last ${settings.timestampWindowMs / 60_000} minutes: a replayed request; send a new nonce with every request`));
    }
  }

  /** The request's timestamp in epoch ms, once it is inside the window (NaN with the check off). */
  function checkTimestamp(timestamp: string | undefined, nowMs: number): number {
    if (!settings.timestampWindowMs) return NaN;
    const ms = timestamp && /^\d{13}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (Number.isNaN(ms)) throw new Rejection(publicError('isv.invalid-timestamp', `timestamp=${timestamp ?? '(missing)'} in the Authorization header must be epoch milliseconds (13 digits)`));
    if (Math.abs(nowMs - ms) > settings.timestampWindowMs) {
      throw new Rejection(publicError('isv.invalid-timestamp', `timestamp ${ms} is ${Math.round((nowMs - ms) / 1000)} s from the gateway's clock; the window is ${settings.timestampWindowMs / 60_000} minutes`));
    }
    return ms;
  }

  function checkCertificate(fields: Record<string, string>, request: OpenApiRequest, app: RegisteredApp, state: RequestState): void {
    const appCertSn = fields.app_cert_sn;
    if (appCertSn === undefined) {
      if (app.certificate?.required) throw new Rejection(publicError('isv.missing-app-cert-sn', `app ${app.appId} is set up with a certificate: put app_cert_sn in the Authorization header and send alipay-root-cert-sn`));
      return;
    }
    if (appCertSn !== app.certificate?.sn) throw new Rejection(publicError('isv.invalid-parameter', `app_cert_sn ${appCertSn} is not the SN of app ${app.appId}'s certificate`));
    const rootCertSn = request.headers['alipay-root-cert-sn'];
    if (rootCertSn !== deps.certificates.alipayRootCertSn) {
      throw new Rejection(publicError('isv.invalid-parameter', `the alipay-root-cert-sn header ${rootCertSn ?? '(missing)'} is not the SN of the sandbox's root certificate (${deps.certificates.alipayRootCertSn})`));
    }
    state.certificateMode = true;
  }

  /** What the signature covers: authString, method, path?query, body, and the app auth token when sent. */
  function signParts(authString: string, request: OpenApiRequest, body: string): OpenApiSignParts {
    return { authString, httpMethod: request.httpMethod, url: request.url, body, appAuthToken: request.headers['alipay-app-auth-token'] };
  }

  function queryOf(request: OpenApiRequest): URLSearchParams {
    return new URLSearchParams(request.url.split('?')[1] ?? '');
  }

  /** A POST's parameters that its definition says travel in the query (openApiQuery), as sent. */
  function queryParametersOfPost(request: OpenApiRequest, method: RegisteredMethod): Record<string, string> {
    const query = queryOf(request);
    const sent = (method.definition.openApiQuery ?? []).filter((name) => query.has(name));
    return Object.fromEntries(sent.map((name) => [name, query.get(name)!]));
  }

  /**
   * The method's parameters: the JSON body of a POST (with the query parameters its definition names),
   * the query of a GET; JSON objects where v1 has JSON text.
   */
  function parametersOf(request: OpenApiRequest, body: string, method: RegisteredMethod, carrier: string): Record<string, unknown> {
    let parameters: unknown;
    if (request.httpMethod === 'GET') {
      parameters = Object.fromEntries(queryOf(request));
    } else {
      try {
        parameters = body === '' ? {} : JSON.parse(body);
      } catch (error) {
        throw new Rejection(publicError('isv.invalid-parameter', `${carrier} is not JSON (${(error as Error).message}); send the parameters as a JSON object`));
      }
    }
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) throw new Rejection(publicError('isv.invalid-parameter', `${carrier} must be a JSON object`));
    const sent = parameters as Record<string, unknown>;
    const value = method.definition.openApiQuery ? { ...sent, ...queryParametersOfPost(request, method) } : sent;
    return method.jsonTextFields.length ? withJsonText(value, method.jsonTextFields) : value;
  }

  /**
   * Passes the v3 checks, or rejects with the refusal (with the expected sign string in its detail).
   * The nonce is claimed only once the signature holds: a forged request must not use up a real one.
   */
  async function authenticate(request: OpenApiRequest, state: RequestState): Promise<OpenApiCall> {
    checkBodyArrived(request, settings);
    const method = routeOf(request, state);
    const upload = uploadOf(request, method);
    const { fields, authString } = parseAuthorization(request.headers.authorization);
    const app = fields.app_id === undefined ? undefined : deps.apps.find(fields.app_id);
    if (!app) throw new Rejection(publicError('isv.invalid-app-id', `app_id ${fields.app_id ?? '(missing)'} in the Authorization header is not registered with the sandbox; POST it to /__admin/apps`));
    state.app = app;
    checkCertificate(fields, request, app, state);
    const nowMs = deps.now();
    const timestampMs = checkTimestamp(fields.timestamp, nowMs);
    const body = upload ? upload.data : new TextDecoder().decode(request.body);
    const parts = signParts(authString, request, body);
    const expected = openApiSignString(parts);
    state.signature = 'refused';
    if (!deps.crypto.verify(utf8Bytes(expected), fields.sign!, 'RSA2', app.publicKey)) {
      // The refusal is the same whatever failed; the detail names the mistake the sign was made with, then the sign string expected.
      const diagnosis = () => diagnoseOpenApiSignature({ ...parts, sign: fields.sign!, app, apps: deps.apps.all() }, deps.crypto);
      throw new Rejection(
        publicErrorWithSubMsg('isv.invalid-signature', '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配'),
        signEncodingProblem(fields.sign!) ?? `${diagnosis()}. The gateway verified SHA256withRSA over ${JSON.stringify(expected)}${upload ? ` (a multipart body: the "${DATA_PART}" part's text as the body, the files left out)` : ''} with app ${app.appId}'s public key`,
      );
    }
    state.signature = 'verified';
    await checkReplay(fields.nonce, timestampMs, nowMs, app.appId);
    const appAuthToken = request.headers['alipay-app-auth-token'];
    const parameters = parametersOf(request, decrypted(request, body, app, state), method, upload ? `the "${DATA_PART}" part` : 'the body');
    if (upload?.files.length) {
      state.files = filesByName(upload.files, parameters);
      checkGatewayUploads(state.files);
    }
    return { method, app, parameters, ...(appAuthToken ? { appAuthToken } : {}) };
  }

  /** alipay-encrypt-type: AES: the body is the base64 AES text of the JSON, signed as sent; the answer is encrypted too. */
  function decrypted(request: OpenApiRequest, body: string, app: RegisteredApp, state: RequestState): string {
    const encryptType = request.headers['alipay-encrypt-type'];
    if (encryptType === undefined) return body;
    if (encryptType !== 'AES') throw new Rejection(publicError('isv.invalid-encrypt-type', `alipay-encrypt-type "${encryptType}" is not AES, the only one Alipay supports`));
    if (!app.aesKey) throw new Rejection(publicError('isv.decryption-error-not-valid-encrypt-key', `app ${app.appId} has no AES key: set one with POST /__admin/apps/${app.appId}/aes-key`));
    const plain = deps.crypto.decryptContent(body.trim(), app.aesKey);
    if (!plain) throw new Rejection(publicError('isv.decryption-error-unknown'), "the body does not decrypt with the app's AES key (AES-128-CBC, zero IV, PKCS#5, base64)");
    state.aesKey = app.aesKey;
    return new TextDecoder().decode(plain);
  }

  /** Signs an answer as Alipay's v3 gateway does: `timestamp\nnonce\nbody\n` in response headers. */
  async function signedHeaders(body: string, state: RequestState, traceId: string): Promise<Record<string, string>> {
    const timestamp = String(deps.now());
    const nonce = deps.newNonce();
    const signature = await deps.signer.sign(`${timestamp}\n${nonce}\n${body}\n`, 'RSA2');
    return {
      'content-type': 'application/json;charset=utf-8',
      'alipay-trace-id': traceId,
      'alipay-timestamp': timestamp,
      'alipay-nonce': nonce,
      'alipay-signature': signature,
      ...(state.certificateMode ? { 'alipay-sn': deps.certificates.alipayCertSn } : {}),
    };
  }

  /** The body of a refusal: `{ code, message, links }` (alipay-sdk adds the alipay-trace-id to the message itself). */
  function errorBody(error: ErrorFields): string {
    return JSON.stringify({ code: openApiCode(error.sub_code), message: error.sub_msg, links: [{ link: 'https://opendocs.alipay.com/common/02km9f', desc: '解决方案' }] });
  }

  async function respond(state: RequestState, result: Answer): Promise<GatewayResponse> {
    const decision = state.decision;
    const outcome: GatewayOutcome = { method: state.method, appId: state.app?.appId, rule: decision?.rule };
    const base = { outcome, delayMs: decision?.delayMs };
    const traceId = deps.newTraceId();
    if (result.kind === 'connection') return { ...base, status: 0, headers: {}, body: new Uint8Array(0), outcome: { ...outcome, fault: result.fault }, connectionFault: result.fault };
    if (result.kind === 'http-status') return { ...base, status: result.status, headers: { 'content-type': 'text/html', 'alipay-trace-id': traceId }, body: utf8Bytes(statusPage(result.status)) };
    if (result.kind === 'page') throw new Error('no page API has a v3 path');
    const { node, detail } = result;
    const success = node.code === '10000';
    const aesKey = state.aesKey;
    const json = JSON.stringify(successFields(node));
    // An encrypted call's answer is the base64 AES text; refusals stay readable JSON.
    const body = !success ? errorBody(node as ErrorFields) : aesKey ? deps.crypto.encryptContent(utf8Bytes(json), aesKey) : json;
    // v3 has one signature type: every answer is signed, even before the app is known.
    const headers = { ...(await signedHeaders(body, state, traceId)), ...detailHeader(detail) };
    return {
      ...base,
      status: success ? 200 : httpStatusOf(node as ErrorFields),
      headers,
      body: utf8Bytes(body),
      outcome: { ...outcome, code: node.code, subCode: node.sub_code, detail },
    };
  }

  return { authenticate, respond };
}
