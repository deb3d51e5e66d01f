/**
 * Nothing acknowledged is lost: state survives a restart, and a sandbox killed (SIGKILL) under load
 * keeps every grant and certification it acknowledged and never leaves a corrupt file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/temp-dirs.js';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { SandboxStore } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { completeCertification } from '../support/admin-state.js';
import { servedUrl, spawnCli } from '../support/cli-process.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const dataDir = useTempDirs('sandbox-state-');

async function withSandbox<T>(dir: string, run: (sandbox: RunningSandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ port: 0, quiet: true, dataDir: dir });
  try {
    return await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

const [person] = generateIdentities({ seed: 5, count: 1 });
const applyBiz = (p: typeof person) => ({ cert_no: p!.cert_no, cert_type: 'IDENTITY_CARD', name: p!.name, mobile: p!.mobile });
const authqueryBiz = (p: typeof person) => ({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: p!.name, certNo: p!.cert_no }) });

describe('state across a restart', () => {
  it('a grant: authquery still says authorized, with the same open_id', async () => {
    const dir = dataDir();
    const before = await withSandbox(dir, async (sandbox) => {
      await execSigned(sandbox, 'alipay.user.auth.zhimaper.inner.apply', applyBiz(person));
      return execSigned(sandbox, 'zhima.auth.info.authquery', authqueryBiz(person));
    });
    expect(before.authorized).toBe(true);
    const after = await withSandbox(dir, (sandbox) => execSigned(sandbox, 'zhima.auth.info.authquery', authqueryBiz(person)));
    expect(after).toEqual(before);
  });

  it('a certification: initialize, restart, query; complete, restart, query', async () => {
    const dir = dataDir();
    const certifyId = await withSandbox(dir, async (sandbox) => {
      const node = await execSigned(sandbox, 'alipay.user.certify.open.initialize', VALID_REQUESTS['alipay.user.certify.open.initialize']);
      return node.certify_id as string;
    });
    await withSandbox(dir, async (sandbox) => {
      expect(await execSigned(sandbox, 'alipay.user.certify.open.query', { certify_id: certifyId })).toMatchObject({ code: '10000', passed: 'F' });
      expect((await completeCertification(sandbox, certifyId, { passed: true })).status).toBe(200);
    });
    await withSandbox(dir, async (sandbox) => {
      expect(await execSigned(sandbox, 'alipay.user.certify.open.query', { certify_id: certifyId })).toMatchObject({ passed: 'T' });
    });
  });

  it('a material certification keeps its biz_no for the same transaction_id', async () => {
    const dir = dataDir();
    const method = 'zhima.customer.certification.material.certify';
    const first = await withSandbox(dir, (sandbox) => execSigned(sandbox, method, VALID_REQUESTS[method]));
    const again = await withSandbox(dir, (sandbox) => execSigned(sandbox, method, VALID_REQUESTS[method]));
    expect(again.biz_no).toBe(first.biz_no);
  });
});

describe('a sandbox killed with SIGKILL under load', () => {
  it('loses no acknowledged grant or certification and leaves a state file that parses', async () => {
    const dir = dataDir();
    const child = spawnCli(['serve', '--port', '0', '--quiet', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await servedUrl(child);
    const target = { url } as RunningSandbox;
    const people = generateIdentities({ seed: 11, count: 400 });
    const granted: typeof people = [];
    const certifyIds: string[] = [];
    let killed = false;
    // Eight clients in parallel, half granting, half starting certifications; the server is killed
    // after the 80th acknowledgement.
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let i = client; i < people.length && !killed; i += 8) {
        const p = people[i]!;
        const certify = client % 2 === 1;
        const method = certify ? 'alipay.user.certify.open.initialize' : 'alipay.user.auth.zhimaper.inner.apply';
        const biz = certify
          ? { outer_order_no: `KILL${i}`, biz_code: 'FACE', identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: p.name, cert_no: p.cert_no }), merchant_config: '{"return_url":"https://merchant.example/r"}' }
          : applyBiz(p);
        try {
          const node = nodeOf(await postForm(target, signedRequest({ ...publicParams(method), biz_content: JSON.stringify(biz) })));
          if (node.code === '10000') (certify ? certifyIds.push(node.certify_id!) : granted.push(p));
          if (granted.length + certifyIds.length >= 80 && !killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        } catch {
          // Requests in flight when the server dies get no answer: they were never acknowledged.
        }
      }
    });
    await Promise.all(clients);
    await new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(undefined) : child.once('exit', done)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(granted.length).toBeGreaterThan(20);
    expect(certifyIds.length).toBeGreaterThan(20);

    // Whatever is on disk parses: the snapshot whole, the change log but for a last line a kill cut.
    if (existsSync(join(dir, 'state.json'))) JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const logLines = readFileSync(join(dir, 'state.changes.jsonl'), 'utf8').split('\n').filter(Boolean);
    for (const line of logLines.slice(0, -1)) JSON.parse(line);
    const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
    expect(granted.filter((p) => !store.authorization(DEFAULT_APP_ID, p.cert_no))).toEqual([]);
    expect(certifyIds.filter((id) => !store.certification(id))).toEqual([]);

    await withSandbox(dir, async (sandbox) => {
      for (const p of granted.slice(0, 5)) {
        expect((await execSigned(sandbox, 'zhima.auth.info.authquery', authqueryBiz(p))).authorized).toBe(true);
      }
      for (const certifyId of certifyIds.slice(0, 5)) {
        expect(await execSigned(sandbox, 'alipay.user.certify.open.query', { certify_id: certifyId })).toMatchObject({ code: '10000', passed: 'F' });
      }
    });
  });
});
