/**
 * What `npm run docs` writes, computed in memory: write-docs.ts writes it, and a test compares it with
 * the files on disk, so that a stale generated file is found without rewriting files others may be
 * editing. Each file's header comes from its own generator (the README's blocks are in their markers).
 */
import { relative } from 'node:path';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { serveOptionsMarkdown, SERVE_OPTIONS_TABLE_END, SERVE_OPTIONS_TABLE_START } from '../cli/serve-options.js';
import { asFixturePerson, FIXTURE_PEOPLE_COUNT, FIXTURE_PEOPLE_FILE, FIXTURE_PEOPLE_SEED } from '../files/fixture-people.js';
import { magicIdentityTableMarkdown, MAGIC_TABLE_END, MAGIC_TABLE_START } from '../core/identity/magic-identity-table.js';
import { CLIENT_API_TYPES_FILE, clientApiTypes } from '../core/methods/client-api-types.js';
import { SUPPORTED_METHODS } from '../core/methods/method-registry.js';
import { methodTableMarkdown, METHOD_TABLE_END, METHOD_TABLE_START } from '../core/methods/method-table.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { businessErrorScenarios } from '../core/scenarios/business-error-scenarios.js';
import { SCENARIO_SCHEMA } from '../core/scenarios/scenario-schema.js';
import { replaceBlock } from './generated-blocks.js';

export interface DocsFile {
  /** From the package root. */
  readonly path: string;
  readonly text: string;
}

export interface ReadmeBlock {
  readonly start: string;
  readonly end: string;
  readonly markdown: () => string;
}

export const README_FILE = 'README.md';

/** The README's generated blocks; the rest of it is hand-written. */
export const README_BLOCKS: readonly ReadmeBlock[] = [
  { start: METHOD_TABLE_START, end: METHOD_TABLE_END, markdown: () => methodTableMarkdown(SUPPORTED_METHODS) },
  { start: MAGIC_TABLE_START, end: MAGIC_TABLE_END, markdown: magicIdentityTableMarkdown },
  { start: SERVE_OPTIONS_TABLE_START, end: SERVE_OPTIONS_TABLE_END, markdown: serveOptionsMarkdown },
];

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function fixturePeopleText(): string {
  return jsonText(generateIdentities({ seed: FIXTURE_PEOPLE_SEED, count: FIXTURE_PEOPLE_COUNT }).map(asFixturePerson));
}

/** Every file `npm run docs` writes; the README's is `readme` (its text today) with its blocks regenerated. */
export function docsFiles(readme: string): DocsFile[] {
  return [
    { path: README_FILE, text: README_BLOCKS.reduce((text, block) => replaceBlock(text, block.start, block.end, block.markdown()), readme) },
    { path: 'scenarios/scenario.schema.json', text: jsonText(SCENARIO_SCHEMA) },
    ...businessErrorScenarios(SUPPORTED_METHODS).map((file) => ({ path: `scenarios/${file.path}`, text: file.text })),
    { path: CLIENT_API_TYPES_FILE, text: clientApiTypes(SUPPORTED_METHODS) },
    { path: relative(PACKAGE_ROOT, FIXTURE_PEOPLE_FILE), text: fixturePeopleText() },
  ];
}
