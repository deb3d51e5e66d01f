/**
 * How a build's finished output takes dist/'s place (build-package.ts): by two renames, so that dist/
 * is one whole build, the old or the new, but for the instant between them, when it is absent. A
 * sandbox started from dist/ keeps loading the files it loads on first use (the admin API's chunk, the
 * console's bundle) while `npm run build` or `npm test` rebuilds beside it; deleting dist/ first, as
 * the build did, left it without them for the whole build.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder the builds' replaced dist/ folders are moved to before they are deleted. */
const REPLACED = (pid: number) => `.dist-replaced-${pid}`;
/** A build's own folders beside dist/: what it is writing (built-files.ts's STAGING_DIR), what it replaced. */
const BUILD_FOLDER = /^\.dist-(building|replaced)-(\d+)$/;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Moves the complete build at `staged` to `dist`, and deletes the dist it replaces. Between the two
 * renames dist/ is absent for an instant; a concurrent build's dist/ that lands there meanwhile is
 * moved aside in turn (the last build to finish wins, whole).
 */
export function replaceDist(staged: string, dist: string): void {
  const replaced = join(dirname(dist), REPLACED(process.pid));
  rmSync(replaced, { recursive: true, force: true });
  mkdirSync(replaced);
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(dist, join(replaced, String(attempt)));
    } catch (error) {
      // No dist/ (a fresh clone, or another build's rename in between): nothing to move aside.
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    try {
      renameSync(staged, dist);
      break;
    } catch (error) {
      if (errorCode(error) !== 'ENOTEMPTY' && errorCode(error) !== 'EEXIST') throw error;
    }
  }
  rmSync(replaced, { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Deletes what builds that were interrupted left beside dist/ (a build still running keeps its own). */
export function removeAbandonedBuilds(root: string): void {
  for (const name of readdirSync(root)) {
    const match = BUILD_FOLDER.exec(name);
    if (match && (Number(match[2]) === process.pid || !isRunning(Number(match[2])))) rmSync(join(root, name), { recursive: true, force: true });
  }
}
