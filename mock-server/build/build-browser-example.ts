/**
 * Builds the browser example (mock-server/msw/browser/) into a folder: the page, its bundle (the
 * sandbox core, its msw handlers and the reference client, with node:crypto on forge), and msw's
 * service worker script. `npm run example:browser` builds and serves it; the browser test builds it
 * into a temporary folder.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { packagePath } from '../package-root.js';
import { generatedHeader } from './generated-header.js';

const example = (path: string) => packagePath('mock-server', 'msw', 'browser', path);

export async function buildBrowserExample(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [example('main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    banner: { js: `// ${generatedHeader('npm run example:browser', import.meta.url)}` },
    logLevel: 'warning',
    loader: { '.pem': 'text', '.crt': 'text' },
    inject: [example('node-shims/globals.ts')],
    define: { global: 'globalThis' },
    // The core reads no file: only RSA keys and AES need a stand-in for node:crypto (forge). esbuild
    // refuses any other node: import for the browser, so the browser test fails if one creeps in.
    alias: { 'node:crypto': example('node-shims/crypto.ts') },
  });
  copyFileSync(example('index.html'), join(outDir, 'index.html'));
  copyFileSync(fileURLToPath(import.meta.resolve('msw/mockServiceWorker.js')), join(outDir, 'mockServiceWorker.js'));
}
