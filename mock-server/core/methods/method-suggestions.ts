/**
 * What to tell a caller whose `method` the sandbox does not serve: the served names it most likely
 * meant, and whether Alipay has an API of that name at all. Only the x-sandbox-detail says this; the
 * envelope stays Alipay's 不存在的方法名.
 */
import { KNOWN_UNSERVED_METHODS } from './known-alipay-methods.js';

/** At most this many names are offered. */
const MAX_SUGGESTIONS = 3;

/**
 * Damerau-Levenshtein distance (optimal string alignment): a transposed pair of letters, the
 * commonest typo in a long dotted name (authqeury), costs one edit, not two.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The same dotted segments in another order (zhima.info.auth.authquery) is one mistake, however many letters move. */
function segmentsSwapped(a: string, b: string): boolean {
  const sorted = (name: string) => name.split('.').sort().join('.');
  return a !== b && sorted(a) === sorted(b);
}

/** How far a name is from a served one: letters compared without case, since Alipay's names are all lower case. */
function nameDistance(name: string, served: string): number {
  const lower = name.toLowerCase();
  return segmentsSwapped(lower, served) ? 1 : editDistance(lower, served);
}

/** Room for about one typo per eight letters, at least two: near enough to be a slip, not another API. */
const threshold = (name: string) => Math.max(2, Math.floor(name.length / 8));

/** The served names nearest `name`, nearest first, within the threshold. */
function nearestMethods(name: string, served: readonly string[]): string[] {
  return served
    .map((candidate) => ({ candidate, distance: nameDistance(name, candidate) }))
    .filter(({ distance }) => distance <= threshold(name))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/** Whether Alipay has an API of this name, as far as the sandbox's list knows. */
function existence(name: string): string {
  if (KNOWN_UNSERVED_METHODS.includes(name)) return `${name} is an Alipay API the sandbox does not serve`;
  return 'no Alipay API is named so (among the identity and OAuth APIs the sandbox knows of)';
}

/** The diagnosis of an unknown method, for x-sandbox-detail. */
export function unknownMethodDiagnosis(name: string, served: readonly string[]): string {
  const nearest = nearestMethods(name, served);
  const suggestion = nearest.length ? `; did you mean ${nearest.join(' or ')}?` : '';
  return `${existence(name)}${suggestion}`;
}

/** `/v3/zhima/auth/info/authquery` → `zhima.auth.info.authquery`: the method name a v3 path stands for. */
export function methodNameOfPath(path: string): string {
  return path.replace(/^\/v3\//, '').replace(/^\/+/, '').replaceAll('/', '.');
}

/**
 * The diagnosis of an unknown OpenAPI v3 path, for x-sandbox-detail: as for an unknown method, the
 * served calls nearest the name the path stands for, and whether Alipay has an API of that name.
 * `served` maps each served v3 method's name to how it is called ("POST /v3/…").
 */
export function unknownOpenApiPathDiagnosis(httpMethod: string, path: string, served: ReadonlyMap<string, string>): string {
  const name = methodNameOfPath(path);
  const call = served.get(name);
  // The path is served, by another HTTP method.
  if (call !== undefined) return `${name} is served as ${call}, not ${httpMethod}`;
  const nearest = nearestMethods(name, [...served.keys()]).map((candidate) => served.get(candidate)!);
  const suggestion = nearest.length ? `; did you mean ${nearest.join(' or ')}?` : '';
  return `${existence(name)}${suggestion}`;
}
