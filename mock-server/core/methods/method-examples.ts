/**
 * Each method's example call, from its definition: the page's example (or the request written where
 * the page shows none) with the fields that make it one the sandbox answers with success. The smoke
 * check, the derived pact interactions and the provider states all send these, so a method added to
 * the registry is called by each of them without another list to keep.
 */
import type { ApiMethodDefinition } from './api-method.js';

/** The example as a test sends it, the same every run (so that a pact stays the same file). */
export function exampleRequest(definition: ApiMethodDefinition): Record<string, string> {
  const example = definition.pageExample ?? definition.exampleCall?.request;
  if (!example) throw new Error(`${definition.name} has neither a pageExample nor an exampleCall.request`);
  return { ...example, ...definition.exampleCall?.corrections };
}

/** The field that holds the example's order number (what a run or a provider state makes its own). */
export function orderField(definition: ApiMethodDefinition): string | undefined {
  return definition.exampleCall?.unique?.[0];
}

/**
 * The example with its order numbers made this run's own: a gateway that remembers orders (Alipay's
 * sandbox) would otherwise answer a second run with the first one's record.
 */
export function exampleForRun(definition: ApiMethodDefinition, runId: string): Record<string, string> {
  const unique = definition.exampleCall?.unique ?? [];
  return { ...exampleRequest(definition), ...Object.fromEntries(unique.map((field) => [field, `SMOKE${runId}`])) };
}

/** The public parameters the example sends beside biz_content (an auth_token), none for most methods. */
export function examplePublicParameters(definition: ApiMethodDefinition): Record<string, string> {
  return { ...definition.exampleCall?.publicParameters };
}

export interface SmokeCall {
  readonly method: string;
  readonly request: Record<string, string>;
  readonly publicParameters?: Record<string, string>;
}

/**
 * One call per API (a browser opens the page APIs), each its example. What a call needs first is not
 * set up: against another gateway no provider state can be, and the documented refusal of an id
 * nobody issued honours the contract as much as a success does.
 */
export function smokeCalls(definitions: readonly ApiMethodDefinition[], runId: string): SmokeCall[] {
  return definitions.filter((d) => !d.page).map((d) => ({ method: d.name, request: exampleForRun(d, runId), ...(d.exampleCall?.publicParameters ? { publicParameters: examplePublicParameters(d) } : {}) }));
}
