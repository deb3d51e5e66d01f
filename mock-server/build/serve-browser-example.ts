/**
 * `npm run example:browser`: builds the browser example and serves it on http://127.0.0.1:8977/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFolder } from '../msw/browser/static-server.js';
import { buildBrowserExample } from './build-browser-example.js';

const folder = mkdtempSync(join(tmpdir(), 'alipay-sandbox-browser-'));
await buildBrowserExample(folder);
const site = await serveFolder(folder, Number(process.env.PORT ?? 8977));
process.stdout.write(`browser example: ${site.url}/ (msw answers https://openapi.alipay.com/gateway.do in the page)\n`);
