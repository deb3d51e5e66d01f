/**
 * Builds the web console's browser files into dist/console (part of `npm run build`, so that the
 * package ships them): one minified bundle of ui/console.ts and its stylesheet. Prints their sizes.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { packagePath } from '../package-root.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const out = packagePath('dist', 'console');

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [here('./ui/console.ts')],
  outfile: `${out}/console.js`,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
});
copyFileSync(here('./ui/console.css'), `${out}/console.css`);
const size = (file: string) => statSync(`${out}/${file}`).size;
// On stderr: `npm pack --json` (which builds through prepack) keeps stdout for its JSON.
process.stderr.write(`console: console.js ${size('console.js')} bytes, console.css ${size('console.css')} bytes\n`);
