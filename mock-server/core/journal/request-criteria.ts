/**
 * What a test asks of the journal ("did my service call authquery exactly once for this person?"):
 * criteria on the call (method, app_id, the answer's code and sub_code, the protocol, a time range)
 * and on its business parameters, with the scenario rules' matcher vocabulary (a plain value means
 * equals; {regex}, {one_of}). An unknown criterion is refused by name, never ignored.
 */
import { compileMatcher, MatcherError, type Matcher, type MatcherSpec } from '../scenarios/matchers.js';
import { fieldReader } from '../scenarios/scenario-rules.js';
import type { StoredEntry } from './request-journal.js';

/** A criterion that cannot be read (the admin core answers it as its own 400). */
export class CriteriaError extends Error {}

export interface RequestCriteria {
  readonly method?: MatcherSpec;
  readonly app_id?: MatcherSpec;
  /** The merchant app an ISV call acted for. */
  readonly auth_app_id?: MatcherSpec;
  readonly code?: MatcherSpec;
  readonly sub_code?: MatcherSpec;
  /** v1 (gateway.do) or v3 (OpenAPI v3). */
  readonly protocol?: 'v1' | 'v3';
  /** Epoch milliseconds or ISO 8601 text. */
  readonly since?: string | number;
  readonly until?: string | number;
  /** Business parameters (biz_content, or v3's body and query) by dotted path: "identity_param.cert_no". */
  readonly biz_content?: Readonly<Record<string, MatcherSpec>>;
}

const KNOWN = ['method', 'app_id', 'auth_app_id', 'code', 'sub_code', 'protocol', 'since', 'until', 'biz_content'] as const;

export type EntryPredicate = (entry: StoredEntry) => boolean;

function matcherOf(name: string, spec: unknown): Matcher {
  try {
    return compileMatcher(spec as MatcherSpec);
  } catch (error) {
    if (error instanceof MatcherError) throw new CriteriaError(`${name} ${error.message}`);
    throw error;
  }
}

/** An instant given as epoch milliseconds or an ISO 8601 time. */
function instant(name: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new CriteriaError(`${name} must be epoch milliseconds or an ISO 8601 time, not "${text}"`);
  return ms;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The criteria as one predicate over journal entries; throws CriteriaError naming what is wrong. */
export function compileCriteria(criteria: unknown): EntryPredicate {
  if (criteria === undefined || criteria === null) return () => true;
  if (!isObject(criteria)) throw new CriteriaError('send the criteria as a JSON object, e.g. { "method": "zhima.auth.info.authquery" }');
  const unknown = Object.keys(criteria).filter((key) => !(KNOWN as readonly string[]).includes(key));
  if (unknown.length) throw new CriteriaError(`unknown criterion ${unknown.join(', ')}; the criteria are ${KNOWN.join(', ')}`);
  const tests: EntryPredicate[] = [];
  for (const name of ['method', 'app_id', 'auth_app_id', 'code', 'sub_code'] as const) {
    if (criteria[name] === undefined || criteria[name] === '') continue;
    const matches = matcherOf(name, criteria[name]);
    tests.push((entry) => matches(name === 'code' || name === 'sub_code' ? entry.response[name] : entry[name]));
  }
  if (criteria.protocol !== undefined) {
    if (criteria.protocol !== 'v1' && criteria.protocol !== 'v3') throw new CriteriaError('protocol must be "v1" or "v3"');
    tests.push((entry) => entry.protocol === criteria.protocol);
  }
  const since = instant('since', criteria.since);
  const until = instant('until', criteria.until);
  if (since !== undefined) tests.push((entry) => entry.atMs >= since);
  if (until !== undefined) tests.push((entry) => entry.atMs <= until);
  if (criteria.biz_content !== undefined) {
    if (!isObject(criteria.biz_content)) throw new CriteriaError('biz_content must be an object of dotted paths to matchers, e.g. { "identity_param.cert_no": "330…" }');
    const fields = Object.entries(criteria.biz_content).map(([path, spec]) => [path, matcherOf(`biz_content.${path}`, spec)] as const);
    tests.push((entry) => {
      const read = fieldReader(entry.business);
      return fields.every(([path, matches]) => matches(read(path)));
    });
  }
  return (entry) => tests.every((test) => test(entry));
}
