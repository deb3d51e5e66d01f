/**
 * The JSON mistakes behind a schema failure, said as such: text encoded twice, an object where the
 * page types a String (or the reverse); and a camelCase name where Alipay's is snake_case, whether it
 * made the call fail (a required field missing) or not (an optional one ignored). They go to
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

function noteFor(error: ErrorObject): string | undefined {
  if (error.keyword === 'type') return typeNote(error);
  return undefined;
}

/** What each schema error says of a JSON mistake, once each. */
export function jsonMistakeNotes(errors: readonly ErrorObject[]): string[] {
  return [...new Set(errors.map(noteFor).filter((note): note is string => note !== undefined))];
}

type Schema = Readonly<Record<string, unknown>>;

/** A JSON-text field's content as the schema describes it: parsed when it is text, as sent when it is an object. */
function contentOf(value: unknown): unknown {
  return typeof value === 'string' ? parsedOrUndefined(value) : value;
}

/** Where a field of the object at `path` is: biz_content's own fields by their name, deeper ones dotted. */
const fieldAt = (path: string, field: string) => (path === 'biz_content' ? field : `${path}.${field}`);

/**
 * Fields sent in camelCase where the schema has the snake_case one (merchantConfig for
 * merchant_config), in biz_content and in the objects the schema describes inside it (JSON text such
 * as identity_param, nested objects, array items). Alipay ignores a field it does not know: a
 * required one is then missing, an optional one silently not applied, so each is named, whatever
 * the answer. A camelCase name the schema itself has (authquery's certNo) is never one.
 */
/** A JSON key that starts lower case and has an upper-case letter, in a parameter's text: `"certNo`. */
const CAMEL_CASE_KEY = /"[a-z][a-z0-9]*[A-Z]/;
const CAMEL_CASE_NAME = /^[a-z][a-z0-9]*[A-Z]/;

/**
 * Whether any parameter could name a field in camelCase: its name, or a JSON key in its text. A scan
 * without allocating, so that the success path of a request in snake_case (nearly all) pays only it;
 * camelCaseFieldNotes, which walks and re-reads the JSON, runs only when this says yes.
 */
export function mayNameCamelCase(parameters: Readonly<Record<string, string>>): boolean {
  for (const name in parameters) {
    if (CAMEL_CASE_NAME.test(name) || CAMEL_CASE_KEY.test(parameters[name]!)) return true;
  }
  return false;
}

export function camelCaseFieldNotes(schema: Schema, value: unknown, path = 'biz_content'): string[] {
  if (!isObject(value)) return [];
  const properties = (isObject(schema.properties) ? schema.properties : {}) as Readonly<Record<string, Schema>>;
  const notes: string[] = [];
  for (const key of Object.keys(value)) {
    const snake = snakeCase(key);
    if (snake !== key && !Object.hasOwn(properties, key) && Object.hasOwn(properties, snake)) {
      notes.push(`${path} has ${key}: did you mean ${snake}? (Alipay ignores fields it does not know)`);
    }
  }
  for (const [field, property] of Object.entries(properties)) {
    if (!Object.hasOwn(value, field) || !isObject(property)) continue;
    const at = fieldAt(path, field);
    if (isObject(property.jsonString)) notes.push(...camelCaseFieldNotes(property.jsonString, contentOf(value[field]), at));
    else if (isObject(property.properties)) notes.push(...camelCaseFieldNotes(property, value[field], at));
    else if (isObject(property.items) && Array.isArray(value[field])) {
      for (const item of value[field] as unknown[]) notes.push(...camelCaseFieldNotes(property.items, item, `${at}[]`));
    }
  }
  return [...new Set(notes)];
}

/** A detail with the diagnosis after it. */
export function withNotes(detail: string, notes: readonly string[]): string {
  return notes.length ? `${detail}; ${notes.join('; ')}` : detail;
}
