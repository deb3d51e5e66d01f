/**
 * The sign string of a v1 request (reference §2): what RSA2 (SHA256withRSA) or RSA (SHA1withRSA)
 * signatures cover. Verifying is the platform's (CoreCrypto), signing answers the signer's.
 */
import { isAsciiText } from './bytes.js';

/** One decoded request parameter with the bytes it arrived as, in the request's charset. */
export interface RequestParameter {
  readonly name: string;
  readonly value: string;
  /** Absent where they are the value's UTF-8 (a UTF-8 request's form, read as text: request-parameters.ts). */
  readonly valueBytes?: Uint8Array;
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

const utf8Encoder = new TextEncoder();

/** How many bytes UTF-8 takes for `text` (a lone surrogate as U+FFFD's three, as TextEncoder writes it). */
function utf8Length(text: string): number {
  if (isAsciiText(text)) return text.length;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** Writes `text` as UTF-8 at `at`, `length` bytes (utf8Length): ASCII a byte at a time, anything else by the encoder. */
function writeUtf8(bytes: Uint8Array, at: number, text: string, length: number): void {
  if (length !== text.length) utf8Encoder.encodeInto(text, bytes.subarray(at, at + length));
  else for (let i = 0; i < length; i++) bytes[at + i] = text.charCodeAt(i);
}

/**
 * The sign string of values read as text (a UTF-8 form), as UTF-8, written in one buffer: the string
 * joined and then encoded cost a copy of it in pieces, one joined, and the encoded bytes.
 */
function utf8SignString(signed: readonly RequestParameter[]): Uint8Array {
  // Each parameter's name and value lengths in turn, and their sum with the separators.
  const lengths: number[] = [];
  let total = Math.max(signed.length - 1, 0);
  for (const p of signed) {
    const name = utf8Length(p.name);
    const value = utf8Length(p.value);
    lengths.push(name, value);
    total += name + 1 + value;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < signed.length; i++) {
    const name = lengths[2 * i]!;
    const value = lengths[2 * i + 1]!;
    if (at > 0) bytes[at++] = AMPERSAND;
    writeUtf8(bytes, at, signed[i]!.name, name);
    at += name;
    bytes[at++] = EQUALS;
    writeUtf8(bytes, at, signed[i]!.value, value);
    at += value;
  }
  return bytes;
}

/** The sign string's bytes, built from the bytes the client sent so that no re-encoding can differ. */
export function signStringBytes(params: readonly RequestParameter[]): Uint8Array {
  const signed = signedParameters(params);
  if (signed.some((p) => p.valueBytes === undefined)) return utf8SignString(signed);
  let length = Math.max(signed.length - 1, 0);
  for (const p of signed) length += p.name.length + 1 + p.valueBytes!.length;
  // One buffer, written in place: this runs for every request.
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const p of signed) {
    if (at > 0) bytes[at++] = AMPERSAND;
    for (let i = 0; i < p.name.length; i++) bytes[at++] = p.name.charCodeAt(i);
    bytes[at++] = EQUALS;
    bytes.set(p.valueBytes!, at);
    at += p.valueBytes!.length;
  }
  return bytes;
}

/** The sign string of decoded parameters by name (a journal entry's), as text. */
export function signStringOfValues(values: Readonly<Record<string, string>>): string {
  return signStringText(Object.entries(values).map(([name, value]) => ({ name, value })));
}

/** The sign string as text, for the invalid-signature sub_msg that shows the caller what was verified. */
export function signStringText(params: readonly RequestParameter[]): string {
  return joined(signedParameters(params));
}

function joined(signed: readonly RequestParameter[]): string {
  return signed.map((p) => `${p.name}=${p.value}`).join('&');
}

/**
 * Whitespace Alipay's decoder skips: its Java SDK decodes a sign with a copy of Commons Codec's old
 * Base64, which drops every byte outside the standard alphabet before decoding. So a sign wrapped into
 * lines (RFC 2045's 76 characters) still verifies there, and here.
 */
const SKIPPED = /[ \t\r\n]/g;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const OUTSIDE_ALPHABET = /[^A-Za-z0-9+/=]/;
const STANDARD = "Alipay decodes standard base64: use + and / with = padding";

/**
 * Why `sign` is not standard base64 (A-Z a-z 0-9 + /, = padding to a multiple of 4), in words for
 * x-sandbox-detail, or undefined when it is. Node's own decoder also reads base64url and a sign without
 * its padding; Alipay's drops '-' and '_' and misreads a cut-off last group, so such a sign never
 * verifies there, and must not here.
 */
export function signEncodingProblem(sign: string): string | undefined {
  const text = sign.replace(SKIPPED, '');
  if (STANDARD_BASE64.test(text)) return undefined;
  if (/[-_]/.test(text)) return `the sign is base64url (it has '-' or '_'); ${STANDARD}`;
  const stray = OUTSIDE_ALPHABET.exec(text);
  if (stray) return `the sign has ${JSON.stringify(stray[0])}, which is not in base64's alphabet; ${STANDARD}`;
  const padding = text.indexOf('=');
  if (padding >= 0 && padding < text.length - 2) return `the sign has '=' before its last two characters, where only padding goes; ${STANDARD}`;
  // A '+' a form encoder did not percent-encode arrives as a space, which the decoder then skips.
  if (sign.includes(' ')) return `the sign has spaces: a '+' sent without percent-encoding (%2B) arrives as one; ${STANDARD}`;
  if (padding < 0) return `the sign has no '=' padding (${text.length} characters, not a multiple of 4); ${STANDARD}`;
  return `the sign's '=' padding leaves it ${text.length} characters long, not a multiple of 4; ${STANDARD}`;
}

/** What an OpenAPI v3 signature covers (reference §7), each part as the gateway received it. */
export interface OpenApiSignParts {
  /** The Authorization header's value after the scheme, up to `,sign=`. */
  readonly authString: string;
  readonly httpMethod: string;
  /** The path with its `?query`, as in the request line. */
  readonly url: string;
  readonly body: string;
  /** The alipay-app-auth-token header, when sent. */
  readonly appAuthToken?: string | undefined;
}

/** The v3 sign string: `authString\nMETHOD\npath?query\nbody\n`, then `token\n` when an app auth token is sent. */
export function openApiSignString(parts: OpenApiSignParts): string {
  const { authString, httpMethod, url, body, appAuthToken } = parts;
  return `${authString}\n${httpMethod}\n${url}\n${body}\n${appAuthToken ? `${appAuthToken}\n` : ''}`;
}
