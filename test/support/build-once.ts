/**
 * vitest globalSetup: builds the package into dist/ once before any test (`npm run build`: tsc, the
 * precompiled validators, the console, the bundled bin), so that the tests which spawn the command
 * line run what `npm pack` ships (and start as fast as a user's), never a stale build.
 * `npm test` builds first and runs two vitest runs side by side (test/run-tests.ts): it says so, and
 * neither rewrites dist/ under the other's running CLIs.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Set by test/run-tests.ts once `npm run build` has built dist/ from these sources. */
export const BUILT_FOR_THIS_RUN = 'ALIPAY_SANDBOX_TESTS_BUILT';

export default function build(): void {
  if (process.env[BUILT_FOR_THIS_RUN] === '1') return;
  const root = resolve(import.meta.dirname, '../..');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
