/**
 * The build and generation scripts live in mock-server/build/, apart from the runtime modules: the
 * package's scripts run them from there, and no runtime module imports them (the build's tsc, whose
 * configuration leaves the folder out, would otherwise compile what they import into dist/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli-process.js';

const BUILD_FOLDER = 'mock-server/build';

describe('the build folder', () => {
  it('holds every TypeScript file of ours that a package.json script runs', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const run = Object.values(manifest.scripts).flatMap((line) => [...line.matchAll(/\btsx (mock-server\/\S+\.ts)/g)].map((match) => match[1]!));
    expect(run).toContain(`${BUILD_FOLDER}/build-package.ts`);
    expect(run.filter((file) => !file.startsWith(`${BUILD_FOLDER}/`) || !existsSync(join(ROOT, file)))).toEqual([]);
  });

  it('is imported by no runtime module: the build compiled nothing of it into dist/', () => {
    expect(existsSync(join(ROOT, 'dist', BUILD_FOLDER))).toBe(false);
    expect(existsSync(join(ROOT, 'dist/mock-server/index.js'))).toBe(true);
  });
});
