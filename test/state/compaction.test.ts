/**
 * Compaction beside the writes: past the threshold, the snapshot is written while later changes go on
 * to a second segment of the log, and answers wait only for their own append. A crash at any point
 * of it, or a snapshot that fails, loses nothing: every segment is replayed, in order, over whichever
 * snapshot is on disk.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SandboxStore, type Certification } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';
import type { StateSnapshot } from '../../mock-server/core/state/state-storage.js';
import { changeLines } from '../support/change-log.js';
import { useTempDirs } from '../support/temp-dirs.js';

const dataDir = useTempDirs('compaction-');

function certification(n: number, change: Partial<Certification> = {}): Certification {
  return { kind: 'certify-open', id: `C${n}`, app_id: 'app', order_no: `O${n}`, biz_code: 'FACE', identity: { cert_type: 'IDENTITY_CARD', cert_name: 'x', cert_no: '330106197909275965' }, created_at_ms: 0, expires_at_ms: 1, status: 'INIT', ...change };
}

/** A data folder whose snapshot writes wait until released (or fail, once). */
class HeldSnapshots extends FileStateStorage {
  release: () => void = () => undefined;
  failNext = false;
  writes = 0;
  override async writeSnapshot(snapshot: StateSnapshot): Promise<void> {
    this.writes++;
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    }
    await new Promise<void>((resolve) => (this.release = resolve));
    return super.writeSnapshot(snapshot);
  }
}

describe('compaction beside the writes', () => {
  it('answers go on while the snapshot is being written; afterwards the log holds only what came during it', async () => {
    const dir = dataDir();
    const storage = new HeldSnapshots(dir);
    const store = await SandboxStore.open({ storage, compactAfter: 3 }, []);
    for (let i = 0; i < 4; i++) store.addCertification(certification(i));
    await store.persist(); // over the threshold: the compaction starts, and its snapshot is held
    expect(storage.writes).toBe(1);
    store.addCertification(certification(4));
    await store.persist(); // acknowledged while the snapshot is still being written
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    storage.release();
    await store.idle();
    expect((JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { certifications: Array<{ id: string }> }).certifications.map((c) => c.id)).toContain('C3');
    expect(readFileSync(join(dir, 'state.changes.jsonl'), 'utf8').split('\n').filter(Boolean)).toEqual(['{"log_generation":0}', expect.stringContaining('"C4"')]);
    expect(existsSync(join(dir, 'state.changes.next.jsonl'))).toBe(false);
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certifications().map((c) => c.id)).toEqual(['C0', 'C1', 'C2', 'C3', 'C4']);
  });

  it('a crash after the new snapshot but before the segments are merged replays both segments over it: later changes still win', async () => {
    const dir = dataDir();
    const storage = new FileStateStorage(dir);
    await storage.append([{ certification: certification(1) }, { certification: certification(1, { status: 'FAILED', fail_reason: 'first' }) }], () => { throw new Error('unused'); });
    storage.beginCompaction();
    await storage.append([{ certification: certification(1, { status: 'FAILED', fail_reason: 'second' }) }, { certification: certification(2) }], () => { throw new Error('unused'); });
    // The snapshot as the live state was when it was written: after the second segment's changes.
    await storage.writeSnapshot({ version: 1, people: [], authorizations: [], certifications: [certification(1, { status: 'FAILED', fail_reason: 'second' }), certification(2)], material_certifications: [], records: {} });
    // ...and the process dies here: no endCompaction.
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certification('C1')).toMatchObject({ status: 'FAILED', fail_reason: 'second' });
    expect(reopened.certifications().map((c) => c.id)).toEqual(['C1', 'C2']);
  });

  it('a crash before the new snapshot replays the old snapshot and both segments', async () => {
    const dir = dataDir();
    const storage = new FileStateStorage(dir);
    await storage.writeSnapshot({ version: 1, people: [], authorizations: [], certifications: [certification(0)], material_certifications: [], records: {} });
    await storage.append([{ certification: certification(1) }], () => { throw new Error('unused'); });
    storage.beginCompaction();
    await storage.append([{ certification: certification(2) }], () => { throw new Error('unused'); });
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certifications().map((c) => c.id)).toEqual(['C0', 'C1', 'C2']);
  });

  it('a snapshot that fails loses nothing, and the next compaction writes one', async () => {
    const dir = dataDir();
    const storage = new HeldSnapshots(dir);
    storage.failNext = true;
    const store = await SandboxStore.open({ storage, compactAfter: 2 }, []);
    for (let i = 0; i < 3; i++) store.addCertification(certification(i));
    await store.persist(); // the compaction starts, and its snapshot fails
    await store.idle();
    store.addCertification(certification(3));
    await store.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certifications()).toHaveLength(4);
    for (let i = 4; i < 7; i++) store.addCertification(certification(i));
    await store.persist(); // over the threshold again: this snapshot is held, then released
    storage.release();
    await store.idle();
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certifications()).toHaveLength(7);
  });

  it('a reset during a compaction is the last word: nothing reset comes back after a restart', async () => {
    const dir = dataDir();
    const storage = new HeldSnapshots(dir);
    const store = await SandboxStore.open({ storage, compactAfter: 2 }, []);
    for (let i = 0; i < 3; i++) store.addCertification(certification(i));
    await store.persist(); // compaction under way, snapshot held
    store.reset();
    const resetWritten = store.persist(); // a removal: written whole, after the compaction's snapshot
    storage.release();
    while (storage.writes < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    storage.release(); // the reset's own snapshot write
    await resetWritten;
    await store.idle();
    store.addCertification(certification(9));
    await store.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certifications().map((c) => c.id)).toEqual(['C9']);
  });
});

