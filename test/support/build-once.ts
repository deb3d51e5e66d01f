/**
 * vitest globalSetup: compiles the package into dist/ once before any test, so that the tests which
 * spawn the command line run what `npm pack` ships (and start as fast as a user's), never a stale build.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function build(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}
