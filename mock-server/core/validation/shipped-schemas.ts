/**
 * The JSON schemas the sandbox ships, which the build precompiles
 * (mock-server/build/write-precompiled-validators.ts): the public parameters, the scenario document,
 * and each supported method's biz_content in its plain parts (biz-content.ts splits off the JSON-text
 * fields).
 */
import { bizContentSchemaParts } from '../methods/biz-content.js';
import { SUPPORTED_METHODS } from '../methods/method-registry.js';
import { publicParameterSchema } from '../protocol/public-parameters.js';
import { SCENARIO_SCHEMA } from '../scenarios/scenario-schema.js';

export function shippedSchemas(): Readonly<Record<string, unknown>>[] {
  return [publicParameterSchema, SCENARIO_SCHEMA, ...SUPPORTED_METHODS.flatMap((method) => bizContentSchemaParts(method.bizContentSchema))];
}
