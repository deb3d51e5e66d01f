/**
 * What a refusal adds when the request carries its method page's own example ID number. Alipay's pages
 * print numbers nobody holds (a region that does not exist, a wrong check digit, 17 digits); a newcomer
 * who copies one gets only the page's sub_msg (参数异常, ...), which does not say that the number is at
 * fault. The note says where the number comes from and names the valid one the sandbox's own example
 * call sends in its place (the definition's exampleCall corrections).
 */
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { exampleRequest } from '../methods/method-examples.js';
import { prefectureName } from '../identity/resident-id.js';
import { fieldReader } from '../scenarios/scenario-rules.js';

/** The page's example number and the valid number the example call sends instead. */
interface PageExampleNumber {
  readonly page: string;
  readonly valid: string;
}

const known = new WeakMap<ApiMethodDefinition, PageExampleNumber | null>();

/** The definition's page example number, when the sandbox's example call replaces it; undefined otherwise. */
function pageExampleNumber(definition: ApiMethodDefinition): PageExampleNumber | undefined {
  let found = known.get(definition);
  if (found === undefined) {
    found = null;
    const field = definition.identityField;
    if (definition.pageExample && field) {
      const page = fieldReader(definition.pageExample)(field);
      const valid = fieldReader(exampleRequest(definition))(field);
      if (typeof page === 'string' && typeof valid === 'string' && page !== valid) found = { page, valid };
    }
    known.set(definition, found);
  }
  return found ?? undefined;
}

/** The note for a refused request whose identity field holds the page's example number, if it does. */
export function pageExampleNote(definition: ApiMethodDefinition, bizContent: Readonly<Record<string, unknown>>): string | undefined {
  const number = pageExampleNumber(definition);
  if (!number || !definition.identityField || fieldReader(bizContent)(definition.identityField) !== number.page) return undefined;
  const region = prefectureName(number.valid);
  // It follows the refusal's own detail, which names the field and the number.
  return `it is the example on Alipay's own page for ${definition.name}, a number nobody holds: send a valid one instead, such as ${number.valid}${region ? ` (issued in ${region})` : ''}, the number the sandbox's example call sends`;
}
