/**
 * What `npm run build` writes besides tsc's one module per source: the scripts that write them take
 * their paths from here, and a test reads every file under these paths for its header.
 */
export const BUILT_FILES = {
  console: 'dist/console',
  bin: 'dist/bin',
  validators: 'dist/mock-server/core/validation/precompiled-validators.js',
} as const;
