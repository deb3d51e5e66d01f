/**
 * Request and response signatures of the v1 protocol (reference §2, §3): RSA2 is SHA256withRSA and
 * RSA is SHA1withRSA, base64 encoded.
 */
import { sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import type { SignType } from './public-parameters.js';

const DIGEST: Readonly<Record<SignType, string>> = { RSA2: 'sha256', RSA: 'sha1' };

/** One decoded request parameter with the bytes it arrived as, in the request's charset. */
export interface RequestParameter {
  readonly name: string;
  readonly value: string;
  readonly valueBytes: Buffer;
}

const AMPERSAND = Buffer.from('&');
const EQUALS = Buffer.from('=');

/**
 * The parameters that make up the sign string: all but `sign`, empty values dropped (as Alipay's Java
 * and PHP code does; `sign_type` stays in), sorted by name in ASCII order.
 */
function signedParameters(params: readonly RequestParameter[]): RequestParameter[] {
  return params
    .filter((p) => p.name !== 'sign' && p.value !== '')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The sign string's bytes, built from the bytes the client sent so that no re-encoding can differ. */
export function signStringBytes(params: readonly RequestParameter[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of signedParameters(params)) {
    if (parts.length) parts.push(AMPERSAND);
    parts.push(Buffer.from(p.name, 'latin1'), EQUALS, p.valueBytes);
  }
  return Buffer.concat(parts);
}

/** The sign string as text, for the invalid-signature sub_msg that shows the caller what was verified. */
export function signStringText(params: readonly RequestParameter[]): string {
  return signedParameters(params)
    .map((p) => `${p.name}=${p.value}`)
    .join('&');
}

export function verifySignature(content: Buffer, signature: string, signType: SignType, key: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length === 0) return false;
  try {
    return rsaVerify(DIGEST[signType], content, key, bytes);
  } catch {
    return false;
  }
}

export function signContent(content: string | Uint8Array, signType: SignType, key: KeyObject): string {
  return rsaSign(DIGEST[signType], typeof content === 'string' ? Buffer.from(content, 'utf8') : content, key).toString(
    'base64',
  );
}
