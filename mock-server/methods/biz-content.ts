/**
 * Validation of biz_content against a method's schema. Alipay nests JSON inside JSON strings
 * (identity_param, merchant_config, ...): the `jsonString` keyword parses such a field and validates
 * what it holds, reporting errors at paths like /identity_param/cert_no.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

ajv.addKeyword({
  keyword: 'jsonString',
  type: 'string',
  schemaType: 'object',
  errors: true,
  compile(innerSchema: Record<string, unknown>) {
    const validateInner = ajv.compile(innerSchema);
    const validate = (text: string, context?: { instancePath?: string }): boolean => {
      const at = context?.instancePath ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        validate.errors = [{ keyword: 'jsonString', instancePath: at, schemaPath: '', params: { notJson: true }, message: 'is not JSON' }];
        return false;
      }
      if (validateInner(parsed)) return true;
      validate.errors = (validateInner.errors ?? []).map((e) => ({ ...e, instancePath: at + e.instancePath }));
      return false;
    };
    validate.errors = undefined as ErrorObject[] | undefined;
    return validate;
  },
});

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

export function compileBizContentSchema(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  return ajv.compile(schema);
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
