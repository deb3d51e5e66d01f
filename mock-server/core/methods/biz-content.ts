/**
 * Validation of biz_content against a method's schema. Alipay nests JSON inside JSON strings
 * (identity_param, merchant_config, ...): a property's `jsonString` holds the schema of what its text
 * holds, which is parsed and validated in turn, with errors at paths like /identity_param/cert_no.
 *
 * `jsonString` is ours, not ajv's: a schema is split into the schema without it (plain JSON schema,
 * which ajv can compile ahead of time, see validation/) and one schema per JSON-text field.
 */
import type { ErrorObject } from 'ajv';
import { validatorFor, type SchemaValidator } from '../validation/schema-validators.js';

type Schema = Readonly<Record<string, unknown>>;

interface JsonTextField {
  readonly field: string;
  readonly schema: Schema;
}

/** The schema without its `jsonString`s, and the schema each JSON-text field's content must meet. */
function splitJsonText(schema: Schema): { readonly outer: Schema; readonly fields: readonly JsonTextField[] } {
  const fields: JsonTextField[] = [];
  const properties: Record<string, Schema> = {};
  for (const [field, property] of Object.entries((schema.properties ?? {}) as Readonly<Record<string, Schema>>)) {
    const { jsonString, ...rest } = property;
    if (jsonString !== undefined) fields.push({ field, schema: jsonString as Schema });
    properties[field] = jsonString === undefined ? property : rest;
  }
  return { outer: fields.length === 0 ? schema : { ...schema, properties }, fields };
}

/** The plain JSON schemas a biz_content schema is validated with: the build precompiles these. */
export function bizContentSchemaParts(schema: Schema): Schema[] {
  const { outer, fields } = splitJsonText(schema);
  return [outer, ...fields.flatMap((field) => bizContentSchemaParts(field.schema))];
}

export const isObject = (data: unknown): data is Readonly<Record<string, unknown>> => typeof data === 'object' && data !== null && !Array.isArray(data);

/**
 * A validator for a biz_content schema, as ajv's would be with `jsonString` as a keyword: all errors,
 * a JSON-text field's after the outer schema's, and only for a field that is a string; each error
 * carries the value that failed.
 */
export function compileBizContentSchema(schema: Schema): SchemaValidator {
  const { outer, fields } = splitJsonText(schema);
  const validateOuter = validatorFor(outer);
  const inner = fields.map(({ field, schema: fieldSchema }) => ({ field, validate: compileBizContentSchema(fieldSchema) }));
  const validate: SchemaValidator = (data) => {
    const errors = validateOuter(data) ? [] : (validateOuter.errors ?? []).map((error) => withData(error, data));
    if (isObject(data)) {
      for (const { field, validate: validateField } of inner) {
        const text = data[field];
        if (typeof text === 'string') errors.push(...jsonTextErrors(text, field, validateField));
      }
    }
    validate.errors = errors.length === 0 ? null : errors;
    return errors.length === 0;
  };
  return validate;
}

function jsonTextErrors(text: string, field: string, validate: SchemaValidator): ErrorObject[] {
  const at = `/${field}`;
  const schemaPath = `#/properties/${field}/jsonString`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [{ keyword: 'jsonString', instancePath: at, schemaPath, params: { notJson: true }, message: 'is not JSON' }];
  }
  if (validate(parsed)) return [];
  return (validate.errors ?? []).map((error) => ({ ...withData(error, parsed), instancePath: at + error.instancePath }));
}

/** The value a JSON pointer names in `data`, or undefined. */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Readonly<Record<string, unknown>>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

/**
 * The error with the value that failed as its `data` (ajv's own place for it), taken from what the
 * validator saw: for a JSON-text field that is the parsed text, which biz_content alone cannot give.
 * The near-miss diagnosis reads it (see json-near-misses.ts).
 */
function withData(error: ErrorObject, data: unknown): ErrorObject {
  return error.data === undefined ? { ...error, data: valueAt(data, error.instancePath) } : error;
}

/** The top-level fields of a biz_content schema that hold JSON text (`jsonString`). */
export function jsonTextFields(schema: Readonly<Record<string, unknown>>): readonly string[] {
  const properties = (schema.properties ?? {}) as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  return Object.keys(properties).filter((field) => properties[field]!.jsonString !== undefined);
}

/**
 * SDKs that build biz_content from typed models (Java's domain classes, Python's request models, Go's
 * structs) send identity_param, merchant_config, ... as JSON objects rather than JSON text, and Alipay
 * accepts both. Such an object is written back as compact JSON text, so that one schema, with its
 * lengths applied to the serialized form, and one handler serve both. Nothing else changes type: an
 * object where a scalar belongs is still refused by the schema.
 */
export function withJsonText(bizContent: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const field of fields) {
    const value = bizContent[field];
    if (typeof value !== 'object' || value === null) continue;
    out ??= { ...bizContent };
    out[field] = JSON.stringify(value);
  }
  return out ?? bizContent;
}

/** "/identity_param/cert_no" → "identity_param.cert_no". */
export function fieldPath(error: ErrorObject): string {
  const base = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return base ? `${base}.${missing}` : missing;
  }
  return base || 'biz_content';
}

/** A sentence telling the caller what is wrong with one field, for sub_msg. */
export function describeSchemaError(error: ErrorObject): string {
  const path = fieldPath(error);
  switch (error.keyword) {
    case 'required':
      return `${path} is required`;
    case 'maxLength':
      return `${path} is longer than ${String(error.params.limit)} characters`;
    case 'minLength':
      return `${path} must not be empty`;
    case 'enum':
      return `${path} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `${path} must be ${String(error.params.allowedValue)}`;
    case 'type':
      return `${path} must be a ${String(error.params.type)}`;
    case 'pattern':
      return `${path} does not match ${String(error.params.pattern)}`;
    case 'jsonString':
      return `${path} must be a string holding JSON`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}
