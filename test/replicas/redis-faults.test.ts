/**
 * Redis failing under replicas: restarted (killed) under load, nothing acknowledged is lost and the
 * replicas reconnect by themselves; unreachable, requests get 20000 isp.unknow-error, never 10000,
 * the log says why once, and no process crashes.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { adminOf, registerApp } from '../support/admin-client.js';
import { startReplica, stopReplica, until, useReplicaPair, type Replica } from '../support/replicas.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const AUTHQUERY = 'zhima.auth.info.authquery';

const applyRequest = (p: { cert_no: string; name: string; mobile: string }) => signedRequest({ ...publicParams(APPLY), biz_content: JSON.stringify({ cert_no: p.cert_no, cert_type: 'IDENTITY_CARD', name: p.name, mobile: p.mobile }) });
const authqueryRequest = (p: { cert_no: string; name: string }) =>
  signedRequest({ ...publicParams(AUTHQUERY), biz_content: JSON.stringify({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: p.name, certNo: p.cert_no }) }) });

/** The node, or the failure when the replica did not answer at all. */
async function call(replica: Replica, request: ReturnType<typeof signedRequest>): Promise<Record<string, string> | { code: 'no answer' }> {
  try {
    return nodeOf(await postForm(replica.sandbox, request));
  } catch {
    return { code: 'no answer' };
  }
}

describe('Redis failing under replicas', { tags: ['redis-server'] }, () => {
  const replicas = useReplicaPair();

  it('killed and restarted under load: every acknowledged grant is kept, and the replicas reconnect by themselves', async () => {
    const { redis, a, b } = replicas();
    const people = generateIdentities({ seed: 3001, count: 5000 });
    const acknowledged: typeof people = [];
    const codes = new Map<string, number>();
    let next = 0;
    let stopped = false;
    const worker = async (replica: Replica) => {
      while (!stopped && next < people.length) {
        const person = people[next++]!;
        const node = await call(replica, applyRequest(person));
        codes.set(node.code, (codes.get(node.code) ?? 0) + 1);
        if (node.code === '10000') acknowledged.push(person);
      }
    };
    const load = Promise.all([a, b, a, b, a, b].map(worker));
    await until(() => acknowledged.length >= 20);
    const before = acknowledged.length;
    await redis.restart({ kill: true, downMs: 300 });
    // The load goes on until both replicas acknowledge grants again, by themselves.
    await until(() => acknowledged.length > before + 50);
    stopped = true;
    await load;
    // Some answers before, some refused while it was down, some after: the load spanned the outage.
    expect(before).toBeGreaterThan(0);
    expect(codes.get('20000')).toBeGreaterThan(0);
    for (const [i, person] of acknowledged.entries()) {
      const node = await call(i % 2 ? a : b, authqueryRequest(person));
      expect(node, `grant of ${person.cert_no} was acknowledged`).toMatchObject({ code: '10000', authorized: true });
    }
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it('unreachable: 20000 isp.unknow-error, never 10000, one clear log line; back: answers again', async () => {
    const { redis, a, b } = replicas();
    const [person] = generateIdentities({ seed: 3002, count: 1 });
    const stopping = redis.restart({ downMs: 1500 });
    // Once Redis has gone (a busy machine takes a moment to stop it), every answer is the refusal.
    const deadline = Date.now() + 1000;
    while ((await call(a, authqueryRequest(person!))).code !== '20000' && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    const during = await Promise.all([a, b, a, b].map((replica) => call(replica, applyRequest(person!))));
    for (const node of during) expect(node).toMatchObject({ code: '20000', sub_code: 'isp.unknow-error' });
    await stopping;
    // Reconnected by itself within a second or so: no restart of the replica, no admin call.
    let after = await call(a, applyRequest(person!));
    for (const deadline = Date.now() + 5000; after.code !== '10000' && Date.now() < deadline; after = await call(a, applyRequest(person!))) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(after).toMatchObject({ code: '10000' });
    expect(await call(b, authqueryRequest(person!))).toMatchObject({ code: '10000', authorized: true });
    for (const replica of [a, b]) {
      const lines = replica.output().split('\n').filter((line) => line.includes('the shared state store is unreachable'));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(replica.child.exitCode).toBeNull();
    }
  });

  it('a replica paused past the capped change stream reloads when it resumes, and misses nothing', async () => {
    const { redis, a, b } = replicas();
    const [person, other] = generateIdentities({ seed: 3003, count: 2 });
    // A scenario b holds when it pauses, cleared (and another app's set) while it is away.
    const busy = { rules: [{ match: { method: AUTHQUERY }, outcome: { business_error: 'SYSTEM_ERROR' } }] };
    await adminOf(a.sandbox).setAppScenario(DEFAULT_APP_ID, busy);
    const subCode = async () => ((await call(b, authqueryRequest(other!))) as Record<string, string>).sub_code;
    for (const deadline = Date.now() + 5000; (await subCode()) !== 'SYSTEM_ERROR' && Date.now() < deadline; ) await new Promise((done) => setTimeout(done, 50));
    expect(await call(b, authqueryRequest(other!))).toMatchObject({ sub_code: 'SYSTEM_ERROR' });
    b.child.kill('SIGSTOP');
    try {
      expect(await call(a, applyRequest(person!))).toMatchObject({ code: '10000' });
      await adminOf(a.sandbox).clearAppScenario(DEFAULT_APP_ID);
      // More commits than the stream keeps (100,000): the grant's entry is trimmed away.
      redis.cli('EVAL', "for i = 1, 120000 do redis.call('XADD', KEYS[1], 'MAXLEN', '~', 100000, '*', 'type', 'noise') end return 1", '1', 'alipay-sandbox:changes');
      expect(Number(redis.cli('XLEN', 'alipay-sandbox:changes'))).toBeLessThan(110_000);
    } finally {
      b.child.kill('SIGCONT');
    }
    expect(await call(b, authqueryRequest(person!))).toMatchObject({ code: '10000', authorized: true });
    expect(b.output()).toContain('fell behind the shared change stream');
    // The scenario cleared meanwhile is cleared on b too.
    expect(await call(b, authqueryRequest(other!))).toMatchObject({ code: '10000' });
  });

  it('a replica started once the change stream has been trimmed has the apps and app scenarios from their hashes', async () => {
    const { redis, a } = replicas();
    const appId = '2021000000009301';
    const privateKey = await registerApp(a.sandbox, appId);
    await adminOf(a.sandbox).setAppScenario(appId, { rules: [{ match: { method: AUTHQUERY }, outcome: { business_error: 'SYSTEM_ERROR' } }] });
    // The registration and the scenario leave the stream (100,000 entries kept): only the hashes have them.
    redis.cli('EVAL', "for i = 1, 120000 do redis.call('XADD', KEYS[1], 'MAXLEN', '~', 100000, '*', 'type', 'noise') end return 1", '1', 'alipay-sandbox:changes');
    const late = await startReplica(redis.url);
    try {
      const [person] = generateIdentities({ seed: 3004, count: 1 });
      const request = signedRequest({ ...publicParams(AUTHQUERY), app_id: appId, biz_content: JSON.stringify({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: person!.name, certNo: person!.cert_no }) }) }, { privateKey });
      expect(await call(late, request)).toMatchObject({ code: '40004', sub_code: 'SYSTEM_ERROR' });
    } finally {
      await stopReplica(late);
    }
  });
});
