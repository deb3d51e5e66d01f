/**
 * Every Node code block of README.md and docs/ is run (doc-pages.ts says how each marker is run):
 * a snippet is word for word a test file of the suite, a consumer file is one the installed-package
 * test writes and runs, and a script runs here, as a reader runs it against `npm start`, against a
 * sandbox of this file's own. node.md's start banner is what `serve` prints.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../../mock-server/sandbox.js';
import { ROOT, servedUrl, spawnCli } from '../support/cli-process.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { allCodeBlocks, codeBlocks, NODE_LANGS, type CodeBlock } from './doc-pages.js';

const BLOCKS = allCodeBlocks();
const NODE_BLOCKS = BLOCKS.filter((block) => NODE_LANGS.has(block.lang));
const where = (block: CodeBlock) => `${block.page}:${block.line}`;
const markedWith = (prefix: string) => NODE_BLOCKS.filter((block) => block.marker?.startsWith(prefix)).map((block) => [where(block), block] as const);

const SNIPPETS_FOLDER = 'test/docs/snippets';
const SNIPPETS = markedWith('snippet:');
const CONSUMER_FILES = markedWith('consumer-file:');
const SCRIPTS = markedWith('script: prints ');
/** The address a reader's script reaches `npm start` at, which the scripts here reach their own sandbox instead of. */
const STARTED_AT = `http://127.0.0.1:${DEFAULT_PORT}`;

describe('the Node code blocks of the docs', () => {
  it('are each marked with how they are run (or why not)', () => {
    expect(NODE_BLOCKS.length).toBeGreaterThan(10);
    const unmarked = NODE_BLOCKS.filter((block) => !/^(snippet:\S+|consumer-file:\S+|script: prints \S.*|not-run: \S.*)$/.test(block.marker ?? ''));
    expect(unmarked.map(where)).toEqual([]);
  });

  it.each(SNIPPETS)('%s is word for word the test file it names', (_, block) => {
    const file = block.marker!.slice('snippet:'.length);
    expect(file.startsWith(`${SNIPPETS_FOLDER}/`), file).toBe(true);
    expect(block.code).toBe(readFileSync(join(ROOT, file), 'utf8'));
  });

  it(`shows every file of ${SNIPPETS_FOLDER}, so that none is run without a reader seeing it`, () => {
    const shown = new Set(SNIPPETS.map(([, block]) => block.marker!.slice('snippet:'.length)));
    const files = readdirSync(join(ROOT, SNIPPETS_FOLDER)).map((name) => `${SNIPPETS_FOLDER}/${name}`);
    expect(files.filter((file) => !shown.has(file))).toEqual([]);
  });

  it('has its consumer files run by the installed-package test', () => {
    expect(CONSUMER_FILES.length).toBeGreaterThan(2);
    const runner = readFileSync(join(ROOT, 'test/package/installed-package.test.ts'), 'utf8');
    for (const [at, block] of CONSUMER_FILES) expect(runner, at).toContain(`'${block.marker!.slice('consumer-file:'.length)}'`);
  });
});

describe('the scripts of the docs, run against a sandbox of their own', () => {
  const sandbox = useSandbox();
  const folder = join(ROOT, 'test-results', 'doc-scripts');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(SCRIPTS)('%s runs and prints what its marker says', async (at, block) => {
    expect(block.code).toContain(STARTED_AT);
    // In the checkout, so that its imports and the relative key paths resolve as a reader's do.
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${at.replace(/\W+/g, '-')}.mts`);
    writeFileSync(file, block.code.replaceAll(STARTED_AT, sandbox().url));
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      });
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(block.marker!.slice('script: prints '.length));
  }, 40_000);
});

describe('the start banner getting-started/node.md shows', () => {
  it('is, line for line, what serve prints', async () => {
    const shown = codeBlocks('docs/getting-started/node.md').find((block) => block.marker === 'banner');
    expect(shown).toBeDefined();
    const child = spawnCli(['serve', '--port', '0', '--in-memory', '--quiet']);
    try {
      let printed = '';
      child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const url = await servedUrl(child);
      await expect.poll(() => printed).toContain('TEST-ONLY');
      const lines = printed.split('\n');
      for (const line of shown!.code.trimEnd().split('\n')) expect(lines).toContain(line.replaceAll(STARTED_AT, url));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
