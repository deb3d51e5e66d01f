/**
 * `npm run docs`: regenerates what is generated from the definitions and fixtures: the README's tables
 * of supported methods, magic identities and serve options, the shipped business-error scenarios and the scenario schema's JSON, the
 * reference client's API types, and the fixture people a new sandbox knows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { asFixturePerson, FIXTURE_PEOPLE_COUNT, FIXTURE_PEOPLE_FILE, FIXTURE_PEOPLE_SEED } from '../identity/fixture-people.js';
import { magicIdentityTableMarkdown, MAGIC_TABLE_END, MAGIC_TABLE_START } from '../identity/magic-identity-table.js';
import { CLIENT_API_TYPES_FILE, clientApiTypes } from '../methods/client-api-types.js';
import { SUPPORTED_METHODS } from '../methods/method-registry.js';
import { methodTableMarkdown, METHOD_TABLE_END, METHOD_TABLE_START } from '../methods/method-table.js';
import { businessErrorScenarios } from '../scenarios/business-error-scenarios.js';
import { SCENARIO_SCHEMA } from '../scenarios/scenario-schema.js';
import { replaceBlock } from './generated-blocks.js';
import { serveOptionsMarkdown, SERVE_OPTIONS_TABLE_END, SERVE_OPTIONS_TABLE_START } from './serve-options.js';

const README = new URL('../../README.md', import.meta.url);
let readme = readFileSync(README, 'utf8');
readme = replaceBlock(readme, METHOD_TABLE_START, METHOD_TABLE_END, methodTableMarkdown(SUPPORTED_METHODS));
readme = replaceBlock(readme, MAGIC_TABLE_START, MAGIC_TABLE_END, magicIdentityTableMarkdown());
readme = replaceBlock(readme, SERVE_OPTIONS_TABLE_START, SERVE_OPTIONS_TABLE_END, serveOptionsMarkdown());
writeFileSync(README, readme);

const scenarios = fileURLToPath(new URL('../../scenarios/', import.meta.url));
writeFileSync(`${scenarios}scenario.schema.json`, `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
const files = businessErrorScenarios(SUPPORTED_METHODS);
for (const file of files) {
  mkdirSync(dirname(scenarios + file.path), { recursive: true });
  writeFileSync(scenarios + file.path, file.text);
}
writeFileSync(CLIENT_API_TYPES_FILE, clientApiTypes(SUPPORTED_METHODS));

const people = generateIdentities({ seed: FIXTURE_PEOPLE_SEED, count: FIXTURE_PEOPLE_COUNT }).map(asFixturePerson);
writeFileSync(FIXTURE_PEOPLE_FILE, `${JSON.stringify(people, null, 2)}\n`);

process.stdout.write(`README.md tables, ${files.length} business-error scenarios, client-harness/api-types.ts and ${people.length} fixture people regenerated\n`);
