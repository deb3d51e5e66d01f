import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedBlock } from '../../mock-server/build/generated-blocks.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { METHOD_TABLE_END, METHOD_TABLE_START, methodTableMarkdown } from '../../mock-server/core/methods/method-table.js';

describe('the README\'s supported-methods table', () => {
  it('is what the definitions generate (run `npm run docs` when this fails)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = generatedBlock(readme, METHOD_TABLE_START, METHOD_TABLE_END);
    expect(block).toBe(methodTableMarkdown(SUPPORTED_METHODS));
  });

  it('lists every supported method with every documented business code', () => {
    const table = methodTableMarkdown(SUPPORTED_METHODS);
    // Every definition file (named after its method) is registered: a new method is its file plus one registry line.
    const files = readdirSync(new URL('../../mock-server/core/methods/', import.meta.url)).filter((f) => /^[a-z]+(\.[a-z]+){2,}\.ts$/.test(f));
    expect(SUPPORTED_METHODS.map((d) => `${d.name}.ts`).sort()).toEqual(files.sort());
    for (const definition of SUPPORTED_METHODS) {
      expect(table).toContain(`\`${definition.name}\``);
      for (const row of definition.businessErrors) expect(table).toContain(`\`${row.sub_code}\` ${row.sub_msg}`);
    }
  });
});

describe('the provider-state table of docs/contracts.md', () => {
  it('lists every provider state the sandbox knows', async () => {
    const { PROVIDER_STATE_NAMES } = await import('../../contracts/provider-states.js');
    const contracts = readFileSync(new URL('../../docs/contracts.md', import.meta.url), 'utf8');
    for (const name of PROVIDER_STATE_NAMES) expect(contracts).toContain(`| \`${name}\` |`);
  });
});
