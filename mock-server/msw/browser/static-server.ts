/** A static file server on loopback: the browser example, for `npm run example:browser` and its test. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

const TYPES: Readonly<Record<string, string>> = { html: 'text/html;charset=utf-8', js: 'text/javascript;charset=utf-8' };

export async function serveFolder(folder: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const name = normalize((req.url ?? '/').split('?')[0]!.replace(/^\/$/, '/index.html')).replace(/^(\.\.[/\\])+/, '');
    let body: Buffer;
    try {
      body = readFileSync(join(folder, name));
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[name.split('.').pop()!] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
