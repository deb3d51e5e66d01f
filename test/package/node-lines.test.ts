/**
 * The Node lines the package supports are said once, in package.json's engines: the README names the
 * same lines, the running Node is one of them, and .ci/node-lines reads them from there (it runs the
 * installed package's checks on each line but the one `npm test` ran on).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';

const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

/** One of engines' ranges, as it writes them: ^major.minor.patch (that line from that release) or >=major. */
function inRange(version: readonly number[], range: string): boolean {
  const caret = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (caret) {
    const [major, minor, patch] = caret.slice(1).map(Number) as [number, number, number];
    return version[0] === major && (version[1]! > minor || (version[1] === minor && version[2]! >= patch));
  }
  const atLeast = /^>=(\d+)$/.exec(range);
  if (atLeast) return version[0]! >= Number(atLeast[1]);
  throw new Error(`engines.node has a range this test does not read: ${range}`);
}

const satisfies = (version: string) => engines.split('||').some((range) => inRange(version.split('.').map(Number), range.trim()));

describe('the supported Node lines', () => {
  it('are 20, 22 and 24, each from the release whose require() loads ES modules unflagged', () => {
    expect(engines.split('||').map((range) => /\d+/.exec(range)![0])).toEqual(['20', '22', '24']);
    expect(['20.19.0', '22.12.0', '24.0.0', '24.22.3', '26.1.0'].filter((version) => !satisfies(version))).toEqual([]);
    expect(['18.20.0', '20.18.3', '21.7.0', '22.11.0', '23.11.0'].filter(satisfies)).toEqual([]);
  });

  it('are the ones the README names', () => {
    const majors = engines.split('||').map((range) => /\d+/.exec(range)![0]);
    const named = `Node ${majors.slice(0, -1).join(', ')} or ${majors.at(-1)}`;
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(named);
  });

  it('hold the Node running this test', () => {
    expect(satisfies(process.versions.node)).toBe(true);
  });
});
