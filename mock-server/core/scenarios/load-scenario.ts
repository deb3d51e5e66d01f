/**
 * From a scenario document (a YAML or JSON file, or the admin API's body) to a compiled Scenario.
 * Validated against the scenario schema (scenario-schema.ts), then against what the sandbox serves: a business
 * code the method does not document, an unknown method or sub_code, a bad regex are load errors that
 * name the file and the path in it.
 */
import type { ErrorObject } from 'ajv';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { Membership } from '../identity/membership.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { PUBLIC_SUB_CODES, publicErrorWithSubMsg, type ErrorFields, type PublicSubCode } from '../protocol/public-errors.js';
import { documentedError, documentedRows } from '../methods/business-errors.js';
import { compileMatcher, literalValues, MatcherError, type Matcher, type MatcherSpec } from './matchers.js';
import { SCENARIO_SCHEMA } from './scenario-schema.js';
import { type CallCondition, type FaultKind, type RateCondition, type Scenario, type ScenarioOutcome, type ScenarioRule } from './scenario-rules.js';
import { lazyValidator } from '../validation/schema-validators.js';

/**
 * What `throttled` answers. Alipay documents no public error for a call over a limit (its public error
 * table has none; README, "Throttling", says where we looked), so a throttled call gets the documented
 * answer of a gateway that cannot serve the call now rather than a code we would have invented.
 */
export const THROTTLED_SUB_CODE: PublicSubCode = 'aop.unknow-error';

const validateDocument = lazyValidator(SCENARIO_SCHEMA);

interface OutcomeSpec {
  normal?: Record<string, unknown>;
  business_error?: string;
  public_error?: string;
  throttled?: true;
  sub_msg?: string;
  fault?: FaultKind;
  http_status?: number;
}

interface RuleSpec {
  name?: string;
  match?: {
    method?: MatcherSpec;
    app_id?: MatcherSpec;
    biz_content?: Record<string, MatcherSpec>;
    call?: { nth?: number; first?: number; every?: number };
    rate?: { calls: number; per_ms: number; per_method?: boolean };
  };
  once?: boolean;
  delay_ms?: number | [number, number];
  outcome: OutcomeSpec;
}

export interface ScenarioDocument {
  name?: string;
  description?: string;
  members?: Membership;
  rules: RuleSpec[];
}

