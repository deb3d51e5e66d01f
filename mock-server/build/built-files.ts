/**
 * What `npm run build` writes besides tsc's one module per source: the scripts that write them take
 * their paths from here, and a test reads every file under these paths for its header.
 */
import { packagePath } from '../package-root.js';

export const BUILT_FILES = {
  console: 'dist/console',
  bin: 'dist/bin',
  validators: 'dist/mock-server/core/validation/precompiled-validators.js',
} as const;

/**
 * The folder this build writes, beside dist/ (at its depth, so that the source maps' relative paths
 * hold), which replaces dist/ only once complete (build-package.ts): a sandbox running from dist/ meanwhile
 * never finds it empty or half-written, and two builds at once never write into each other's files.
 */
export const STAGING_DIR = `.dist-building-${process.pid}`;

/** Where this build writes what ends up at `distPath` (a path under dist/). */
export function stagedPath(distPath: string): string {
  return packagePath(distPath.replace(/^dist(?=\/|$)/, STAGING_DIR));
}
