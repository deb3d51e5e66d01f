/**
 * From raw query and body bytes to the request's parameters: merge the two form-encoded sources,
 * find the charset, decode every value in it, and refuse ambiguity (a parameter given twice with
 * different values). The same value twice is one parameter: the PHP SDK's page form posts to
 * gateway.do?charset=UTF-8 and carries a charset field as well, and many integrations put
 * ?charset=utf-8 in their gateway URL.
 */
import { asciiText, isAsciiBytes, isAsciiText, latin1Bytes, latin1Text } from './bytes.js';
import { charsetNamed, CharsetMismatchError, decodeParameter, type RequestCharset } from './charset.js';
import { MalformedFormError, parseFormFields, type FormField } from './form-encoding.js';
import { publicError, type ErrorFields } from './public-errors.js';
import type { RequestParameter } from './signature.js';

export class ParameterError extends Error {
  constructor(readonly error: ErrorFields) {
    super(error.sub_msg);
  }
}

export interface DecodedParameters {
  readonly charset: RequestCharset;
  /** Every parameter as sent, empty ones included (the sign string drops them itself). */
  readonly list: readonly RequestParameter[];
  /** name → value, empty values dropped as Alipay drops them. */
  readonly values: Readonly<Record<string, string>>;
}

const DEFAULT_CHARSET: RequestCharset = 'utf-8';

const CHARSET = latin1Bytes('charset');

/** Whether a field's name is `charset`, compared as bytes: every field is asked, before any is decoded. */
function isCharsetName(name: Uint8Array): boolean {
  return name.length === CHARSET.length && name.every((byte, i) => byte === CHARSET[i]);
}

function charsetOf(fields: readonly FormField[]): RequestCharset {
  const field = fields.find((f) => isCharsetName(f.name));
  // Every official SDK sends charset; without one, Alipay's own default of UTF-8 applies.
  if (!field || field.value.length === 0) return DEFAULT_CHARSET;
  const name = latin1Text(field.value);
  const charset = charsetNamed(name);
  if (!charset) {
    throw new ParameterError(publicError('isv.invalid-charset', `charset "${name}" is not supported; use utf-8, gbk or gb2312`));
  }
  return charset;
}

function decodeField(field: FormField, charset: RequestCharset): RequestParameter {
  try {
    const name = decodeParameter(field.name, charset, 'name');
    return { name, value: decodeParameter(field.value, charset, name), valueBytes: field.value };
  } catch (error) {
    if (error instanceof CharsetMismatchError) throw new ParameterError(publicError('isv.invalid-charset', error.message));
    throw error;
  }
}

const MAX_QUOTED = 40;

function quoted(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

function repeatedWithAnotherValue(name: string, first: { source: string; value: string }, second: { source: string; value: string }): string {
  const where = first.source === second.source ? `twice in the ${first.source}` : 'in both the query and the body';
  return `parameter ${name} appears ${where} with different values (${quoted(first.value)} and ${quoted(second.value)}); send it once`;
}

/**
 * A form's text, percent-decoded as UTF-8, or undefined where the general path must read it: a
 * malformed or non-UTF-8 escape, or a leading byte-order mark (which the UTF-8 decoder drops).
 */
function decodedText(text: string): string | undefined {
  if (text.indexOf('%') < 0 && text.indexOf('+') < 0) return text;
  try {
    const decoded = decodeURIComponent(text.includes('+') ? text.replaceAll('+', ' ') : text);
    return decoded.charCodeAt(0) === 0xfeff ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/**
 * The parameters of a form every SDK sends (ASCII, percent-encoded UTF-8, each name once or repeated
 * alike), read as text: the sign string is then the UTF-8 of the values (signature.ts), and no field
 * is copied into bytes of its own. Undefined for anything else (GBK, a name with other bytes, a bad
 * escape, a name repeated with another value), which the general path reads, or refuses, as it would.
 */
function utf8FormParameters(rawQuery: string, body: Uint8Array): DecodedParameters | undefined {
  if (!isAsciiText(rawQuery) || !isAsciiBytes(body)) return undefined;
  const list: RequestParameter[] = [];
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  // Names sent empty (which `values` leaves out), kept apart only once there is one.
  let sentEmpty: Set<string> | undefined;
  for (const text of [rawQuery, asciiText(body)]) {
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('&', start);
      if (end < 0) end = text.length;
      if (end > start) {
        const equals = text.indexOf('=', start);
        const nameEnd = equals >= 0 && equals < end ? equals : end;
        const name = decodedText(text.slice(start, nameEnd));
        const value = nameEnd === end ? '' : decodedText(text.slice(nameEnd + 1, end));
        if (name === undefined || value === undefined || !isAsciiText(name)) return undefined;
        const earlier = values[name] ?? (sentEmpty?.has(name) ? '' : undefined);
        if (earlier === undefined) {
          list.push({ name, value });
          if (value !== '') values[name] = value;
          else (sentEmpty ??= new Set()).add(name);
        } else if (earlier !== value) {
          return undefined;
        }
      }
      start = end + 1;
    }
  }
  const charset = values.charset;
  if (charset && charsetNamed(charset) !== 'utf-8') return undefined;
  return { charset: 'utf-8', list, values };
}

/**
 * The parameters of the query and the body: a form-encoded body as its bytes, a multipart one as the
 * text fields its parts hold (multipart-form.ts), which are decoded and merged alike.
 */
export function decodeRequestParameters(rawQuery: string, body: Uint8Array | readonly FormField[]): DecodedParameters {
  const form = body instanceof Uint8Array ? utf8FormParameters(rawQuery, body) : undefined;
  if (form) return form;
  let fields: FormField[];
  try {
    fields = [...parseFormFields(latin1Bytes(rawQuery), 'query'), ...(body instanceof Uint8Array ? parseFormFields(body, 'body') : body)];
  } catch (error) {
    if (error instanceof MalformedFormError) throw new ParameterError(publicError('isv.invalid-parameter', error.message));
    throw error;
  }
  const charset = charsetOf(fields);
  const list: RequestParameter[] = [];
  const seen = new Map<string, { readonly source: FormField['source']; readonly value: string }>();
  // No prototype: parameter names come from the caller ("__proto__" is just a name here).
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const field of fields) {
    const parameter = decodeField(field, charset);
    const earlier = seen.get(parameter.name);
    if (earlier) {
      if (earlier.value === parameter.value) continue;
      throw new ParameterError(publicError('isv.invalid-parameter', repeatedWithAnotherValue(parameter.name, earlier, { source: field.source, value: parameter.value })));
    }
    seen.set(parameter.name, { source: field.source, value: parameter.value });
    list.push(parameter);
    if (parameter.value !== '') values[parameter.name] = parameter.value;
  }
  return { charset, list, values };
}