export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';
  /** As every admin refusal, the status a transport answers it with. */
  readonly status = 400;

  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${source}: ${path ? `${path}: ` : ''}${problem}`);
  }
}

/** "/rules/2/outcome" → "rules[2].outcome" */
function readablePath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

function schemaProblem(error: ErrorObject): { path: string; problem: string } {
  const path = readablePath(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return { path: path ? `${path}.${key}` : key, problem: `unknown key "${key}"` };
  }
  if (error.keyword === 'required') return { path, problem: `"${String(error.params.missingProperty)}" is required` };
  if (error.keyword === 'enum') return { path, problem: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
  return { path, problem: error.message ?? 'is invalid' };
}

/** The deepest schema error is the most specific one; an unknown key (a typo) is deeper than its object. */
function firstSchemaProblem(errors: readonly ErrorObject[]): { path: string; problem: string } {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'additionalProperties' ? 1 : 0);
  const deepest = [...errors].sort((a, b) => depth(b) - depth(a))[0];
  return deepest ? schemaProblem(deepest) : { path: '', problem: 'is not a scenario document' };
}

class RuleCompiler {
  constructor(
    private readonly source: string,
    private readonly methods: ReadonlyMap<string, ApiMethodDefinition>,
  ) {}

  fail(path: string, problem: string): never {
    throw new ScenarioLoadError(this.source, path, problem);
  }

  matcher(spec: MatcherSpec, path: string): Matcher {
    try {
      return compileMatcher(spec);
    } catch (error) {
      if (error instanceof MatcherError) this.fail(path, error.message);
      throw error;
    }
  }

  /** The methods a rule is limited to by name, each one the sandbox serves; undefined when unnamed. */
  namedMethods(spec: MatcherSpec | undefined, path: string): ApiMethodDefinition[] | undefined {
    const names = literalValues(spec);
    if (!names) return undefined;
    return names.map((name) => this.methods.get(name) ?? this.fail(path, `${name} is not a method the sandbox serves`));
  }

  call(spec: NonNullable<RuleSpec['match']>['call'], path: string): CallCondition | undefined {
    if (!spec) return undefined;
    const kinds = (['nth', 'first', 'every'] as const).filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) this.fail(path, 'must have exactly one of nth, first, every');
    const kind = kinds[0]!;
    return { [kind]: spec[kind]! } as CallCondition;
  }

  outcome(spec: OutcomeSpec, methods: ApiMethodDefinition[] | undefined, rulePath: string): ScenarioOutcome {
    const path = `${rulePath}.outcome`;
    const kinds = (['normal', 'business_error', 'public_error', 'throttled', 'fault', 'http_status'] as const).filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) this.fail(path, 'must have exactly one of normal, business_error, public_error, throttled, fault, http_status');
    if (spec.sub_msg !== undefined && !spec.business_error && !spec.public_error && !spec.throttled) {
      this.fail(`${path}.sub_msg`, 'goes with business_error or public_error (or throttled)');
    }
    if (spec.normal !== undefined) return this.normal(spec.normal, methods, path);
    if (spec.business_error !== undefined) return this.businessError(spec.business_error, spec.sub_msg, methods, path);
    if (spec.public_error !== undefined) {
      if (!Object.hasOwn(PUBLIC_SUB_CODES, spec.public_error)) {
        this.fail(`${path}.public_error`, `${spec.public_error} is not a gateway sub_code (e.g. isp.unknow-error, aop.invalid-auth-token)`);
      }
      return this.publicError(spec.public_error as PublicSubCode, spec.sub_msg);
    }
    if (spec.throttled) return this.publicError(THROTTLED_SUB_CODE, spec.sub_msg);
    if (spec.fault !== undefined) return { kind: 'fault', fault: spec.fault };
    if (spec.http_status === 200) this.fail(`${path}.http_status`, '200 is normal behaviour; use normal: {}');
    return { kind: 'http-status', status: spec.http_status! };
  }

  publicError(subCode: PublicSubCode, subMsg: string | undefined): ScenarioOutcome {
    return { kind: 'public-error', error: publicErrorWithSubMsg(subCode, subMsg ?? PUBLIC_SUB_CODES[subCode].subMsg) };
  }

  rate(spec: NonNullable<RuleSpec['match']>['rate'], hasCall: boolean, path: string): RateCondition | undefined {
    if (!spec) return undefined;
    // Both count the same calls in different ways; which of them would decide is not obvious to a reader.
    if (hasCall) this.fail(path, 'goes without match.call: a rule counts calls one way');
    return { calls: spec.calls, perMs: spec.per_ms, perMethod: spec.per_method ?? false };
  }

  normal(overrides: Record<string, unknown>, methods: ApiMethodDefinition[] | undefined, path: string): ScenarioOutcome {
    const fields = Object.keys(overrides);
    if (fields.length && !methods) this.fail(`${path}.normal`, 'overriding response fields needs match.method to name the method(s)');
    for (const field of fields) {
      for (const method of methods ?? []) {
        if (!Object.hasOwn(method.responseFields, field)) {
          this.fail(`${path}.normal.${field}`, `${method.name} has no response field ${field}; it has ${Object.keys(method.responseFields).join(', ')}`);
        }
      }
    }
    return { kind: 'normal', overrides };
  }

  businessError(subCode: string, subMsg: string | undefined, methods: ApiMethodDefinition[] | undefined, path: string): ScenarioOutcome {
    if (!methods) this.fail(`${path}.business_error`, 'a business error needs match.method to name the method(s) that document it');
    const errorByMethod = new Map<string, ErrorFields>();
    for (const method of methods) {
      const rows = documentedRows(method.businessErrors, subCode);
      if (!rows.length) {
        this.fail(`${path}.business_error`, `${method.name} does not document ${subCode}; it documents ${[...new Set(method.businessErrors.map((r) => r.sub_code))].join(', ')}`);
      }
      const row = documentedRows(rows, subCode, subMsg)[0] ?? this.fail(`${path}.sub_msg`, `${method.name} documents ${subCode} with ${rows.map((r) => `"${r.sub_msg}"`).join(' or ')}`);
      errorByMethod.set(method.name, documentedError(row));
    }
    return { kind: 'business-error', errorByMethod };
  }

  delay(spec: RuleSpec['delay_ms'], path: string): readonly [number, number] | undefined {
    if (spec === undefined) return undefined;
    if (typeof spec === 'number') return [spec, spec];
    if (spec[0] > spec[1]) this.fail(`${path}.delay_ms`, `[min, max] must have min ≤ max, got [${spec[0]}, ${spec[1]}]`);
    return spec;
  }

  rule(spec: RuleSpec, index: number): ScenarioRule {
    const path = `rules[${index}]`;
    const match = spec.match ?? {};
    const methods = this.namedMethods(match.method, `${path}.match.method`);
    const conditions: Array<(request: Parameters<ScenarioRule['matches']>[0]) => boolean> = [];
    if (match.method !== undefined) {
      const matchesMethod = this.matcher(match.method, `${path}.match.method`);
      conditions.push((r) => matchesMethod(r.method));
    }
    if (match.app_id !== undefined) {
      const matchesApp = this.matcher(match.app_id, `${path}.match.app_id`);
      conditions.push((r) => matchesApp(r.appId));
    }
    for (const [field, fieldSpec] of Object.entries(match.biz_content ?? {})) {
      const matchesField = this.matcher(fieldSpec, `${path}.match.biz_content.${field}`);
      conditions.push((r) => matchesField(r.field(field)));
    }
    return {
      index,
      name: spec.name ?? `rule ${index + 1}`,
      // A loop, not every(): no closure a call, on the path every request takes.
      matches: (request) => {
        for (const condition of conditions) if (!condition(request)) return false;
        return true;
      },
      ...(methods ? { methods: new Set(methods.map((method) => method.name)) } : {}),
      call: this.call(match.call, `${path}.match.call`),
      rate: this.rate(match.rate, match.call !== undefined, `${path}.match.rate`),
      once: spec.once ?? false,
      delayMs: this.delay(spec.delay_ms, path),
      outcome: this.outcome(spec.outcome, methods, path),
    };
  }
}

/** Compiles a parsed document; `source` names it in errors (a file path, "PUT /__admin/apps/…/scenario"). */
export function compileScenario(document: unknown, source: string, definitions: readonly ApiMethodDefinition[]): Scenario {
  if (!validateDocument(document)) {
    const { path, problem } = firstSchemaProblem(validateDocument.errors ?? []);
    throw new ScenarioLoadError(source, path, problem);
  }
  const spec = document as unknown as ScenarioDocument;
  const compiler = new RuleCompiler(source, new Map(definitions.map((d) => [d.name, d])));
  return {
    source,
    name: spec.name,
    membership: spec.members ?? 'open',
    document,
    rules: spec.rules.map((rule, index) => compiler.rule(rule, index)),
  };
}

/** Parses YAML (JSON is YAML too). */
export function parseScenarioText(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
      throw new ScenarioLoadError(source, line ? `line ${line}, column ${column}` : '', error.message.split('\n')[0]!);
    }
    // Any other refusal of the yaml parser (too many aliases, ...) is still the document's fault.
    throw new ScenarioLoadError(source, '', `is not YAML or JSON: ${(error as Error).message}`);
  }
}
