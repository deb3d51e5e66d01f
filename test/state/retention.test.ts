/**
 * Retention: with retentionDays (--retention-days), certifications older than that on the business
 * clock are dropped, when the clock moves and at start, and stay dropped after a restart; younger ones
 * and everything without retention stay. Tested with the clock, not by waiting.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { serveSettings } from '../../mock-server/cli/serve-options.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { certifyOpenInitializeExample, CERTIFY_OPEN_INITIALIZE } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { useTempDirs } from '../support/temp-dirs.js';

const dataDirs = useTempDirs('retention-');
const DAY = 86_400_000;
const QUERY = 'alipay.user.certify.open.query';
const MATERIAL = 'zhima.customer.certification.material.certify';

const start = (running: RunningSandbox, order: string) => execSigned(running, CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: order });
const query = async (running: RunningSandbox, certifyId: unknown) => (await execSigned(running, QUERY, { certify_id: String(certifyId) })).sub_code ?? '10000';

/** Runs `use` with a sandbox on the data folder, closed after it whatever happens. */
async function withSandbox<T>(options: Parameters<typeof startSandbox>[0], use: (running: RunningSandbox) => Promise<T>): Promise<T> {
  const running = await startSandbox({ port: 0, quiet: true, ...options });
  try {
    return await use(running);
  } finally {
    await running.close();
  }
}

/** The order numbers of the certifications a sandbox started on the folder (with `retentionDays`) has. */
const ordersAfterRestart = (dataDir: string, retentionDays?: number) =>
  withSandbox({ dataDir, retentionDays }, async (running) => running.admin.certifications().certifications.map((c) => c.order_no));

describe('retention of certifications', () => {
  it('drops those older than the age when the clock moves past it, keeps the younger, and a restart keeps them dropped', async () => {
    const dataDir = dataDirs();
    const running = await startSandbox({ port: 0, dataDir, quiet: true, retentionDays: 30 });
    try {
      const old = await start(running, 'RETAIN_OLD');
      const oldMaterial = await execSigned(running, MATERIAL, { ...VALID_REQUESTS[MATERIAL], transaction_id: 'RETAINMATERIAL01' });
      running.admin.moveClock({ advance_ms: 20 * DAY });
      const young = await start(running, 'RETAIN_YOUNG');
      running.admin.moveClock({ advance_ms: 11 * DAY });
      expect(await query(running, old.certify_id)).toBe('OPEN_CERTIFY_BILL_NOT_EXIST');
      // Kept: an unfinished one of 11 days is expired, not unknown.
      expect(await query(running, young.certify_id)).toBe('CERTIFY_ID_EXPIRED');
      // The material certification is gone too: the same transaction_id certifies anew.
      const again = await execSigned(running, MATERIAL, { ...VALID_REQUESTS[MATERIAL], transaction_id: 'RETAINMATERIAL01' });
      expect(again.biz_no).not.toBe(oldMaterial.biz_no);
      // The sweep is one line of the log, naming what it dropped, not the whole state written again.
      const sweeps = readFileSync(join(dataDir, 'state.changes.jsonl'), 'utf8').split('\n').filter((line) => line.startsWith('{"dropped"'));
      expect(sweeps.map((line) => JSON.parse(line))).toEqual([{ dropped: { certifications: [old.certify_id], materials: [[DEFAULT_APP_ID, 'RETAINMATERIAL01']] } }]);
    } finally {
      await running.close();
    }
    expect(await ordersAfterRestart(dataDir)).toEqual(['RETAIN_YOUNG']);
  });

  it('replays a sweep\'s line of the log over the records it dropped', async () => {
    const dataDir = dataDirs();
    const dropped = await withSandbox({ dataDir }, async (running) => {
      const certifyId = (await start(running, 'RETAIN_REPLAY_DROPPED')).certify_id;
      await start(running, 'RETAIN_REPLAY_KEPT');
      return certifyId;
    });
    // As a sweep leaves it before the next compaction: its line after what the log (and any snapshot) holds.
    const log = join(dataDir, 'state.changes.jsonl');
    const snapshot = join(dataDir, 'state.json');
    const generation = existsSync(snapshot) ? Number(/"log_generation":(\d+)/.exec(readFileSync(snapshot, 'utf8'))?.[1] ?? 0) : 0;
    const logged = existsSync(log) ? readFileSync(log, 'utf8') : '';
    writeFileSync(log, `${logged || `${JSON.stringify({ log_generation: generation })}\n`}${JSON.stringify({ dropped: { certifications: [dropped], materials: [] } })}\n`);
    expect(await ordersAfterRestart(dataDir)).toEqual(['RETAIN_REPLAY_KEPT']);
  });

  it('applies at start, to what an earlier run kept', async () => {
    const dataDir = dataDirs();
    await withSandbox({ dataDir }, async (running) => {
      // Started ten days ago on this run's clock; a restart's clock is the real time again.
      running.admin.moveClock({ set: new Date(Date.now() - 10 * DAY).toISOString() });
      await start(running, 'RETAIN_START_OLD');
      running.admin.resetClock();
      await start(running, 'RETAIN_START_NEW');
    });
    expect(await ordersAfterRestart(dataDir, 7)).toEqual(['RETAIN_START_NEW']);
  });

  it('is on by default for serve: what serve keeps by default is bounded, and --retention-days 0 turns it off', async () => {
    const byDefault = serveSettings([], {}).retentionDays;
    expect(byDefault).toBeGreaterThan(0);
    expect(serveSettings(['--retention-days', '0'], {}).retentionDays).toBe(0);
    const running = await startSandbox({ port: 0, dataDir: dataDirs(), quiet: true, retentionDays: byDefault });
    try {
      const old = await start(running, 'RETAIN_DEFAULT_OLD');
      running.admin.moveClock({ advance_ms: (byDefault + 1) * DAY });
      const young = await start(running, 'RETAIN_DEFAULT_YOUNG');
      expect(await query(running, old.certify_id)).toBe('OPEN_CERTIFY_BILL_NOT_EXIST');
      expect(running.admin.certifications().certifications.map((c) => c.id)).toEqual([young.certify_id]);
    } finally {
      await running.close();
    }
  });

  it('without retention nothing is dropped, however far the clock moves', async () => {
    const running = await startSandbox({ port: 0, inMemory: true, quiet: true });
    try {
      const kept = await start(running, 'RETAIN_NONE');
      running.admin.moveClock({ advance_ms: 3650 * DAY });
      expect(running.admin.certifications().certifications.map((c) => c.id)).toEqual([kept.certify_id]);
    } finally {
      await running.close();
    }
  });
});
