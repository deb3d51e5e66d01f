/**
 * What `npm run docs` writes, computed in memory: write-docs.ts writes it, and a test compares it with
 * the files on disk, so that a stale generated file is found without rewriting files others may be
 * editing. A file is generated whole (its header comes from its own generator) or is a hand-written
 * markdown page with generated blocks between markers (BLOCK_FILES).
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
import { adminApiMarkdown, ADMIN_API_DOC_FILE } from './admin-api-doc.js';
import { cliMarkdown, CLI_DOC_FILE } from './cli-doc.js';
import { replaceBlock } from './generated-blocks.js';

export interface DocsFile {
  /** From the package root. */
  readonly path: string;
  readonly text: string;
}

export interface GeneratedBlock {
  readonly start: string;
  readonly end: string;
  readonly markdown: () => string;
}

/** A hand-written markdown file and the generated blocks in it. */
export interface BlockFile {
  /** From the package root. */
  readonly path: string;
  readonly blocks: readonly GeneratedBlock[];
}

/** The generated blocks of hand-written pages, by the page each lives in; the rest of each page is hand-written. */
export const BLOCK_FILES: readonly BlockFile[] = [
  { path: 'README.md', blocks: [{ start: METHOD_TABLE_START, end: METHOD_TABLE_END, markdown: () => methodTableMarkdown(SUPPORTED_METHODS) }] },
  { path: 'docs/scenarios.md', blocks: [{ start: MAGIC_TABLE_START, end: MAGIC_TABLE_END, markdown: magicIdentityTableMarkdown }] },
  { path: 'docs/ci.md', blocks: [{ start: SERVE_OPTIONS_TABLE_START, end: SERVE_OPTIONS_TABLE_END, markdown: serveOptionsMarkdown }] },
];

/** The page that holds a generated block, found by its start marker (for the tests that read one block). */
export function blockFileOf(start: string): string {
  const file = BLOCK_FILES.find((candidate) => candidate.blocks.some((block) => block.start === start));
  if (!file) throw new Error(`no page holds the generated block ${start}`);
  return file.path;
}

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function fixturePeopleText(): string {
  return jsonText(generateIdentities({ seed: FIXTURE_PEOPLE_SEED, count: FIXTURE_PEOPLE_COUNT }).map(asFixturePerson));
}

function withBlocksRegenerated(file: BlockFile, read: (path: string) => string): DocsFile {
  return { path: file.path, text: file.blocks.reduce((text, block) => replaceBlock(text, block.start, block.end, block.markdown()), read(file.path)) };
}

/**
 * Every file `npm run docs` writes. `read` gives a hand-written page's text today (the file on disk),
 * into which its blocks are regenerated; a whole generated file is one more line of this list.
 */
export function docsFiles(read: (path: string) => string): DocsFile[] {
  return [
    ...BLOCK_FILES.map((file) => withBlocksRegenerated(file, read)),
    { path: 'scenarios/scenario.schema.json', text: jsonText(SCENARIO_SCHEMA) },
    ...businessErrorScenarios(SUPPORTED_METHODS).map((file) => ({ path: `scenarios/${file.path}`, text: file.text })),
    { path: CLIENT_API_TYPES_FILE, text: clientApiTypes(SUPPORTED_METHODS) },
    { path: relative(PACKAGE_ROOT, FIXTURE_PEOPLE_FILE), text: fixturePeopleText() },
    { path: ADMIN_API_DOC_FILE, text: adminApiMarkdown() },
    { path: CLI_DOC_FILE, text: cliMarkdown() },
  ];
}
