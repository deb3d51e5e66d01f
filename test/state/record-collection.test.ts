/**
 * Records a method declares itself (record-collection.ts): found by key and by lookup, a changed
 * lookup value no longer finds the record, and they are logged, compacted into the snapshot,
 * replayed after a restart and forgotten on reset, as the store's own records are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/temp-dirs.js';
import { createMethodRegistry, SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { recordKind } from '../../mock-server/core/state/record-collection.js';
import { SandboxStore } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';

interface Ticket {
  readonly id: string;
  readonly holder?: string;
}

const TICKETS = recordKind<Ticket>({ name: 'tickets', key: (t) => t.id, lookups: { holder: (t) => t.holder } });

const dataDir = useTempDirs('record-collection-');

describe('records a method declares', () => {
  it('are found by key and by lookup, and a changed lookup value stops finding the record', async () => {
    const store = await SandboxStore.open({ storage: new FileStateStorage(dataDir()) }, []);
    const tickets = store.records(TICKETS);
    tickets.put({ id: 'T1', holder: 'ann' });
    expect(tickets.get('T1')).toEqual({ id: 'T1', holder: 'ann' });
    expect(tickets.find('holder', 'ann')?.id).toBe('T1');
    tickets.put({ id: 'T1', holder: 'bob' });
    expect(tickets.find('holder', 'ann')).toBeUndefined();
    expect(tickets.find('holder', 'bob')?.id).toBe('T1');
    expect(() => tickets.find('colour', 'red')).toThrow('tickets records have no lookup colour');
  });

  it('are logged, replayed after a restart, compacted into the snapshot, and forgotten on reset', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 3 }, []);
    store.records(TICKETS).put({ id: 'T1', holder: 'ann' });
    store.records(TICKETS).put({ id: 'T2' });
    await store.persist();
    expect(readFileSync(join(dir, 'state.changes.jsonl'), 'utf8')).toContain('"kind":"tickets"');

    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 3 }, []);
    expect(reopened.records(TICKETS).find('holder', 'ann')?.id).toBe('T1');
    for (const id of ['T3', 'T4']) reopened.records(TICKETS).put({ id });
    await reopened.persist();
    await reopened.idle(); // the snapshot is written beside the writes
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).records.tickets).toHaveProperty('T4');

    const compacted = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(['T1', 'T2', 'T3', 'T4'].map((id) => compacted.records(TICKETS).get(id)?.id)).toEqual(['T1', 'T2', 'T3', 'T4']);
    compacted.reset();
    expect(compacted.records(TICKETS).get('T1')).toBeUndefined();
    expect(compacted.records(TICKETS).find('holder', 'ann')).toBeUndefined();
  });
});

describe('the registry', () => {
  it('refuses two methods declaring different kinds of record under one name', () => {
    const [first, second] = SUPPORTED_METHODS;
    const other = recordKind<Ticket>({ name: 'tickets', key: (t) => t.id });
    expect(() => createMethodRegistry([{ ...first!, keeps: [TICKETS] }, { ...second!, keeps: [other] }])).toThrow('two different kinds of record are named tickets');
    expect(() => createMethodRegistry([{ ...first!, keeps: [TICKETS] }, { ...second!, keeps: [TICKETS] }])).not.toThrow();
  });
});
