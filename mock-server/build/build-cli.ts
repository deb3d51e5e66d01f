/**
 * Bundles the compiled command line (dist/mock-server/cli/main.js and everything `serve` loads) into
 * dist/bin, the package's `alipay-sandbox` (part of `npm run build`, after tsc).
 *
 * Why: a plain `serve` loads 90 of our modules and 188 files of its dependencies, and on Node 20 (no
 * module compile cache) resolving, reading and compiling them one by one is much of its start-up:
 * spawn to the first signed answer took 229-291 ms unbundled against 167-203 ms from the 13 files of
 * the bundle, on a 2-core machine. Commands and routes that load later (the admin API, keys,
 * identities) stay chunks of their own, loaded when used.
 *
 * The library's entry points (`alipay-gateway-sandbox`, `/msw`, `/undici`, `/client`) are not bundled:
 * they are the unbundled modules under dist/mock-server, so an importer's own bundler and types see
 * the same files. The bin runs in a process of its own, so the two copies never meet.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUILT_FILES, stagedPath } from './built-files.js';
import { generatedHeader } from './generated-header.js';

/** The bin's entry file, inside the package (package.json's "bin" names it). */
const BUNDLED_CLI = `${BUILT_FILES.bin}/alipay-sandbox.js`;

// Loaded only by the commands and options that need them, and large: bundling them would only make
// the package bigger. Pact is an optional peer dependency with a native core, so it must stay outside.
const LOADED_FROM_NODE_MODULES = ['@pact-foundation/pact', '@faker-js/faker', '@redis/client'];

// The build's own folder: esbuild names each input in a comment by its path from here, and hashes the
// chunks' names from their text, so that these paths must not carry the staging folder's name (a build
// of the same sources writes the same chunks; a sandbox still running from the former dist/ finds them).
const dist = stagedPath('dist');

const result = await build({
  absWorkingDir: dist,
  entryPoints: [join(dist, 'mock-server/cli/main.js')],
  entryNames: 'alipay-sandbox',
  outdir: stagedPath(BUILT_FILES.bin),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: LOADED_FROM_NODE_MODULES,
  // The CommonJS dependencies (ajv, yaml, express, ...) `require` Node's modules; an ES module has no
  // `require` of its own, so every output file gets one. (esbuild keeps the entry's #! line above it.)
  banner: { js: `// ${generatedHeader('npm run build', import.meta.url)}\nimport { createRequire as createRequireForBundledCommonJs } from 'node:module';\nconst require = createRequireForBundledCommonJs(import.meta.url);` },
  logLevel: 'warning',
  metafile: true,
});

const files = Object.keys(result.metafile.outputs);
const bytes = files.reduce((sum, file) => sum + statSync(join(dist, file)).size, 0);
// On stderr: `npm pack --json` (which builds through prepack) keeps stdout for its JSON.
process.stderr.write(`cli: ${BUNDLED_CLI} and ${files.length - 1} chunks, ${(bytes / 1024).toFixed(0)} KiB\n`);
