/**
 * What a validator is, on its own: schema-validators.ts makes them and precompiled-validators.ts
 * holds the build's, and neither has to import the other for the type.
 */
import type { ErrorObject } from 'ajv';

/** A validator as ajv makes them: true or false, and after a false, why. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
