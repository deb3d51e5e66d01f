/**
 * application/x-www-form-urlencoded, decoded to bytes rather than strings: the gateway must know the
 * request's charset (itself one of the parameters) before it can turn bytes into text, and it verifies
 * the signature over the bytes the client encoded, not over a re-encoding of our own.
 */

import { latin1Text } from './bytes.js';

export interface FormField {
  readonly name: Uint8Array;
  readonly value: Uint8Array;
  readonly source: 'query' | 'body';
}

export class MalformedFormError extends Error {}

const PLUS = 0x2b;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const SPACE = 0x20;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Percent-decodes `raw[start, end)` into `out` from `at`, `+` as space, and answers the decoded view; a
 * `%` not followed by two hex digits is an error. Every field decodes into one buffer the size of the
 * input (decoding only shortens), so that a request costs one allocation, not two per field.
 */
function percentDecode(raw: Uint8Array, start: number, end: number, where: string, out: Uint8Array, at: number): Uint8Array {
  let length = at;
  for (let i = start; i < end; i++) {
    const byte = raw[i]!;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT) {
      const high = i + 1 < end ? hexValue(raw[i + 1]) : -1;
      const low = i + 2 < end ? hexValue(raw[i + 2]) : -1;
      if (high < 0 || low < 0) {
        const seen = latin1Text(raw.subarray(i, Math.min(i + 3, end)));
        throw new MalformedFormError(
          `invalid percent-encoding "${seen}" at byte ${i} of the ${where}: every % must be followed by two hex digits`,
        );
      }
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(at, length);
}

/** Splits a form-encoded query string or body into its fields, in order (one pass over the bytes). */
export function parseFormFields(raw: Uint8Array, source: FormField['source']): FormField[] {
  const fields: FormField[] = [];
  const out = new Uint8Array(raw.length);
  let used = 0;
  let start = 0;
  let equals = -1;
  for (let i = 0; i <= raw.length; i++) {
    const byte = i < raw.length ? raw[i] : AMPERSAND;
    if (byte === EQUALS && equals < 0) equals = i;
    if (byte !== AMPERSAND) continue;
    if (i > start) {
      const nameEnd = equals >= 0 ? equals : i;
      const name = percentDecode(raw, start, nameEnd, source, out, used);
      used += name.length;
      const value = percentDecode(raw, nameEnd === i ? i : nameEnd + 1, i, source, out, used);
      used += value.length;
      fields.push({ name, value, source });
    }
    start = i + 1;
    equals = -1;
  }
  return fields;
}
