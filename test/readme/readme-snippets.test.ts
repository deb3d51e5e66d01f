import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippets = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.test.ts') && f !== 'readme-snippets.test.ts');

describe('the README\'s code snippets', () => {
  it.each(snippets)('%s stands in the README exactly as the test runs it', (file) => {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- snippet:${file} -->\n\`\`\`ts\n${text}\`\`\`\n<!-- /snippet -->`);
  });
});
