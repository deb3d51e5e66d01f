/**
 * Builds the web console's browser files into dist/console (part of `npm run build`, so that the
 * package ships them): one minified bundle of console/ui/console.ts and its stylesheet. Prints their sizes.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { packagePath } from '../package-root.js';
import { BUILT_FILES, stagedPath } from './built-files.js';
import { generatedHeader } from './generated-header.js';

const ui = (file: string) => packagePath('mock-server', 'console', 'ui', file);
const out = stagedPath(BUILT_FILES.console);
const header = generatedHeader('npm run build', import.meta.url);

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [ui('console.ts')],
  outfile: `${out}/console.js`,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  banner: { js: `// ${header}` },
  logLevel: 'warning',
});
writeFileSync(`${out}/console.css`, `/* ${header} */\n${readFileSync(ui('console.css'), 'utf8')}`);
const size = (file: string) => statSync(`${out}/${file}`).size;
// On stderr: `npm pack --json` (which builds through prepack) keeps stdout for its JSON.
process.stderr.write(`console: console.js ${size('console.js')} bytes, console.css ${size('console.css')} bytes\n`);
