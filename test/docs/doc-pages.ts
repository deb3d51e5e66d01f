/**
 * The documentation as the tests read it: README.md and every page under docs/, their fenced code
 * blocks, and the marker comment that says how each block is checked.
 *
 * A Node code block (ts, js and their kin) stands right after one marker line:
 * - `<!-- snippet:PATH -->`: the block is the whole text of the test file PATH, which the suite runs;
 * - `<!-- consumer-file:NAME -->`: a file of a user's project, which test/package/installed-package.test.ts
 *   writes as NAME into a project that installed the packed tarball, and runs;
 * - `<!-- script: prints TEXT -->`: a script a reader runs against `npm start`; test/docs/node-snippets.test.ts
 *   runs it against a sandbox of its own and expects TEXT in what it prints;
 * - `<!-- not-run: REASON -->`: a block that is not a whole program (a fragment, a type), and why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli-process.js';

function markdownUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** README.md and docs/**\/*.md, from the repository root. */
export const DOC_PAGES: readonly string[] = ['README.md', ...markdownUnder('docs').sort()];

export function pageText(page: string): string {
  return readFileSync(join(ROOT, page), 'utf8');
}

export interface CodeBlock {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  /** The block's text, each line ending in a newline. */
  readonly code: string;
  /** The HTML comment on the line before the opening fence, without `<!-- ` and ` -->`. */
  readonly marker: string | undefined;
}

export const NODE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs', 'mts', 'cts', 'tsx', 'jsx']);

export function codeBlocks(page: string): CodeBlock[] {
  const lines = pageText(page).split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.startsWith(open[1]!) && line.trim() === open[1]);
    if (close < 0) throw new Error(`${page}:${i + 1}: a code block that is never closed`);
    const marker = /^<!-- (.+) -->$/.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ page, line: i + 1, lang: open[2]!, code: lines.slice(i + 1, close).map((line) => `${line}\n`).join(''), marker });
    i = close;
  }
  return blocks;
}

/** Every code block of every page. */
export function allCodeBlocks(): CodeBlock[] {
  return DOC_PAGES.flatMap(codeBlocks);
}

/** The block marked `<!-- consumer-file:NAME -->`, in whichever page holds it. */
export function consumerFile(name: string): string {
  const found = allCodeBlocks().filter((block) => block.marker === `consumer-file:${name}`);
  if (found.length !== 1) throw new Error(`${found.length} doc blocks are marked consumer-file:${name}; one should be`);
  return found[0]!.code;
}
