/**
 * Bytes without Node's Buffer, so that the protocol runs wherever the engine does (Node, a browser's
 * msw worker): text to and from bytes. Node's Buffers are Uint8Arrays, so adapters
 * pass theirs in as they are.
 */

const utf8Encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Whether every character is ASCII (below U+0080). */
export function isAsciiText(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Whether every byte is ASCII (below 0x80): then UTF-8, GBK and Latin-1 read it alike. */
export function isAsciiBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

/** Text whose characters are all below U+0100 (names, ASCII values), one byte each. */
export function latin1Bytes(text: string): Uint8Array {
  // ASCII (a percent-encoded query, mostly) is the same in UTF-8, which the native encoder writes fastest.
  if (isAsciiText(text)) return utf8Encoder.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const asciiDecoder = new TextDecoder('utf-8');

/** ASCII bytes as text (the decoder is native, and ASCII is UTF-8): most parameter values. */
export function asciiText(bytes: Uint8Array): string {
  return asciiDecoder.decode(bytes);
}

/** Bytes as one character each (U+0000 to U+00FF): a charset name, a bad byte quoted in a message. */
export function latin1Text(bytes: Uint8Array): string {
  let text = '';
  // In slices: fromCharCode takes its arguments on the stack. apply reads a typed array as it is.
  for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode.apply(null, bytes.subarray(at, at + 8192) as unknown as number[]);
  return text;
}
