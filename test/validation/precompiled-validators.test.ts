/**
 * The validators the build precompiles (ajv standalone code in dist) against ajv compiling the same
 * schemas at run time: every shipped schema is precompiled, and on thousands of generated inputs
 * both give the same verdict and the same errors. This is the drift test: a schema changed without a
 * build is caught by the first check, a generator that writes different code by the second.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';
import { shippedSchemas } from '../../mock-server/core/validation/shipped-schemas.js';
import { AJV_OPTIONS, schemaKey, type SchemaValidator } from '../../mock-server/core/validation/schema-validators.js';

type BuiltValidators = typeof import('../../mock-server/core/validation/schema-validators.js');
const built = (await import(join(ROOT, 'dist/mock-server/core/validation/schema-validators.js'))) as BuiltValidators;
// The build's generated module itself: in the sources it is empty, so only dist's copy says what the build precompiled.
type BuiltTable = typeof import('../../mock-server/core/validation/precompiled-validators.js');
const { PRECOMPILED_VALIDATORS } = (await import(join(ROOT, 'dist/mock-server/core/validation/precompiled-validators.js'))) as BuiltTable;

type Schema = Readonly<Record<string, unknown>>;

/** A seeded generator (mulberry32), so that a failure names inputs that can be made again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ASCII, CJK, a character outside the BMP (two UTF-16 units, one character for maxLength), a lone surrogate.
const ALPHABET = ['a', 'Z', '0', '-', '_', '.', ':', ' ', '张', '三', '😀', '\ud800', '"', '{'];

/** Values that mostly fit the schema and often do not, near every bound it sets. */
class InputGenerator {
  constructor(
    private readonly next: () => number,
    private readonly root: Schema,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  private text(length: number): string {
    return Array.from({ length }, () => this.pick(ALPHABET)).join('');
  }

  private resolve(schema: Schema): Schema {
    const ref = schema.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
    const target = ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Schema)[key], this.root) as Schema;
    return this.resolve(target);
  }

  value(schemaIn: Schema, depth = 0): unknown {
    const schema = this.resolve(schemaIn);
    if (this.next() < 0.08 || depth > 6) return this.pick([null, 7, -1.5, true, 'x', [], {}]);
    if (Array.isArray(schema.enum)) return this.next() < 0.85 ? this.pick(schema.enum) : this.text(3);
    if (schema.const !== undefined) return schema.const;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(schema[key])) return this.value(this.pick(schema[key] as Schema[]), depth + 1);
    }
    const type = Array.isArray(schema.type) ? this.pick(schema.type as string[]) : schema.type;
    switch (type) {
      case 'string': {
        const max = typeof schema.maxLength === 'number' ? schema.maxLength : 12;
        const length = this.pick([0, 1, Math.max(0, max - 1), max, max + 1, Math.floor(this.next() * (max + 2))]);
        return this.text(Math.min(length, 300));
      }
      case 'integer':
      case 'number':
        return this.pick([0, 1, 3, 1000, -2, 2.5]);
      case 'boolean':
        return this.next() < 0.5;
      case 'array':
        return Array.from({ length: this.pick([0, 1, 2]) }, () => this.value((schema.items ?? {}) as Schema, depth + 1));
      case 'object':
      case undefined:
        return this.object(schema, depth);
      default:
        return this.text(2);
    }
  }

  private object(schema: Schema, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Readonly<Record<string, Schema>>)) {
      if (this.next() < (required.has(name) ? 0.93 : 0.6)) out[name] = this.value(property, depth + 1);
    }
    if (this.next() < 0.1) out.unexpected_field = 'x';
    return out;
  }
}

const errorsOf = (validate: SchemaValidator): ErrorObject[] => validate.errors ?? [];

describe('precompiled validators', () => {
  it('cover every schema the sandbox ships (run `npm run build` after changing one)', () => {
    const schemas = shippedSchemas();
    expect(schemas.length).toBeGreaterThan(10);
    const missing = schemas.filter((schema) => !PRECOMPILED_VALIDATORS.has(schemaKey(schema))).map((schema) => JSON.stringify(schema).slice(0, 120));
    expect(missing).toEqual([]);
  });

  it('give the verdict and the errors ajv gives compiling the same schema at run time', () => {
    const ajv = new Ajv(AJV_OPTIONS);
    let compared = 0;
    let refused = 0;
    const disagreements: string[] = [];
    for (const [index, schema] of shippedSchemas().entries()) {
      const precompiled = built.validatorFor(schema);
      const compiled = ajv.compile(schema);
      const inputs = new InputGenerator(random(1000 + index), schema);
      for (let i = 0; i < 400; i++) {
        const input = inputs.value(schema);
        const verdict = precompiled(input);
        // Checked plainly and reported together: an expect() per input cost a CPU-second of the suite.
        if (compiled(input) !== verdict || !isDeepStrictEqual(errorsOf(precompiled), errorsOf(compiled))) disagreements.push(`schema ${index}, input ${JSON.stringify(input)}`);
        compared++;
        if (!verdict) refused++;
      }
    }
    expect(disagreements).toEqual([]);
    // Both kinds of input were tried: a generator that only made refused (or only valid) ones proves little.
    expect(refused).toBeGreaterThan(compared * 0.2);
    expect(compared - refused).toBeGreaterThan(compared * 0.05);
  });
});
