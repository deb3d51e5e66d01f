/**
 * The sign string of a v1 request (reference §2): what RSA2 (SHA256withRSA) or RSA (SHA1withRSA)
 * signatures cover. Verifying is the platform's (CoreCrypto), signing answers the signer's.
 */

/** One decoded request parameter with the bytes it arrived as, in the request's charset. */
export interface RequestParameter {
  readonly name: string;
  readonly value: string;
  readonly valueBytes: Uint8Array;
}

const AMPERSAND = 0x26;
const EQUALS = 0x3d;

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
  const signed = signedParameters(params);
  let length = Math.max(signed.length - 1, 0);
  for (const p of signed) length += p.name.length + 1 + p.valueBytes.length;
  // One buffer, written in place: this runs for every request.
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const p of signed) {
    if (at > 0) bytes[at++] = AMPERSAND;
    for (let i = 0; i < p.name.length; i++) bytes[at++] = p.name.charCodeAt(i);
    bytes[at++] = EQUALS;
    bytes.set(p.valueBytes, at);
    at += p.valueBytes.length;
  }
  return bytes;
}

/** The sign string of decoded parameters by name (a journal entry's), as text. */
export function signStringOfValues(values: Readonly<Record<string, string>>): string {
  return signStringText(Object.entries(values).map(([name, value]) => ({ name, value, valueBytes: new Uint8Array(0) })));
}

/** The sign string as text, for the invalid-signature sub_msg that shows the caller what was verified. */
export function signStringText(params: readonly RequestParameter[]): string {
  return signedParameters(params)
    .map((p) => `${p.name}=${p.value}`)
    .join('&');
}
