/**
 * The v1 response envelope (reference §3): compact JSON with the response node first, then
 * alipay_cert_sn in certificate mode, and `sign` last: `{"<method with _>_response":{...},"sign":"..."}`.
 * The signature covers the node's JSON text exactly as written here, from its `{` to the matching `}`,
 * in the answer's charset: what every official SDK cuts out and verifies.
 */
import { encodeText, type RequestCharset } from './charset.js';
import type { SignType } from './public-parameters.js';

export const ERROR_RESPONSE_KEY = 'error_response';

export function responseNodeKey(method: string): string {
  return `${method.replaceAll('.', '_')}_response`;
}

/** A response node: code and msg first, as Alipay writes them, then sub_code/sub_msg or the payload. */
export type ResponseNode = {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
};

/** A success node's fields without code and msg: oauth.token's v1 node, and every v3 body. */
export function successFields(node: ResponseNode): Record<string, unknown> {
  const { code: _code, msg: _msg, ...fields } = node;
  return fields;
}

/** Signs response content (text as UTF-8, or bytes already in the request's charset) with the sandbox's own "Alipay" private key. */
export interface ResponseSigner {
  sign(content: string | Uint8Array, signType: SignType): Promise<string>;
}

export interface EnvelopeSigning {
  signer: ResponseSigner;
  signType: SignType;
}

/** What else shapes an envelope: certificate mode's alipay_cert_sn, AES content encryption. */
export interface EnvelopeOptions {
  readonly alipayCertSn?: string;
  /** Encrypt the node (with the app's AES key): its value becomes a JSON string of the base64 ciphertext. */
  readonly encrypt?: (plaintext: Uint8Array) => string;
  /** The request's charset: the answer's bytes, and so what its signature covers, are in it (default utf-8). */
  readonly charset?: RequestCharset;
}

/** The node as the envelope holds it, which is also exactly what the signature covers. */
export function nodeText(node: ResponseNode, options: EnvelopeOptions = {}): string {
  const json = JSON.stringify(node);
  return options.encrypt ? JSON.stringify(options.encrypt(encodeText(json, options.charset ?? 'utf-8'))) : json;
}

/** What the signature covers: the node's text in the answer's charset (UTF-8 text goes as it is). */
export function signedContent(text: string, charset: RequestCharset = 'utf-8'): string | Uint8Array {
  return charset === 'utf-8' ? text : encodeText(text, charset);
}

export async function buildEnvelope(nodeKey: string, node: ResponseNode, signing?: EnvelopeSigning, options: EnvelopeOptions = {}): Promise<string> {
  const text = nodeText(node, options);
  const certSn = options.alipayCertSn ? `,"alipay_cert_sn":${JSON.stringify(options.alipayCertSn)}` : '';
  const head = `{${JSON.stringify(nodeKey)}:${text}${certSn}`;
  if (!signing) return `${head}}`;
  const sign = await signing.signer.sign(signedContent(text, options.charset), signing.signType);
  return `${head},"sign":${JSON.stringify(sign)}}`;
}
