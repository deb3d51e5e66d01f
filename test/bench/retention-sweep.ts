/**
 * `npx tsx test/bench/retention-sweep.ts N`: what one retention sweep costs on a data folder of N
 * certifications started evenly over the last 30 days and ten minutes, so that a sweep at the default
 * age (30 days) drops the oldest ten minutes' worth: the pass that finds and removes them (on the main
 * thread, which answers nothing meanwhile), then its write (a line of the log naming them). Twice: the
 * first sweep after a start also reads every line's created_at_ms. Prints figures; asserts nothing.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveSettings } from '../../mock-server/cli/serve-options.js';
import { createSandboxCore } from '../../mock-server/sandbox-core.js';
import { writeAllSync } from '../../mock-server/storage/durable-files.js';
import { jsonPieces } from '../../mock-server/storage/snapshot-layout.js';

const DAY = 86_400_000;
/** What serve keeps when given no --retention-days. */
const DEFAULT_RETENTION_DAYS = serveSettings([], {}).retentionDays;
const TEN_MINUTES = 10 * 60_000;
const records = Number(process.argv[2] ?? 100_000);
const now = Date.now();
const span = DEFAULT_RETENTION_DAYS * DAY + TEN_MINUTES;

function certification(i: number) {
  const created = now - span + Math.floor((i * span) / records);
  return {
    kind: 'certify-open', id: `c${String(i).padStart(31, '0')}`, app_id: '2021000000000001', order_no: `ORDER${i}`, biz_code: 'FACE',
    identity: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' }, return_url: 'https://merchant.example/return',
    created_at_ms: created, expires_at_ms: created + 23 * 3600_000, status: 'INIT',
  };
}

/** The snapshot as the sandbox writes it (a line per record), a megabyte at a time. */
function writeSnapshot(path: string): void {
  const certifications = { *jsonLines() { for (let i = 0; i < records; i++) yield JSON.stringify(certification(i)); } };
  const fd = openSync(path, 'w');
  try {
    let chunk: Buffer[] = [];
    let size = 0;
    for (const piece of jsonPieces({ version: 1, people: [], authorizations: [], certifications, material_certifications: [], records: {} })) {
      const bytes = Buffer.from(piece);
      chunk.push(bytes);
      size += bytes.length;
      if (size > 1 << 20) {
        writeAllSync(fd, Buffer.concat(chunk));
        chunk = [];
        size = 0;
      }
    }
    writeAllSync(fd, Buffer.concat(chunk));
  } finally {
    closeSync(fd);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sandbox-bench-sweep-'));
try {
  writeSnapshot(join(dir, 'state.json'));
  const core = await createSandboxCore({ dataDir: dir, quiet: true });
  try {
    const cutoff = now - DEFAULT_RETENTION_DAYS * DAY;
    for (const [label, at] of [['the first sweep after a start', cutoff], ['the next, ten minutes later', cutoff + TEN_MINUTES]] as const) {
      const started = performance.now();
      const dropped = core.state.dropOlderThan(at);
      const swept = performance.now();
      await core.state.persist();
      const written = performance.now();
      process.stdout.write(`${records} certifications, ${label}: ${dropped} dropped; the pass ${(swept - started).toFixed(0)} ms (main thread), written in ${(written - swept).toFixed(0)} ms\n`);
    }
  } finally {
    core.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