/** The files of a data folder as they are now, to put back later: what a crash at this point leaves. */
function filesOf(dir: string, names: readonly string[]): Map<string, string> {
  return new Map(names.filter((name) => existsSync(join(dir, name))).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

describe('a removal and a crash', () => {
  it('a crash after a reset wrote its snapshot, before the log was emptied, does not bring back what was reset', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    store.addCertification(certification(1));
    await store.persist();
    const logBeforeReset = filesOf(dir, ['state.changes.jsonl']);
    store.reset();
    await store.persist();
    // The crash: the new snapshot is on disk, and the old log still is.
    for (const [name, text] of logBeforeReset) writeFileSync(join(dir, name), text);
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certifications()).toEqual([]);
    // And what is acknowledged after that start survives the next one: the stale log was emptied, not appended to.
    reopened.addCertification(certification(2));
    await reopened.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certifications().map((c) => c.id)).toEqual(['C2']);
  });

  it('a crash in the middle of a compaction, then more writes: at the next start the latest change of each record still wins', async () => {
    const dir = dataDir();
    const storage = new HeldSnapshots(dir);
    const store = await SandboxStore.open({ storage, compactAfter: 2 }, []);
    for (let i = 0; i < 3; i++) store.addCertification(certification(i));
    await store.persist(); // the compaction starts; its snapshot is held (the crash comes before it is written)
    store.updateCertification(store.certification('C1')!, { status: 'FAILED', fail_reason: 'during' });
    await store.persist(); // in the second segment
    const afterCrash = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(afterCrash.certification('C1')).toMatchObject({ status: 'FAILED' });
    afterCrash.updateCertification(afterCrash.certification('C1')!, { status: 'PASSED' });
    await afterCrash.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certification('C1')).toMatchObject({ status: 'PASSED' });
  });
});

describe('a log newer than its snapshot', () => {
  it('is replayed, not dropped, when state.json was removed by hand', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    store.addCertification(certification(1));
    store.reset(); // a removal: the snapshot and the log are of generation 1 from here on
    await store.persist();
    store.addCertification(certification(2));
    await store.persist();
    rmSync(join(dir, 'state.json'));
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certifications().map((c) => c.id)).toEqual(['C2']);
  });
});

describe('the compaction threshold', () => {
  it('grows with the state: past its minimum, the log may hold a change per ten records before a snapshot is written', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 2 }, []);
    for (let i = 0; i < 100; i++) store.addCertification(certification(i));
    await store.persist();
    await store.idle();
    expect(changeLines(dir)).toHaveLength(0); // 100 changes over 100 records: compacted
    for (let i = 100; i < 105; i++) store.addCertification(certification(i));
    await store.persist();
    await store.idle();
    expect(changeLines(dir)).toHaveLength(5); // past the minimum of 2, within a tenth of 105 records
    for (let i = 105; i < 115; i++) store.addCertification(certification(i));
    await store.persist();
    await store.idle();
    expect(changeLines(dir)).toHaveLength(0); // 15 changes over 115 records: compacted
    expect((JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as StateSnapshot).certifications).toHaveLength(115);
  });
});
