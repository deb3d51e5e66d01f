/**
 * `npm run build`: the package's dist/ in one process. tsc compiles while the console's bundle is
 * built (neither reads the other's output); then the precompiled validators replace tsc's empty
 * module, and the bin is bundled from all of it. Each step was a tsx process of its own, one after
 * the other: every start cost about 0.5 s of CPU, and the console's bundle waited for tsc.
 *
 * Everything is written to a fresh folder beside dist/ (built-files.ts's STAGING_DIR), which replaces
 * dist/ once complete (replace-dist.ts): a sandbox running from dist/ survives the build, and a failed
 * build leaves the last good dist/ in place.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { packagePath, PACKAGE_ROOT } from '../package-root.js';
import { STAGING_DIR } from './built-files.js';
import { removeAbandonedBuilds, replaceDist } from './replace-dist.js';

/** tsc with the build's configuration; false when it reported errors (it has printed them). */
function compile(): Promise<boolean> {
  // TypeScript's own launcher (its package exports no path to it); it runs the native compiler.
  const tsc = packagePath('node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, '-p', packagePath('tsconfig.build.json'), '--outDir', packagePath(STAGING_DIR)], { stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code) => done(code === 0));
  });
}

// The build starts from an empty folder, so that nothing a former build left is packed.
removeAbandonedBuilds(PACKAGE_ROOT);
rmSync(packagePath(STAGING_DIR), { recursive: true, force: true });
process.once('exit', () => rmSync(packagePath(STAGING_DIR), { recursive: true, force: true }));
const [compiled] = await Promise.all([compile(), import('./build-console.js')]);
if (!compiled) {
  process.stderr.write('build: tsc reported the errors above; dist/ is left as it was\n');
  process.exit(1);
}
await import('./write-precompiled-validators.js');
await import('./build-cli.js');
replaceDist(packagePath(STAGING_DIR), packagePath('dist'));
