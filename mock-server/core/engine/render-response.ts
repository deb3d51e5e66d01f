/**
 * From the engine's answer to bytes: the signed (and, in certificate mode or with AES, shaped)
 * envelope, a hosted page or its error page, a load balancer's status page, or a connection fault.
 */
import type { MethodRegistry } from '../methods/method-registry.js';
import { pageErrorPage } from '../pages/certification-page.js';
import { PAGE_HEADERS } from '../pages/html.js';
import { utf8Bytes } from '../protocol/bytes.js';
import { charsetLabel, encodeText } from '../protocol/charset.js';
import type { CoreCrypto } from '../protocol/core-crypto.js';
import { buildEnvelope, ERROR_RESPONSE_KEY, nodeText, responseNodeKey, successFields, type ResponseNode, type ResponseSigner } from '../protocol/response-envelope.js';
import { statusPage, truncatedEnvelope, type EnvelopeFault } from './envelope-faults.js';
import type { GatewayOutcome, GatewayResponse } from './engine-contract.js';
import type { Answer, RequestState } from './request-state.js';

export interface RenderingDependencies {
  readonly methods: MethodRegistry;
  readonly signer: ResponseSigner;
  readonly crypto: CoreCrypto;
  readonly certificates: { readonly alipayCertSn: string };
  readonly newTraceId: () => string;
}

function pageHeaders(traceId: string): Record<string, string> {
  return { ...PAGE_HEADERS, trace_id: traceId };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The x-sandbox-detail header: percent-encoded (header values are Latin-1). Details can echo what the
 * caller sent, lone surrogates included, which encodeURI refuses: those become U+FFFD first.
 */
export function detailHeader(detail: string | undefined): Record<string, string> {
  return detail ? { 'x-sandbox-detail': encodeURI(detail.replace(LONE_SURROGATE, '\uFFFD')) } : {};
}

export function createResponder(deps: RenderingDependencies) {
  const { methods, signer } = deps;

  /** The node's key, and the node as this method's envelope holds it (reference §3; api-method.ts `envelope`). */
  function shaped(state: RequestState, node: ResponseNode): { nodeKey: string; node: ResponseNode } {
    const { app, method } = state;
    // Where no app could be identified there is no key to sign for: Alipay's unsigned error_response.
    if (!app || !method) return { nodeKey: ERROR_RESPONSE_KEY, node };
    const shape = methods.get(method)?.definition.envelope;
    const success = node.code === '10000';
    if (!success && shape?.refusalsInErrorResponse) return { nodeKey: ERROR_RESPONSE_KEY, node };
    if (success && shape?.successWithoutCode) return { nodeKey: responseNodeKey(method), node: successFields(node) as ResponseNode };
    return { nodeKey: responseNodeKey(method), node };
  }

  async function envelope(state: RequestState, answered: ResponseNode, fault?: EnvelopeFault): Promise<string> {
    const { app } = state;
    const { nodeKey, node } = shaped(state, answered);
    // Signed as the client signed, so that even a client using the wrong sign type can read why it failed.
    const signType = state.signType ?? app?.signType;
    const aesKey = state.aesKey;
    const encrypt = aesKey ? (plaintext: Uint8Array) => deps.crypto.encryptContent(plaintext, aesKey) : undefined;
    const options = { alipayCertSn: state.certificateMode ? deps.certificates.alipayCertSn : undefined, encrypt, charset: state.decoded?.charset };
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
      return { ...base, status: 0, headers: {}, body: new Uint8Array(0), outcome: { ...base.outcome, fault: result.fault }, connectionFault: result.fault };
    }
    if (result.kind === 'http-status') {
      return { ...base, status: result.status, headers: { 'content-type': 'text/html', trace_id: traceId }, body: utf8Bytes(statusPage(result.status)) };
    }
    if (result.kind === 'page') {
      return { ...base, status: 200, headers: pageHeaders(traceId), body: utf8Bytes(result.html), outcome: { ...base.outcome, code: '10000' } };
    }
    const { node, detail } = result;
    if (state.method && methods.get(state.method)?.definition.page) {
      // A page API's caller is a browser: it is shown the refusal as a page, as Alipay shows it.
      const headers = { ...pageHeaders(traceId), ...detailHeader(detail) };
      return { ...base, status: 200, headers, body: utf8Bytes(pageErrorPage(node)), outcome: { ...base.outcome, code: node.code, subCode: node.sub_code, detail } };
    }
    const envelopeFault = state.envelopeFault;
    // Answered in the request's charset, as Alipay answers; hosted pages above stay UTF-8 HTML.
    const charset = state.decoded?.charset ?? 'utf-8';
    const headers: Record<string, string> = { 'content-type': `application/json;charset=${charsetLabel(charset)}`, trace_id: traceId };
    // SDKs ignore unknown headers; a developer reading the raw response sees why it was refused.
    if (detail) headers['x-sandbox-detail'] = detailHeader(detail)['x-sandbox-detail']!;
    const body = encodeText(await envelope(state, node, envelopeFault), charset);
    // Every answer's path: one object each, not the base copied and then its outcome.
    const outcome: GatewayOutcome = { method: state.method, appId: state.app?.appId, rule: decision?.rule, code: node.code, subCode: node.sub_code, detail, fault: envelopeFault };
    return { outcome, delayMs: decision?.delayMs, status: 200, headers, body };
  }

  return respond;
}
