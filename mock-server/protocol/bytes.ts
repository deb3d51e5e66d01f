/**
 * Bytes without Node's Buffer, so that the protocol runs wherever the engine does (Node, a browser's
 * msw worker): text to and from bytes, joining, base64. Node's Buffers are Uint8Arrays, so adapters
 * pass theirs in as they are.
 */

const utf8Encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Text whose characters are all below U+0100 (names, ASCII values), one byte each. */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Bytes as one character each (U+0000 to U+00FF): for ASCII, and for quoting bytes in a message. */
export function latin1Text(bytes: Uint8Array): string {
  let text = '';
  // In slices: fromCharCode takes its arguments on the stack.
  for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  return text;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

export function base64Text(bytes: Uint8Array): string {
  return btoa(latin1Text(bytes));
}

/**
 * The bytes of base64 text, read as leniently as Node's Buffer and Java's decoders read it: the
 * URL-safe alphabet too, characters outside the alphabet skipped, padding optional.
 */
export function base64Bytes(text: string): Uint8Array {
  let digits = text.replace(/[^A-Za-z0-9+/_-]/g, '').replaceAll('-', '+').replaceAll('_', '/');
  // A lone last digit holds no whole byte.
  if (digits.length % 4 === 1) digits = digits.slice(0, -1);
  return latin1Bytes(atob(digits.padEnd(Math.ceil(digits.length / 4) * 4, '=')));
}
