/**
 * The state store on disk: a snapshot plus a change log appended per batch, replayed at open,
 * compacted into the snapshot, and tolerant of a last line cut short by a kill.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeLines } from '../support/change-log.js';
import { useTempDirs } from '../support/temp-dirs.js';
import { SandboxStore, type Authorization, type Certification } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';

const dataDir = useTempDirs('sandbox-store-');

function grant(n: number): Authorization {
  return { app_id: 'app', cert_no: `CERT${n}`, name: 'x', user_id: '2088000000000001', open_id: '2088000000000002', access_token: 't', refresh_token: 'r', granted_at: '2026-01-01T00:00:00Z' };
}

function certification(n: number): Certification {
  return { kind: 'certify-open', id: `C${n}`, app_id: 'app', order_no: `O${n}`, biz_code: 'FACE', identity: { cert_type: 'IDENTITY_CARD', cert_name: 'x', cert_no: '330106197909275965' }, created_at_ms: 0, expires_at_ms: 1, status: 'INIT' };
}

describe('SandboxStore on disk', () => {
  it('appends each batch to the change log, without rewriting the snapshot, and replays it at open', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    for (let i = 0; i < 3; i++) store.grant(grant(i));
    await store.persist();
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    expect(changeLines(dir)).toHaveLength(3);
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect([0, 1, 2].map((i) => reopened.authorization('app', `CERT${i}`)?.cert_no)).toEqual(['CERT0', 'CERT1', 'CERT2']);
  });

  it('replays a log over a snapshot: a later change to a record wins over the snapshot and earlier lines', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 3 }, []);
    for (let i = 0; i < 4; i++) store.addCertification(certification(i));
    await store.persist(); // over the threshold: the four go to the snapshot, the log is empty
    await store.idle();
    store.updateCertification(store.certification('C1')!, { status: 'FAILED', fail_reason: 'first' });
    store.addCertification(certification(7));
    await store.persist();
    store.updateCertification(store.certification('C1')!, { fail_reason: 'second' });
    await store.persist();
    expect(changeLines(dir)).toHaveLength(3);
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.certification('C1')).toMatchObject({ status: 'FAILED', fail_reason: 'second' });
    expect(reopened.certification('C7')?.status).toBe('INIT');
    expect([0, 2, 3].map((i) => reopened.certification(`C${i}`)?.status)).toEqual(['INIT', 'INIT', 'INIT']);
    expect(reopened.certifications().map((c) => c.id)).toEqual(['C0', 'C1', 'C2', 'C3', 'C7']);
  });

  it('finds every kind of record by each of its keys after a restart on a snapshot and a log, as before it', async () => {
    const dir = dataDir();
    const person = (n: number, userId: string) => ({ name: '张三', cert_type: 'IDENTITY_CARD' as const, cert_no: `CERT${n}`, mobile: '13800000000', user_id: userId, source: 'admin' as const });
    const material = (n: number) => ({ app_id: 'app', transaction_id: `TX${n}`, biz_no: `B${n}`, passed: 'T', failed_reason: '', certified_at_ms: n });
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 3 }, []);
    for (let i = 0; i < 3; i++) {
      store.addPerson(person(i, `20880000000000${i}0`));
      store.grant(grant(i));
      store.addCertification(certification(i));
      store.addMaterialCertification(material(i));
    }
    await store.persist(); // over the threshold: all of it goes to the snapshot, read back as lines
    await store.idle();
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    // In the log: a person given a new user id, a new person, a new grant and material.
    store.addPerson(person(1, '2088000000000199'));
    store.addPerson(person(5, '2088000000000050'));
    store.grant(grant(5));
    store.addMaterialCertification(material(5));
    await store.persist();
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    for (const s of [store, reopened]) {
      expect(s.person('cert1')?.user_id).toBe('2088000000000199');
      expect(s.personByUserId('2088000000000199')?.cert_no).toBe('CERT1');
      expect(s.personByUserId('20880000000000010')).toBeUndefined();
      expect(s.people().map((p) => p.cert_no)).toEqual(['CERT0', 'CERT2', 'CERT1', 'CERT5']);
      expect([0, 1, 2, 5].map((i) => s.authorization('app', `cert${i}`)?.cert_no)).toEqual(['CERT0', 'CERT1', 'CERT2', 'CERT5']);
      expect([0, 1, 2, 5].map((i) => s.materialCertification('app', `TX${i}`)?.biz_no)).toEqual(['B0', 'B1', 'B2', 'B5']);
      expect(s.certificationForOrder('certify-open', 'app', 'O2')?.id).toBe('C2');
      expect(s.materialCertification('app', 'TX9')).toBeUndefined();
    }
  });

  it('rewrites the snapshot and empties the log past the compaction threshold', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 4 }, []);
    for (let i = 0; i < 3; i++) store.grant(grant(i));
    await store.persist();
    for (let i = 3; i < 6; i++) store.grant(grant(i));
    await store.persist();
    // The snapshot is written beside the writes; once it is, the log holds only what came after it.
    await store.idle();
    expect(changeLines(dir)).toHaveLength(0);
    expect((JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { authorizations: unknown[] }).authorizations).toHaveLength(6);
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).authorization('app', 'CERT5')).toBeDefined();
  });

  it('skips a last line cut short (a write the kill interrupted, never acknowledged)', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    store.grant(grant(1));
    await store.persist();
    appendFileSync(join(dir, 'state.changes.jsonl'), '{"grant":{"app_id":"app","cert_no":"CER');
    const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(reopened.authorization('app', 'CERT1')).toBeDefined();
  });

  it('a reset is written as a snapshot: forgotten grants stay forgotten after a restart', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    store.grant(grant(1));
    await store.persist();
    store.reset();
    await store.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).authorization('app', 'CERT1')).toBeUndefined();
  });

  it('logs a certification changed after it was started as it now is', async () => {
    const dir = dataDir();
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    const certification = { kind: 'certify-open' as const, id: 'c1', app_id: 'app', order_no: 'o1', biz_code: 'FACE', identity: { cert_type: 'IDENTITY_CARD', cert_name: 'x', cert_no: 'y' }, created_at_ms: 0, expires_at_ms: 1, status: 'INIT' as const };
    store.addCertification(certification);
    await store.persist();
    store.updateCertification(certification, { status: 'PASSED' });
    await store.persist();
    expect((await SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).certification('c1')?.status).toBe('PASSED');
  });
});
