/**
 * Value matchers of scenario rules: a plain value to equal, {equals}, {regex} or {one_of}.
 * Values compare as text, so a rule's 604800 matches biz_params' 604800 and "604800" alike.
 * Regexes run on RE2 (RE2JS, plain JavaScript): matching takes time linear in the input, so no
 * scenario, however its pattern is written (`^(a+)+$`), can stall the sandbox. RE2 has no
 * backreferences or lookaround; a pattern that needs them is refused at load, saying so.
 */
import { RE2JS } from 're2js';

export type Scalar = string | number | boolean;
export type MatcherSpec = Scalar | { equals?: Scalar; regex?: string; one_of?: Scalar[] };
export type Matcher = (value: unknown) => boolean;

export class MatcherError extends Error {}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

export function compileMatcher(spec: MatcherSpec): Matcher {
  if (typeof spec !== 'object') {
    const expected = String(spec);
    return (value) => asText(value) === expected;
  }
  const kinds = (['equals', 'regex', 'one_of'] as const).filter((k) => spec[k] !== undefined);
  if (kinds.length !== 1) throw new MatcherError('must have exactly one of equals, regex, one_of');
  if (spec.equals !== undefined) return compileMatcher(spec.equals);
  if (spec.regex !== undefined) {
    let pattern: RE2JS;
    try {
      pattern = RE2JS.compile(spec.regex);
    } catch (error) {
      throw new MatcherError(
        `regex ${JSON.stringify(spec.regex)} does not compile: ${(error as Error).message} (scenario regexes are RE2: linear time, no backreferences or lookaround)`,
      );
    }
    return (value) => {
      const text = asText(value);
      return text !== undefined && pattern.matcher(text).find();
    };
  }
  const options = new Set(spec.one_of!.map(String));
  return (value) => {
    const text = asText(value);
    return text !== undefined && options.has(text);
  };
}

/** The literal values a matcher can match, when it names them (plain, equals, one_of). */
export function literalValues(spec: MatcherSpec | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec !== 'object') return [String(spec)];
  if (spec.equals !== undefined) return [String(spec.equals)];
  if (spec.one_of !== undefined) return spec.one_of.map(String);
  return undefined;
}
