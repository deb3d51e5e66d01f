/**
 * The JSON mistakes behind a schema failure, said as such: text encoded twice, an object where the
 * page types a String (or the reverse), a camelCase name where Alipay's is snake_case. They go to
 * x-sandbox-detail only; the answer's code and sub_msg stay what Alipay's would be.
 */
import type { ErrorObject } from 'ajv';
import { isObject } from './biz-content.js';

/** JSON's name for a value's kind, as a caller would say it. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON string whose content is itself a JSON object or array: the JSON was encoded a second time. */
function encodedTwice(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const inner = parsedOrUndefined(value);
  return typeof inner === 'object' && inner !== null;
}

const twiceNote = (path: string) => `${path} is JSON text inside a JSON string: it was encoded twice; send the object's JSON once`;

/** biz_content that parsed to something other than an object: what it is, when that tells the mistake. */
export function bizContentNote(parsed: unknown): string | undefined {
  return encodedTwice(parsed) ? twiceNote('biz_content') : undefined;
}

/** "/identity_param" → "identity_param"; the root is biz_content. */
const dotted = (instancePath: string) => instancePath.slice(1).replaceAll('/', '.') || 'biz_content';

/** A value of the wrong JSON type: the page's String sent as an object or number, or text where an object belongs. */
function typeNote(error: ErrorObject): string | undefined {
  const path = dotted(error.instancePath);
  const expected = String(error.params.type);
  const kind = jsonKind(error.data);
  if (expected === 'string') {
    const hint = kind === 'number' || kind === 'boolean' ? `; send "${String(error.data)}"` : '; send it as text';
    return `${path} is a JSON ${kind} where the page types it String${hint}`;
  }
  if (expected === 'object' && encodedTwice(error.data)) return twiceNote(path);
  if (expected === 'object' && kind === 'string') return `${path} is a JSON string where an object belongs`;
  return undefined;
}

/** certNo → cert_no, outerOrderNo → outer_order_no. */
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A required field missing while a camelCase spelling of it is there (certNo for cert_no). */
function camelCaseNote(error: ErrorObject): string | undefined {
  const missing = String(error.params.missingProperty);
  if (!isObject(error.data)) return undefined;
  const sent = Object.keys(error.data).find((key) => key !== missing && snakeCase(key) === missing);
  return sent === undefined ? undefined : `${dotted(error.instancePath)} has ${sent}: did you mean ${missing}? Alipay's field names are snake_case`;
}

function noteFor(error: ErrorObject): string | undefined {
  if (error.keyword === 'type') return typeNote(error);
  if (error.keyword === 'required') return camelCaseNote(error);
  return undefined;
}

/** What each schema error says of a JSON mistake, once each. */
export function jsonMistakeNotes(errors: readonly ErrorObject[]): string[] {
  return [...new Set(errors.map(noteFor).filter((note): note is string => note !== undefined))];
}

/** A detail with the diagnosis after it. */
export function withNotes(detail: string, notes: readonly string[]): string {
  return notes.length ? `${detail}; ${notes.join('; ')}` : detail;
}
