/**
 * POST /__admin/verify-response: why a client could not verify one of the sandbox's answers. Given
 * the body as the client received it, the sandbox cuts out the response node as the official SDKs do
 * (reference §3: the node's JSON text from its `{` to the matching `}`), checks `sign` over it with its
 * own "Alipay" key, and compares the client's Alipay public key with its own by fingerprint. The
 * platform reads keys and verifies (CoreCrypto); nothing here needs Node.
 */
import { AdminError } from './admin-error.js';
import type { ResponseVerdict } from './admin-api.js';
import { charsetNamed, type RequestCharset } from '../protocol/charset.js';
import type { CoreCrypto, VerificationKey } from '../protocol/core-crypto.js';
import { ERROR_RESPONSE_KEY, signedContent } from '../protocol/response-envelope.js';
import type { SignType } from '../protocol/public-parameters.js';

/** Larger than any answer the sandbox writes; a bigger paste is not one of its bodies. */
const MAX_BODY_CHARACTERS = 4 * 1024 * 1024;
const SIGN_TYPES: readonly SignType[] = ['RSA2', 'RSA'];

export interface SandboxAlipayKey {
  readonly key: VerificationKey;
  readonly fingerprint: string;
}

interface VerifyRequest {
  readonly body: string;
  readonly charset: RequestCharset;
  readonly clientKeyText?: string;
}

const objectOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

function requestOf(input: unknown): VerifyRequest {
  const { body, charset = 'utf-8', alipay_public_key } = objectOf(input);
  if (typeof body !== 'string' || !body.trim()) throw new AdminError(400, 'body is required: the response body as your client received it, as text');
  if (body.length > MAX_BODY_CHARACTERS) throw new AdminError(400, `body is over ${MAX_BODY_CHARACTERS} characters; the sandbox writes no answer that long`);
  const named = typeof charset === 'string' ? charsetNamed(charset) : undefined;
  if (!named) throw new AdminError(400, 'charset must be utf-8, gbk or gb2312 (the charset your request sent)');
  if (alipay_public_key !== undefined && typeof alipay_public_key !== 'string') throw new AdminError(400, 'alipay_public_key must be the PEM text your client holds');
  return { body, charset: named, clientKeyText: alipay_public_key || undefined };
}

/** The response node's key: `<method>_response`, or error_response when only that is there (SDKs look in that order). */
function nodeKeyOf(envelope: Record<string, unknown>): string | undefined {
  const keys = Object.keys(envelope).filter((key) => key.endsWith('_response'));
  return keys.find((key) => key !== ERROR_RESPONSE_KEY) ?? keys.find((key) => key === ERROR_RESPONSE_KEY);
}

function envelopeOf(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AdminError(400, 'body is not JSON: send the response body exactly as your client received it');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AdminError(400, 'body is not a JSON object, as every gateway.do answer is');
  return parsed as Record<string, unknown>;
}

/** Where the JSON string starting at `start` (its opening quote) ends, just past its closing quote. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/** Where the object starting at `start` (its `{`) ends, just past its matching `}`: Java's brace matching, strings skipped. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i) - 1;
      if (i < 0) return -1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The node's text as received, as the SDKs cut it: after `"<key>":`, an object to its matching brace,
 * or (an AES-encrypted node) the JSON string with its quotes.
 */
export function signedNodeText(body: string, nodeKey: string): string | undefined {
  const label = new RegExp(`"${nodeKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*`).exec(body);
  if (!label) return undefined;
  const start = label.index + label[0].length;
  const end = body[start] === '{' ? objectEnd(body, start) : body[start] === '"' ? stringEnd(body, start) : -1;
  return end < 0 ? undefined : body.slice(start, end);
}

function encoded(text: string, charset: RequestCharset): Uint8Array {
  const content = signedContent(text, charset);
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

function verifyingSignType(crypto: CoreCrypto, text: string, sign: string, charset: RequestCharset, key: VerificationKey): SignType | undefined {
  const content = encoded(text, charset);
  return SIGN_TYPES.find((signType) => crypto.verify(content, sign, signType, key));
}

/** The client's key against the sandbox's: its fingerprint, or 400 when it is no public key. */
function clientKeyOf(crypto: CoreCrypto, text: string | undefined, sandbox: SandboxAlipayKey): ResponseVerdict['client_key'] {
  if (text === undefined) return undefined;
  const read = crypto.readPublicKey(text);
  if ('problem' in read) throw new AdminError(400, `alipay_public_key: ${read.problem}`);
  return { fingerprint: read.fingerprint, is_sandbox_key: read.fingerprint === sandbox.fingerprint };
}

const USE_SANDBOX_KEY = 'your client holds another Alipay public key: use the sandbox\'s, GET /__admin/alipay-public-key';

/** The fix in a sentence, the likeliest cause first: a wrong key explains everything else. */
function fixOf(verifies: boolean, clientKey: ResponseVerdict['client_key']): string {
  if (clientKey && !clientKey.is_sandbox_key) return verifies ? USE_SANDBOX_KEY : `${USE_SANDBOX_KEY}; and the body was changed after signing (or is not the sandbox's)`;
  if (!verifies) return "the body was changed after signing (re-serialized, re-indented or decoded in another charset), or is not the sandbox's answer: verify the bytes as received";
  return `the sign verifies: your client cuts the signed text differently; it must verify the node's text exactly as received, from its "{" to the matching "}"${clientKey ? '' : ' (send alipay_public_key too, to check your key)'}`;
}

export function verifyResponse(crypto: CoreCrypto, sandboxKey: SandboxAlipayKey, input: unknown): ResponseVerdict {
  const request = requestOf(input);
  const envelope = envelopeOf(request.body);
  const clientKey = clientKeyOf(crypto, request.clientKeyText, sandboxKey);
  const base = { sandbox_key_fingerprint: sandboxKey.fingerprint, ...(clientKey ? { client_key: clientKey } : {}) };
  const nodeKey = nodeKeyOf(envelope);
  const sign = envelope.sign;
  const text = nodeKey === undefined ? undefined : signedNodeText(request.body, nodeKey);
  if (nodeKey === undefined || text === undefined) {
    return { ...base, signed: false, sign_verifies: false, fix: 'the body has no "<method>_response" node: it is not a gateway.do answer' };
  }
  if (typeof sign !== 'string' || !sign) {
    return { ...base, node: nodeKey, signed: false, sign_verifies: false, fix: 'the body carries no sign (as Alipay answers isv.missing-signature and errors before the app is known): there is nothing to verify, do not require one here' };
  }
  const signType = verifyingSignType(crypto, text, sign, request.charset, sandboxKey.key);
  return { ...base, node: nodeKey, signed: true, signed_text: text, sign_verifies: signType !== undefined, ...(signType ? { sign_type: signType } : {}), fix: fixOf(signType !== undefined, clientKey) };
}
