/**
 * A raw gateway.do client for tests and the benchmark: builds and signs requests byte by byte, so a
 * test controls what alipay-sdk never sends (GBK bytes, a missing parameter, a tampered value).
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { formatLocalTimestamp } from './local-timestamp.js';
import { signContent } from '../../client-harness/alipay-client.js';

export type Charset = 'utf-8' | 'gbk' | 'gb2312';

export const defaultAppPrivateKey: KeyObject = createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'));

function encode(text: string, charset: Charset): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
}

/** Whether a byte is unreserved ASCII (A-Z a-z 0-9 - _ . ~), which a form encoder leaves as it is. */
const UNRESERVED = Uint8Array.from({ length: 256 }, (_, byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? 1 : 0));
const HEX_DIGITS = Buffer.from('0123456789ABCDEF');

/**
 * Percent-encodes every byte but unreserved ASCII, as a form encoder does. Written into one buffer:
 * the fuzz tests encode megabytes, and a string grown a character at a time cost them a CPU-second.
 */
export function percentEncode(bytes: Buffer): string {
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let length = 0;
  for (const byte of bytes) {
    if (UNRESERVED[byte]) {
      out[length++] = byte;
    } else {
      out[length++] = 0x25;
      out[length++] = HEX_DIGITS[byte >> 4]!;
      out[length++] = HEX_DIGITS[byte & 15]!;
    }
  }
  return out.toString('latin1', 0, length);
}

/** Alipay's sign string (sorted, empty values dropped, raw values, `sign` excluded), as the reference client builds it, not the gateway. */
export const signString = signContent;

export interface SignOptions {
  charset?: Charset;
  signType?: 'RSA2' | 'RSA';
  privateKey?: KeyObject;
}

export function signParams(params: Readonly<Record<string, string>>, options: SignOptions = {}): string {
  const charset = options.charset ?? 'utf-8';
  const digest = (options.signType ?? params.sign_type ?? 'RSA2') === 'RSA' ? 'sha1' : 'sha256';
  return sign(digest, encode(signString(params), charset), options.privateKey ?? defaultAppPrivateKey).toString('base64');
}

/** The public parameters of a request from the default app, timestamped now. */
export function publicParams(method: string, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    app_id: DEFAULT_APP_ID,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: formatLocalTimestamp(Date.now()),
    version: '1.0',
    ...overrides,
  };
}

/** Form-encodes parameters in `charset` bytes. */
export function formEncode(params: Readonly<Record<string, string>>, charset: Charset = 'utf-8'): string {
  return Object.entries(params)
    .map(([k, v]) => `${percentEncode(encode(k, charset))}=${percentEncode(encode(v, charset))}`)
    .join('&');
}

const QUERY_PARAMETERS = new Set(['app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version', 'app_auth_token']);

export interface SignedRequest {
  /** Path and query, e.g. /gateway.do?app_id=... */
  path: string;
  body: string;
}

/** A signed POST split as the Node SDK splits it: public parameters in the query, the rest in the body. */
export function signedRequest(params: Readonly<Record<string, string>>, options: SignOptions = {}): SignedRequest {
  const charset = options.charset ?? 'utf-8';
  const all = { ...params, sign: signParams(params, options) };
  const query: Record<string, string> = {};
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) (QUERY_PARAMETERS.has(k) ? query : body)[k] = v;
  return { path: `/gateway.do?${formEncode(query, charset)}`, body: formEncode(body, charset) };
}
