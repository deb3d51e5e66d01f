/** `npm run docs`: regenerates the README's supported-methods table from the method definitions. */
import { readFileSync, writeFileSync } from 'node:fs';
import { SUPPORTED_METHODS } from '../methods/method-registry.js';
import { methodTableMarkdown, withMethodTable } from '../methods/method-table.js';

const README = new URL('../../README.md', import.meta.url);
writeFileSync(README, withMethodTable(readFileSync(README, 'utf8'), methodTableMarkdown(SUPPORTED_METHODS)));
process.stdout.write('README.md: supported-methods table regenerated\n');
