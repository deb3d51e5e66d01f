/**
 * The sign string of a v1 request (reference §2): what RSA2 (SHA256withRSA) or RSA (SHA1withRSA)
 * signatures cover. Verifying is the platform's (CoreCrypto), signing answers the signer's.
 */
import { concatBytes, latin1Bytes } from './bytes.js';

/** One decoded request parameter with the bytes it arrived as, in the request's charset. */
export interface RequestParameter {
  readonly name: string;
  readonly value: string;
  readonly valueBytes: Uint8Array;
}

const AMPERSAND = latin1Bytes('&');
const EQUALS = latin1Bytes('=');

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
export function signStringBytes(params: readonly RequestParameter[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const p of signedParameters(params)) {
    if (parts.length) parts.push(AMPERSAND);
    parts.push(latin1Bytes(p.name), EQUALS, p.valueBytes);
  }
  return concatBytes(parts);
}

/** The sign string as text, for the invalid-signature sub_msg that shows the caller what was verified. */
export function signStringText(params: readonly RequestParameter[]): string {
  return signedParameters(params)
    .map((p) => `${p.name}=${p.value}`)
    .join('&');
}
