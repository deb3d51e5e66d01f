/**
 * Every relative link of README.md and docs/ leads somewhere: the file or folder exists, and a
 * `#anchor` into a markdown page is one of its headings as GitHub names them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';
import { DOC_PAGES, pageText } from './doc-pages.js';

const withoutFencedBlocks = (text: string) => text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '');

/** The text outside fenced blocks and inline code, where a link is a link. */
function prose(text: string): string {
  return withoutFencedBlocks(text).replace(/`[^`\n]*`/g, '');
}

/** The targets of inline links and images: `[text](target)`, `![alt](target "title")`. */
function linkTargets(text: string): string[] {
  return [...prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of withoutFencedBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

const LINKS = DOC_PAGES.flatMap((page) => linkTargets(pageText(page)).map((target) => ({ page, target })))
  .filter(({ target }) => !/^[a-z][a-z+.-]*:/i.test(target));

describe('the relative links of the docs', () => {
  it('are many (the reader finds them)', () => {
    expect(LINKS.length).toBeGreaterThan(40);
  });

  it.each(LINKS.map((link) => [`${link.page} → ${link.target}`, link] as const))('%s resolves', (_, { page, target }) => {
    const [path = '', anchor] = target.split('#');
    const file = path ? normalize(join(dirname(page), decodeURIComponent(path))) : page;
    expect(file.startsWith('..'), 'a link out of the repository').toBe(false);
    expect(existsSync(join(ROOT, file)), `${file} exists`).toBe(true);
    if (anchor && file.endsWith('.md')) expect([...headingAnchors(pageText(file))]).toContain(decodeURIComponent(anchor));
  });
});

describe('GitHub\'s heading anchors, as the links test computes them', () => {
  it('drop punctuation and code marks, keep CJK, number repeats', () => {
    expect([...headingAnchors('# A real server in-process: `startSandbox`\n## Scenarios: choose what "Alipay" answers\n## 核身 flows\n## Notes\n## Notes\n')])
      .toEqual(['a-real-server-in-process-startsandbox', 'scenarios-choose-what-alipay-answers', '核身-flows', 'notes', 'notes-1']);
  });
});
