/**
 * `npm run docs`: regenerates what is generated from the definitions and fixtures (docs-files.ts lists
 * it): the generated blocks of hand-written pages (the tables of supported methods, magic identities
 * and serve options), the shipped business-error scenarios and the scenario schema's JSON, the
 * reference client's API types, the fixture people a new sandbox knows, and two whole pages: the admin
 * API's (from its route table) and the command line's (from its command table).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { packagePath } from '../package-root.js';
import { docsFiles } from './docs-files.js';

const files = docsFiles((path) => readFileSync(packagePath(path), 'utf8'));
// Only what changed is written: a page with generated blocks is edited by hand between them, and an
// editor that has it open should not see it change under it when the blocks were already current.
const changed = files.filter((file) => !existsSync(packagePath(file.path)) || readFileSync(packagePath(file.path), 'utf8') !== file.text);
for (const file of changed) {
  mkdirSync(dirname(packagePath(file.path)), { recursive: true });
  writeFileSync(packagePath(file.path), file.text);
}
process.stdout.write(`docs: ${files.length} generated files, ${changed.length} rewritten${changed.map((file) => `\n  ${file.path}`).join('')}\n`);
