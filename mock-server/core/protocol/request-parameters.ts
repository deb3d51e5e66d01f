/**
 * From raw query and body bytes to the request's parameters: merge the two form-encoded sources,
 * find the charset, decode every value in it, and refuse ambiguity (a parameter given twice with
 * different values). The same value twice is one parameter: the PHP SDK's page form posts to
 * gateway.do?charset=UTF-8 and carries a charset field as well, and many integrations put
 * ?charset=utf-8 in their gateway URL.
 */
import { latin1Bytes, latin1Text } from './bytes.js';
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
 * The parameters of the query and the body: a form-encoded body as its bytes, a multipart one as the
 * text fields its parts hold (multipart-form.ts), which are decoded and merged alike.
 */
export function decodeRequestParameters(rawQuery: Uint8Array, body: Uint8Array | readonly FormField[]): DecodedParameters {
  let fields: FormField[];
  try {
    fields = [...parseFormFields(rawQuery, 'query'), ...(body instanceof Uint8Array ? parseFormFields(body, 'body') : body)];
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
