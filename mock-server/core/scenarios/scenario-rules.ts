/**
 * A compiled scenario: rules ready to match requests, and the outcomes they choose. What a scenario
 * file says is in scenarios/scenario.schema.json; load-scenario.ts turns a file into these.
 */
import type { Membership } from '../identity/membership.js';
import type { ErrorFields } from '../protocol/public-errors.js';

export type FaultKind = 'connection-reset' | 'connection-close' | 'malformed-json' | 'missing-sign' | 'wrong-sign';

export type ScenarioOutcome =
  | { readonly kind: 'normal'; readonly overrides: Readonly<Record<string, unknown>> }
  /** The finished 40004 node for each method the rule names, resolved at load: nothing is looked up per request. */
  | { readonly kind: 'business-error'; readonly errorByMethod: ReadonlyMap<string, ErrorFields> }
  | { readonly kind: 'public-error'; readonly error: ErrorFields }
  | { readonly kind: 'fault'; readonly fault: FaultKind }
  | { readonly kind: 'http-status'; readonly status: number };

/** What a rule may look at in a request that passed the gateway's protocol checks. */
export interface ScenarioRequest {
  readonly appId: string;
  readonly method: string;
  /** The value at a dotted path in biz_content (see valueAtPath); undefined where there is none. */
  field(path: string): unknown;
}

export type CallCondition = { readonly nth: number } | { readonly first: number } | { readonly every: number };

/** At most `calls` served in any `perMs` window, per app_id (and per method with perMethod); the rule fires beyond. */
export interface RateCondition {
  readonly calls: number;
  readonly perMs: number;
  readonly perMethod: boolean;
}

export interface ScenarioRule {
  readonly index: number;
  readonly name: string;
  /** Whether the request meets the rule's conditions other than the call count. */
  matches(request: ScenarioRequest): boolean;
  /** The methods the rule can match, where its match.method names them; undefined for any method. */
  readonly methods?: ReadonlySet<string>;
  readonly call?: CallCondition;
  readonly rate?: RateCondition;
  readonly once: boolean;
  /** [min, max] milliseconds; equal for a fixed delay. */
  readonly delayMs?: readonly [number, number];
  readonly outcome: ScenarioOutcome;
}

export interface Scenario {
  /** Where the scenario came from: a file path, "app 2021…", "built-in". */
  readonly source: string;
  /** Tells one setting of a scenario from another where replicas share call counts (one per PUT). */
  readonly id?: string;
  readonly name?: string;
  readonly membership: Membership;
  /** The document as given, for the admin API to show back. */
  readonly document: unknown;
  readonly rules: readonly ScenarioRule[];
}

/** Whether the `count`th matching call satisfies the rule's call condition. */
export function callSatisfies(condition: CallCondition | undefined, count: number): boolean {
  if (!condition) return true;
  if ('nth' in condition) return count === condition.nth;
  if ('first' in condition) return count <= condition.first;
  return count % condition.every === 0;
}

/**
 * Reads dotted paths in biz_content. A dot descends into objects and into JSON held in strings, as
 * Alipay nests it: identity_param.cert_no reads cert_no inside the identity_param string. Each prefix
 * is resolved (and each nested string parsed) once per request, however many rules ask.
 */
export function fieldReader(bizContent: Readonly<Record<string, unknown>> | undefined): (path: string) => unknown {
  // Made on the first read: most calls meet no rule that reads a field.
  let resolved: Map<string, unknown> | undefined;
  const read = (path: string): unknown => {
    resolved ??= new Map<string, unknown>([['', bizContent]]);
    if (resolved.has(path)) return resolved.get(path);
    const at = path.lastIndexOf('.');
    const parent = read(at < 0 ? '' : path.slice(0, at));
    const value = parent === undefined ? undefined : childOf(parent, path.slice(at + 1));
    resolved.set(path, value);
    return value;
  };
  return read;
}

function childOf(parent: unknown, name: string): unknown {
  let container = parent;
  if (typeof container === 'string') {
    try {
      container = JSON.parse(container);
    } catch {
      return undefined;
    }
  }
  if (typeof container !== 'object' || container === null || !Object.hasOwn(container, name)) return undefined;
  return (container as Record<string, unknown>)[name];
}
