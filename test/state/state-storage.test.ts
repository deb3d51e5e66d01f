/**
 * State storage is an interface: a sandbox given its own storage writes through it, is answered only
 * once it has, and starts from what it gives back; a storage that fails gets nothing acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { startSandbox } from '../../mock-server/sandbox.js';
import type { Authorization } from '../../mock-server/core/state/sandbox-store.js';
import type { LoadedSnapshot, StateChange, StateSnapshot, StateStorage, StoredState } from '../../mock-server/core/state/state-storage.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

/** Keeps what it is given in this process, and can be told to fail. */
class RecordingStorage implements StateStorage {
  readonly where = 'a test storage';
  snapshot: (LoadedSnapshot & { authorizations: Authorization[] }) | undefined;
  changes: StateChange[] = [];
  failing = false;

  async load(): Promise<StoredState> {
    return { snapshot: this.snapshot && structuredClone(this.snapshot), changes: structuredClone(this.changes) };
  }

  async append(changes: readonly StateChange[]): Promise<void> {
    if (this.failing) throw Object.assign(new Error('the test storage is down'), { code: 'EIO' });
    this.changes.push(...structuredClone(changes));
  }

  async replace(snapshot: StateSnapshot): Promise<void> {
    if (this.failing) throw Object.assign(new Error('the test storage is down'), { code: 'EIO' });
    // The store hands its tables (record-table.ts): kept here as the lists they iterate.
    const lists = { people: [...snapshot.people], authorizations: [...snapshot.authorizations], certifications: [...snapshot.certifications], material_certifications: [...snapshot.material_certifications] };
    this.snapshot = structuredClone({ ...snapshot, ...lists });
    this.changes = [];
  }
}

const [person] = generateIdentities({ seed: 31, count: 1 });
const grantRequest = () => signedRequest({ ...publicParams('alipay.user.auth.zhimaper.inner.apply'), biz_content: JSON.stringify({ cert_no: person!.cert_no, cert_type: 'IDENTITY_CARD', name: person!.name, mobile: person!.mobile }) });
const queryRequest = () => signedRequest({ ...publicParams('zhima.auth.info.authquery'), biz_content: JSON.stringify({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: person!.name, certNo: person!.cert_no }) }) });

describe('a sandbox on a storage of its own', () => {
  it('writes a grant through it before answering, and a new sandbox on the same storage knows the grant', async () => {
    const storage = new RecordingStorage();
    const first = await startSandbox({ port: 0, quiet: true, stateStorage: storage });
    try {
      expect(nodeOf(await postForm(first, grantRequest())).code).toBe('10000');
      expect(storage.changes.some((change) => 'grant' in change && change.grant.cert_no === person!.cert_no)).toBe(true);
    } finally {
      await first.close();
    }
    const second = await startSandbox({ port: 0, quiet: true, stateStorage: storage });
    try {
      expect((nodeOf(await postForm(second, queryRequest())) as Record<string, unknown>).authorized).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('acknowledges nothing while the storage fails, and writes the change once it is back', async () => {
    const storage = new RecordingStorage();
    const sandbox = await startSandbox({ port: 0, logger: (await import('pino')).pino({ level: 'silent' }), stateStorage: storage });
    try {
      storage.failing = true;
      expect(nodeOf(await postForm(sandbox, grantRequest())).sub_code).toBe('aop.unknow-error');
      expect(nodeOf(await postForm(sandbox, grantRequest())).sub_code).toBe('aop.unknow-error');
      storage.failing = false;
      expect(nodeOf(await postForm(sandbox, grantRequest())).code).toBe('10000');
      // After a failure the next write is a whole snapshot: the grant is in it.
      expect(storage.snapshot?.authorizations.map((a) => a.cert_no)).toContain(person!.cert_no);
    } finally {
      await sandbox.close();
    }
  });
});
