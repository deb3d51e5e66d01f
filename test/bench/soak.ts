/**
 * `npm run soak -- [--seconds N] [--window S] [--data-dir]`: steady load on one sandbox process for a
 * given time (default 60 s), one line per window: requests/s, p99, and the server's RSS and heap as
 * its health route reports them. Prints figures; asserts nothing. Loopback only, bounded in time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { publicParams, signedRequest } from '../support/signed-request.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, window: { type: 'string', default: '10' }, 'data-dir': { type: 'boolean', default: false } } });
const seconds = Math.max(1, Number(values.seconds));
const windowSeconds = Math.max(1, Math.min(seconds, Number(values.window)));
const METHODS = ['alipay.user.certify.open.initialize', 'zhima.auth.info.authquery'] as const;

function pool() {
  return Array.from({ length: 1000 }, (_, i) => {
    const method = METHODS[i % 2]!;
    const biz =
      method === 'zhima.auth.info.authquery'
        ? { identity_type: '2', auth_category: 'C2B', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: '张三', certNo: '330211199003132437' }) }
        : { outer_order_no: `SOAK${i}`, biz_code: 'FACE', identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' }), merchant_config: '{"return_url":"https://merchant.example/r"}' };
    return signedRequest({ ...publicParams(method), biz_content: JSON.stringify(biz) });
  });
}

const dataDir = values['data-dir'] ? mkdtempSync(join(tmpdir(), 'sandbox-soak-')) : undefined;
const child = spawn(process.execPath, ['dist/bin/alipay-sandbox.js', 'serve', '--port', '0', '--quiet', ...(dataDir ? ['--data-dir', dataDir] : ['--in-memory'])], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((done, fail) => {
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    const match = /gateway\s+(http:\/\/\S+)\/gateway\.do/.exec(seen);
    if (match) done(match[1]!);
  });
  child.once('exit', (code) => fail(new Error(`the sandbox exited with ${code}`)));
});

const requests = pool().map((r) => ({ method: 'POST' as const, path: r.path, body: r.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
process.stdout.write(`soak: ${seconds} s in ${windowSeconds} s windows, 8 connections, ${dataDir ? 'data dir' : 'in memory'}, ${url}\n`);
process.stdout.write('  window   requests/s   p99 ms   errors   rss MB   heap MB   load\n');
try {
  for (let elapsed = 0, window = 1; elapsed < seconds; elapsed += windowSeconds, window++) {
    const result = await autocannon({ url, connections: 8, duration: Math.min(windowSeconds, seconds - elapsed), requests });
    const health = (await (await fetch(`${url}/__admin/health`)).json()) as { memory: { rss_bytes: number; heap_used_bytes: number } };
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `  ${String(window).padStart(6)}   ${result.requests.average.toFixed(0).padStart(10)}   ${String(result.latency.p99).padStart(6)}   ${String(result.errors + result.non2xx).padStart(6)}   ${mb(health.memory.rss_bytes).padStart(6)}   ${mb(health.memory.heap_used_bytes).padStart(7)}   ${loadavg()[0]!.toFixed(2)}\n`,
    );
  }
} finally {
  child.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
