/**
 * The `charset` public parameter: which encoding the client used for parameter bytes and sign string.
 * Alipay documents utf-8, gbk and gb2312; gb2312 text is a subset of gbk, so both decode as gbk.
 * Alipay answers in the request's charset too: the official PHP, Python and Java SDKs decode the body,
 * and check its signature, in the charset they sent.
 */
import { asciiText, isAsciiBytes, utf8Bytes } from './bytes.js';
import { encodeGbk } from './gbk-encoding.js';

export type RequestCharset = 'utf-8' | 'gbk';

const CHARSET_NAMES: Readonly<Record<string, RequestCharset>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gbk: 'gbk',
  gb2312: 'gbk',
};

/** The charset a request names, or undefined when the sandbox cannot honour it. */
export function charsetNamed(name: string): RequestCharset | undefined {
  return CHARSET_NAMES[name.toLowerCase()];
}

const decoders: Readonly<Record<RequestCharset, { decode(bytes: Uint8Array): string }>> = {
  'utf-8': new TextDecoder('utf-8', { fatal: true }),
  gbk: new TextDecoder('gbk', { fatal: true }),
};

export class CharsetMismatchError extends Error {}

/**
 * Decodes parameter bytes in the request's charset.
 *
 * A request labelled gbk whose bytes are UTF-8 Chinese is refused rather than read as mojibake. It is
 * what alipay-sdk (Node) sends when configured with charset GBK: it percent-encodes UTF-8 whatever its
 * setting. Alipay decodes by the label, so in production the names in such a request arrive garbled and
 * identity checks fail with confusing business errors; the sandbox's job is to show that mistake early.
 * Real GBK text is almost never valid UTF-8 with three-byte sequences, so the check has no practical
 * false positives.
 */
export function decodeParameter(bytes: Uint8Array, charset: RequestCharset, name: string): string {
  if (isAsciiBytes(bytes)) return asciiText(bytes);
  if (charset === 'gbk' && looksLikeUtf8Chinese(bytes)) {
    throw new CharsetMismatchError(
      `parameter ${name} is UTF-8 encoded but the request says charset=gbk; send charset=utf-8 ` +
        '(alipay-sdk for Node always encodes UTF-8, whatever its charset option)',
    );
  }
  try {
    return decoders[charset].decode(bytes);
  } catch {
    throw new CharsetMismatchError(
      `parameter ${name} is not valid ${charset}; encode every parameter in the charset the request names`,
    );
  }
}

function looksLikeUtf8Chinese(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = decoders['utf-8'].decode(bytes);
  } catch {
    return false;
  }
  return /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u.test(text);
}

/** Text as bytes in the request's charset: an answer's body, and the content its signature covers. */
export function encodeText(text: string, charset: RequestCharset): Uint8Array {
  return charset === 'utf-8' ? utf8Bytes(text) : encodeGbk(text);
}

/** The charset label of an answer's Content-Type, as Alipay writes it. */
export function charsetLabel(charset: RequestCharset): string {
  return charset === 'utf-8' ? 'utf-8' : 'GBK';
}
