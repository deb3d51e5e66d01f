/**
 * What the docs state as data holds: every resident ID number in them passes the kit's own GB 11643
 * check (but the API pages' own example, quoted as refused), every scenario example loads, and the
 * options of `serve` they use are serve's: the real parser reads the command lines and CI variables.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { serveOptionsMarkdown, serveSettings } from '../../mock-server/cli/serve-options.js';
import { residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { compileScenario, parseScenarioText } from '../../mock-server/core/scenarios/load-scenario.js';
import { allCodeBlocks, consumerFile, DOC_PAGES, pageText } from './doc-pages.js';

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

/** `serve`'s arguments on one line of a page, up to what ends the command (a redirect, a pipe, a quote's end). */
const SERVE_LINE = /(?:alipay-sandbox serve|npm start --)([^`>&|)\n]*)/g;
const argumentsOf = (text: string) => [...text.matchAll(SERVE_LINE)].map((match) => match[1]!.trim().split(/\s+/).filter(Boolean));

describe('the serve options the docs use', () => {
  const table = serveOptionsMarkdown();

  it('are serve\'s own: every flag after `alipay-sandbox serve` or `npm start --`, every ALIPAY_SANDBOX_ variable', () => {
    const text = DOC_PAGES.map(pageText).join('\n');
    const flags = argumentsOf(text).flat().filter((word) => word.startsWith('--') && word !== '--help').map((word) => word.split('=')[0]!);
    const variables = [...new Set([...text.matchAll(/ALIPAY_SANDBOX_[A-Z_]+/g)].map((match) => match[0]))];
    expect(flags.length).toBeGreaterThan(3);
    expect(variables.length).toBeGreaterThan(5);
    expect([...flags.filter((flag) => !table.includes(`| \`${flag}`)), ...variables.filter((name) => !table.includes(`\`${name}\``))]).toEqual([]);
  });

  it('parse as written where a code block gives them values', () => {
    const commands = allCodeBlocks().filter((block) => /^(sh|bash|shell|yaml|yml)$/.test(block.lang)).flatMap((block) => argumentsOf(block.code));
    expect(commands.length).toBeGreaterThan(3);
    for (const args of commands) expect(() => serveSettings(args.filter((word) => word !== '--help'), {}), args.join(' ')).not.toThrow();
  });

  it('in the CI recipes, start an in-memory sandbox on the port the jobs wait on', () => {
    const github = (parseYaml(consumerFile('.github/workflows/integration.yml')) as { jobs: { integration: { env: Record<string, unknown> } } }).jobs.integration.env;
    const gitlab = (parseYaml(consumerFile('.gitlab-ci.yml')) as { integration: { variables: Record<string, unknown> } }).integration.variables;
    for (const variables of [github, gitlab]) {
      const settings = serveSettings([], Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)])));
      expect(settings.port).toBe(8976);
      expect(settings.dataDir).toBeUndefined();
    }
  });
});
