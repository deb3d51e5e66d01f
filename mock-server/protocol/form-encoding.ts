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

/** Percent-decodes `raw[start, end)`, `+` as space; a `%` not followed by two hex digits is an error. */
function percentDecode(raw: Uint8Array, start: number, end: number, where: string): Uint8Array {
  const out = new Uint8Array(end - start);
  let length = 0;
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
  return out.subarray(0, length);
}

/** Splits a form-encoded query string or body into its fields, in order. */
export function parseFormFields(raw: Uint8Array, source: FormField['source']): FormField[] {
  const fields: FormField[] = [];
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(AMPERSAND, start);
    if (end < 0) end = raw.length;
    if (end > start) {
      const equals = raw.indexOf(EQUALS, start);
      const nameEnd = equals >= 0 && equals < end ? equals : end;
      const valueStart = nameEnd === end ? end : nameEnd + 1;
      fields.push({
        name: percentDecode(raw, start, nameEnd, source),
        value: percentDecode(raw, valueStart, end, source),
        source,
      });
    }
    start = end + 1;
  }
  return fields;
}
