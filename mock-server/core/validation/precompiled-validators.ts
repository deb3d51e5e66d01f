/**
 * The validators the build generated for the shipped schemas, by schema text (schema-validators.ts).
 *
 * Empty in the sources, so that running them (tests, tsx) compiles each schema on first use:
 * `npm run build` replaces dist's copy of this module with ajv's standalone code for every schema
 * that shipped-schemas.ts lists (mock-server/build/write-precompiled-validators.ts).
 */
import type { SchemaValidator } from './schema-validator.js';

export const PRECOMPILED_VALIDATORS: ReadonlyMap<string, SchemaValidator> = new Map();
