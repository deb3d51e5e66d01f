/**
 * Writes dist's precompiled-validators.js (part of `npm run build`, after tsc): ajv's standalone code
 * for every shipped schema, in a map by schema text, so that the compiled sandbox compiles no schema
 * when it starts or answers its first request.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, schemaKey } from '../core/validation/schema-validators.js';
import { shippedSchemas } from '../core/validation/shipped-schemas.js';
import { BUILT_FILES, stagedPath } from './built-files.js';
import { generatedHeader } from './generated-header.js';

const OUT = stagedPath(BUILT_FILES.validators);

const schemas = [...new Map(shippedSchemas().map((schema) => [schemaKey(schema), schema])).values()];
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
const names = schemas.map((schema, index) => {
  const name = `shippedSchema${index}`;
  ajv.addSchema(schema, name);
  return name;
});
const code = standalone.default(ajv, Object.fromEntries(names.map((name) => [name, name])));

// Standalone code `require`s ajv's run-time helpers (ucs2length counts characters as Alipay's tables
// do). Each is one self-contained function, written into the module: an import of a CommonJS default
// means different things to Node, vitest and esbuild, and a require() would tie dist to node_modules.
const requireFromHere = createRequire(import.meta.url);
const body = code.replace(/require\("(ajv\/dist\/runtime\/\w+)"\)\.default/g, (_: string, module: string) => {
  const helper = (requireFromHere(module) as { default: (...args: never[]) => unknown }).default;
  const source = helper.toString();
  if (/\b(require|exports|module)\b/.test(source)) throw new Error(`ajv's ${module} is not self-contained; precompiled validators cannot inline it`);
  return `(${source})`;
});
if (/\brequire\(/.test(body)) throw new Error('ajv standalone code requires a module this build does not inline');

const module = [
  `// ${generatedHeader('npm run build', import.meta.url)}`,
  body.replace(/^"use strict";/, ''),
  `export const PRECOMPILED_VALIDATORS = new Map([\n${schemas.map((schema, index) => `  [${JSON.stringify(schemaKey(schema))}, ${names[index]}],`).join('\n')}\n]);`,
  '',
].join('\n');
writeFileSync(OUT, module);
// tsc's map is of the empty module this file replaces.
rmSync(`${OUT}.map`, { force: true });
// On stderr: `npm pack --json` (which builds through prepack) keeps stdout for its JSON.
process.stderr.write(`validators: ${schemas.length} schemas precompiled, ${(module.length / 1024).toFixed(0)} KiB\n`);
