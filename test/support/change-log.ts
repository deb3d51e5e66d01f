/** Reading a data folder's change log in tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The log's change lines, after the generation header a segment starts with once appended to. */
export function changeLines(dir: string): string[] {
  const lines = readFileSync(join(dir, 'state.changes.jsonl'), 'utf8').split('\n').filter(Boolean);
  if (lines.length) expect(lines[0]).toMatch(/^\{"log_generation":\d+\}$/);
  return lines.slice(1);
}
