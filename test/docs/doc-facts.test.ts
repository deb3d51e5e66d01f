/**
 * What the docs state as data holds: every resident ID number in them passes the kit's own GB 11643
 * check (but the API pages' own example, quoted as refused), and every scenario example loads.
 */
import { describe, expect, it } from 'vitest';
import { residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { compileScenario, parseScenarioText } from '../../mock-server/core/scenarios/load-scenario.js';
import { allCodeBlocks, DOC_PAGES, pageText } from './doc-pages.js';

/** Quoted as what the sandbox refuses: Alipay's pages' example number, whose 26 is no province. */
const QUOTED_AS_INVALID = new Set(['260104197909275964']);

const ID_NUMBERS = DOC_PAGES.flatMap((page) =>
  [...pageText(page).matchAll(/(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])/g)].map((match) => ({ page, number: match[0] })));

describe('the resident ID numbers of the docs', () => {
  it('are found (magic identities, examples)', () => {
    expect(ID_NUMBERS.length).toBeGreaterThan(10);
  });

  it('each pass the GB 11643 check the sandbox makes, or are quoted as refused', () => {
    const invalid = ID_NUMBERS.filter(({ number }) => !QUOTED_AS_INVALID.has(number) && residentIdProblem(number) !== undefined);
    expect(invalid.map(({ page, number }) => `${page}: ${number} (${residentIdProblem(number)})`)).toEqual([]);
    for (const number of QUOTED_AS_INVALID) expect(residentIdProblem(number)).toBeDefined();
  });
});

describe('the scenario examples of the docs', () => {
  const scenarios = allCodeBlocks().filter((block) => /^ya?ml$/.test(block.lang) && /^rules:/m.test(block.code));

  it.each(scenarios.map((block) => [`${block.page}:${block.line}`, block] as const))('%s loads as a scenario', (at, block) => {
    expect(() => compileScenario(parseScenarioText(block.code, at), at, SUPPORTED_METHODS)).not.toThrow();
  });
});
