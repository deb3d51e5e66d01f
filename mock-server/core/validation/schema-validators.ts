/**
 * Every JSON schema the sandbox checks input against (the public parameters, each method's
 * biz_content, scenario documents) gets its validator here, from one ajv configuration.
 *
 * Compiling a schema is ajv's slow part (about 0.1 s of a start for the schemas a first request
 * needs), so the build generates the shipped schemas' validators ahead of time (ajv's standalone
 * code, mock-server/build/write-precompiled-validators.ts) and this takes those by schema text. A
 * schema with no precompiled validator (running from the sources, or one changed since the build) is
 * compiled on first use, with the same options, so both give the same answers.
 */
import { Ajv } from 'ajv';
import { PRECOMPILED_VALIDATORS } from './precompiled-validators.js';
import type { SchemaValidator } from './schema-validator.js';

export type { SchemaValidator } from './schema-validator.js';


/** The options every schema is compiled with, ahead of time and at run time alike. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

let ajv: Ajv | undefined;

/** What precompiled validators are looked up by: the schema's JSON text. */
export function schemaKey(schema: object): string {
  return JSON.stringify(schema);
}

export function validatorFor(schema: object): SchemaValidator {
  return PRECOMPILED_VALIDATORS.get(schemaKey(schema)) ?? (ajv ??= new Ajv(AJV_OPTIONS)).compile(schema);
}

/** A validator made on its first call, so that importing a module compiles nothing. */
export function lazyValidator(schema: object): SchemaValidator {
  let validate: SchemaValidator | undefined;
  const lazy: SchemaValidator = (data) => {
    validate ??= validatorFor(schema);
    const valid = validate(data);
    lazy.errors = validate.errors;
    return valid;
  };
  return lazy;
}
