/**
 * The package's entry points are named twice: package.json's exports (what users import, resolved to
 * dist/) and tsconfig.json's paths (the same names resolved to the sources, so that the type check of
 * the README's snippets needs no build). They must name the same modules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';

const NAME = 'alipay-gateway-sandbox';

describe('the entry points', () => {
  it('are the same in package.json exports and tsconfig.json paths, each path the source of its exported declarations', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string }> };
    // tsconfig.json has comments (JSON with comments, as tsc reads it): whole-line ones only.
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { compilerOptions: { paths: Record<string, string[]> } };
    const exported = Object.entries(manifest.exports)
      .filter((entry): entry is [string, { types: string }] => typeof entry[1] === 'object')
      .map(([subpath, target]) => [subpath === '.' ? NAME : `${NAME}/${subpath.slice(2)}`, [target.types.replace(/^\.\/dist\//, './').replace(/\.d\.ts$/, '.ts')]] as const);
    expect(tsconfig.compilerOptions.paths).toEqual(Object.fromEntries(exported));
  });
});
