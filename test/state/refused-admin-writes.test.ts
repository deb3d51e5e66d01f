/**
 * A change the data folder refused is answered 503 and stays refused: it is not served, and no later
 * write carries it to disk behind the caller's back.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../mock-server/sandbox.js';
import { DurableDocument } from '../../mock-server/core/state/durable-document.js';
import { useTempDirs } from '../support/temp-dirs.js';

const tempDir = useTempDirs('sandbox-refused-writes-');

/** An adapter that keeps what it is given, failing the writes it is told to. */
class FlakyFile implements Adapter<string[]> {
  written: string[][] = [];
  failNext = false;
  async read(): Promise<string[] | null> {
    return null;
  }
  async write(data: string[]): Promise<void> {
    await new Promise((tick) => setTimeout(tick, 5));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ENOSPC: no space left on device');
    }
    this.written.push(data);
  }
}

describe('a durable document', () => {
  it('carries edits that arrive during a write in the next one, every edit kept', async () => {
    const file = new FlakyFile();
    const document = new DurableDocument<string[]>(file, []);
    await Promise.all(Array.from({ length: 50 }, (_, i) => document.change((items) => [...items, `edit ${i}`])));
    expect(document.current).toHaveLength(50);
    expect(file.written.at(-1)).toHaveLength(50);
    expect(file.written.length).toBeLessThan(50);
  });

  it('refuses the edits of a failed write and never writes them later', async () => {
    const file = new FlakyFile();
    const document = new DurableDocument<string[]>(file, []);
    await document.change((items) => [...items, 'first']);
    file.failNext = true;
    await expect(document.change((items) => [...items, 'refused'])).rejects.toThrow('ENOSPC');
    await document.change((items) => [...items, 'after']);
    expect(file.written.at(-1)).toEqual(['first', 'after']);
    expect(document.current).toEqual(['first', 'after']);
  });
});

describe('an app scenario the data folder could not keep', () => {
  it('is answered 503, not served, and not on disk after a later change and a restart', async () => {
    const dir = tempDir();
    const put = (url: string, appId: string) =>
      fetch(`${url}/__admin/apps/${appId}/scenario`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"rules":[{"outcome":{"public_error":"isp.unknow-error"}}]}' });
    // The refusal is logged as an error, which this test provokes: a silent logger keeps it out of the run's output.
    const first = await startSandbox({ port: 0, logger: pino({ level: 'silent' }), dataDir: dir });
    const [refusedApp, keptApp] = ['2021000000000801', '2021000000000802'];
    try {
      // controls.json cannot be replaced while a folder of that name is in the way.
      mkdirSync(join(dir, 'controls.json', 'in-the-way'), { recursive: true });
      await first.registerApp({ app_id: refusedApp, public_key: first.admin.app('2021000000000001').public_key });
      await first.registerApp({ app_id: keptApp, public_key: first.admin.app('2021000000000001').public_key });
      const refused = await put(first.url, refusedApp);
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: string }).error).toContain('could not save this change');
      expect((await fetch(`${first.url}/__admin/apps/${refusedApp}/scenario`)).status).toBe(404);
      rmSync(join(dir, 'controls.json'), { recursive: true });
      expect((await put(first.url, keptApp)).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startSandbox({ port: 0, quiet: true, dataDir: dir });
    try {
      expect((await fetch(`${second.url}/__admin/apps/${keptApp}/scenario`)).status).toBe(200);
      expect((await fetch(`${second.url}/__admin/apps/${refusedApp}/scenario`)).status).toBe(404);
    } finally {
      await second.close();
    }
  });
});
