/**
 * Replicas on one Redis behave as one sandbox: separate `serve --store redis://…` processes, a real
 * redis-server, the real alipay-sdk as the client. Each test reaches the replicas in turn (or at
 * the same moment) and checks that what one acknowledged the other answers from.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import type { RedisServer } from '../support/redis-server.js';
import { startReplica, stopReplica, useReplicaPair, type Replica } from '../support/replicas.js';
import { adminOf, journal, useScenario } from '../support/admin-client.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { decryptContent, encryptContent } from '../../mock-server/keys/node-crypto.js';
import { spareKeyPair, spareKeyPairPem } from '../support/spare-app-keys.js';

const INITIALIZE = 'alipay.user.certify.open.initialize';
const QUERY = 'alipay.user.certify.open.query';

const applyBiz = (p: { cert_no: string; name: string; mobile: string }) => ({ cert_no: p.cert_no, cert_type: 'IDENTITY_CARD', name: p.name, mobile: p.mobile });
const authqueryBiz = (p: { cert_no: string; name: string }) => ({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: p.name, certNo: p.cert_no }) });
const initializeBiz = (orderNo: string) => ({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: orderNo });
const BUSY = { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' };

/** `count` initialize calls, each with its own order, spread over the replicas and sent at once: their codes. */
async function burst(replicas: readonly Replica[], count: number): Promise<string[]> {
  const requests = Array.from({ length: count }, (_, i) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(initializeBiz(`BURST${Date.now()}${i}`)) }));
  return Promise.all(requests.map(async (request, i) => nodeOf(await postForm(replicas[i % replicas.length]!.sandbox, request)).code!));
}

describe('replicas sharing one Redis', { tags: ['redis-server'] }, () => {
  const replicas = useReplicaPair();
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;
  beforeAll(() => void ({ redis, a, b } = replicas()));

  it('a grant made through replica A is authorized in an authquery through replica B at once', async () => {
    const people = generateIdentities({ seed: 2001, count: 5 });
    for (const person of people) {
      expect(await execSigned(b.sandbox, 'zhima.auth.info.authquery', authqueryBiz(person))).toMatchObject({ authorized: false });
      expect(await execSigned(a.sandbox, 'alipay.user.auth.zhimaper.inner.apply', applyBiz(person))).toMatchObject({ code: '10000' });
      const answer = await execSigned(b.sandbox, 'zhima.auth.info.authquery', authqueryBiz(person));
      expect(answer).toMatchObject({ code: '10000', authorized: true });
      expect(await execSigned(a.sandbox, 'zhima.auth.info.authquery', authqueryBiz(person))).toEqual(answer);
    }
  });

  it('the same outer_order_no through both replicas at the same moment gives one certify_id', async () => {
    // Signed beforehand and sent in one burst, so that both replicas run each order's initialize
    // before either has committed it.
    const orders = Array.from({ length: 150 }, (_, i) => `RACE${Date.now()}${i}`);
    const requests = orders.map((order) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(initializeBiz(order)) }));
    const pairs = await Promise.all(requests.map((request) => Promise.all([a, b].map(async (replica) => nodeOf(await postForm(replica.sandbox, request))))));
    for (const [fromA, fromB] of pairs) {
      expect(fromA).toMatchObject({ code: '10000' });
      expect(fromB!.certify_id).toBe(fromA!.certify_id);
    }
    // One certification per order in the store itself: none was made twice and left behind.
    const countCertifications = "local n = 0 for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do if string.find(k, '^certification') then n = n + 1 end end return n";
    expect(Number(redis.cli('EVAL', countCertifications, '1', 'alipay-sandbox:state'))).toBe(Number(redis.cli('HLEN', 'alipay-sandbox:claims')));
    // Each request journalled once, as answered: a try whose commit was refused (and ran again) left no entry.
    const raced = new Set(orders);
    const listed = (await journal(b.sandbox, { method: INITIALIZE })).filter((entry) => raced.has(JSON.parse(entry.parameters.biz_content!).outer_order_no));
    expect(listed).toHaveLength(2 * orders.length);
    expect(listed.filter((entry) => entry.response.code !== '10000')).toEqual([]);
  });

  it('a new certification is one script call to Redis, its commit with its journal entry, which the other replica lists', async () => {
    const scripts = () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(redis.cli('INFO', 'commandstats'))?.[1] ?? 0);
    const order = `ONE-CALL${Date.now()}`;
    const before = scripts();
    expect(nodeOf(await postForm(a.sandbox, signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(initializeBiz(order)) })))).toMatchObject({ code: '10000' });
    expect(scripts() - before).toBe(1);
    const listed = (await journal(b.sandbox, { method: INITIALIZE })).filter((entry) => entry.parameters.biz_content!.includes(order));
    expect(listed).toMatchObject([{ method: INITIALIZE, response: { code: '10000' } }]);
  });

  it('a call run again after a conflict is counted once: the nth call sent is the one the rule answers', async () => {
    // The same orders through both replicas at once, as above: each pair's second commit conflicts and runs again.
    const orders = Array.from({ length: 40 }, (_, i) => `COUNTED${Date.now()}${i}`);
    const requests = orders.map((order) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(initializeBiz(order)) }));
    await useScenario(a.sandbox, DEFAULT_APP_ID, { rules: [{ name: 'the call after the burst', match: { method: INITIALIZE, call: { nth: 2 * orders.length + 1 } }, outcome: BUSY }] });
    try {
      const burstCodes = (await Promise.all(requests.map((request) => Promise.all([a, b].map(async (replica) => nodeOf(await postForm(replica.sandbox, request)).code!))))).flat();
      expect(burstCodes.filter((code) => code !== '10000')).toEqual([]);
      const after = signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(initializeBiz(`COUNTED-LAST${Date.now()}`)) });
      expect(nodeOf(await postForm(b.sandbox, after))).toMatchObject({ code: '20000', sub_msg: '系统繁忙' });
    } finally {
      await adminOf(a.sandbox).clearAppScenario(DEFAULT_APP_ID);
    }
  });

  it('a certification completed on replica A\'s hosted page queries as done on replica B', async () => {
    const started = await execSigned(b.sandbox, INITIALIZE, initializeBiz(`PAGE${Date.now()}`));
    const certifyId = started.certify_id as string;
    expect(await execSigned(a.sandbox, QUERY, { certify_id: certifyId })).toMatchObject({ code: '10000', passed: 'F' });
    const posted = await fetch(`${a.sandbox.url}/__sandbox/certifications/${certifyId}/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass', redirect: 'manual' });
    expect([200, 303]).toContain(posted.status);
    expect(await execSigned(b.sandbox, QUERY, { certify_id: certifyId })).toMatchObject({ code: '10000', passed: 'T' });
  });

  it('an app registered through replica A is served by replica B', async () => {
    const { publicKey, privateKey } = spareKeyPairPem('pkcs1');
    const appId = `20210${Date.now()}`.slice(0, 16);
    const registered = await fetch(`${a.sandbox.url}/__admin/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: appId, public_key: publicKey }) });
    expect(registered.status).toBe(201);
    const answer = await execSigned(b.sandbox, INITIALIZE, initializeBiz(`APP${Date.now()}`), { appId, privateKey });
    expect(answer).toMatchObject({ code: '10000' });
  });

  it('an app_auth_token issued through replica A, and an AES key set there, work through replica B', async () => {
    const { app_auth_token } = await adminOf(a.sandbox).issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    const withToken = signedRequest({ ...publicParams(INITIALIZE), app_auth_token, biz_content: JSON.stringify(initializeBiz(`ISV${Date.now()}`)) });
    expect(nodeOf(await postForm(b.sandbox, withToken))).toMatchObject({ code: '10000' });

    const { privateKey, publicKey } = spareKeyPair();
    const appId = '2021000000002002';
    await adminOf(a.sandbox).registerApp({ app_id: appId, public_key: publicKey.export({ type: 'spki', format: 'pem' }) });
    const { aes_key } = await adminOf(a.sandbox).setAesKey(appId, undefined);
    const key = Buffer.from(aes_key, 'base64');
    const encrypted = encryptContent(Buffer.from(JSON.stringify(initializeBiz(`AES${Date.now()}`))), key);
    const request = signedRequest({ ...publicParams(INITIALIZE, { app_id: appId }), encrypt_type: 'AES', biz_content: encrypted }, { privateKey });
    const answer = await postForm(b.sandbox, request);
    const ciphertext = (answer.json as Record<string, string>).alipay_user_certify_open_initialize_response!;
    expect(JSON.parse(String(decryptContent(ciphertext, key)))).toMatchObject({ code: '10000' });
  });

  it('a once rule fires once, a call count and a rate as often as written, across both replicas', async () => {
    await useScenario(a.sandbox, DEFAULT_APP_ID, { rules: [{ name: 'one busy answer', once: true, outcome: BUSY }] });
    const once = await burst([a, b], 40);
    expect(once.filter((code) => code === '20000')).toHaveLength(1);
    expect(once.filter((code) => code === '10000')).toHaveLength(39);

    await useScenario(b.sandbox, DEFAULT_APP_ID, { rules: [{ name: 'every third busy', match: { call: { every: 3 } }, outcome: BUSY }] });
    const everyThird = await burst([a, b], 60);
    expect(everyThird.filter((code) => code === '20000')).toHaveLength(20);

    await useScenario(a.sandbox, DEFAULT_APP_ID, { rules: [{ name: 'ten a minute', match: { rate: { calls: 10, per_ms: 60_000 } }, outcome: BUSY }] });
    const throttled = await burst([a, b], 30);
    expect(throttled.filter((code) => code === '10000')).toHaveLength(10);

    await adminOf(a.sandbox).clearAppScenario(DEFAULT_APP_ID);
    expect(await burst([b], 6)).toEqual(Array(6).fill('10000'));
  });

  it('the clock moved through replica A reads the same on replica B', async () => {
    const moved = await adminOf(a.sandbox).moveClock({ advance_ms: 3_600_000 });
    expect((await adminOf(b.sandbox).clock()).offset_ms).toBe(moved.offset_ms);
    await adminOf(b.sandbox).resetClock();
    expect((await adminOf(a.sandbox).clock()).offset_ms).toBe(0);
  });

  it("the journal on either replica holds both replicas' requests", async () => {
    await adminOf(b.sandbox).clearRequests();
    await burst([a], 3);
    await burst([b], 2);
    for (const replica of [a, b]) {
      const { requests } = await adminOf(replica.sandbox).requests();
      expect(requests.map((entry) => entry.method)).toEqual(Array(5).fill(INITIALIZE));
      expect(new Set(requests.map((entry) => entry.id)).size).toBe(5);
    }
    expect((await adminOf(a.sandbox).countRequests({ method: INITIALIZE })).count).toBe(5);
  });

  it("replica B's live view of the journal (SSE) shows a request answered by replica A", async () => {
    const stream = await fetch(`${b.sandbox.url}/__admin/requests/stream`);
    const reader = stream.body!.getReader();
    try {
      const orders = await burst([a], 1);
      expect(orders).toEqual(['10000']);
      let seen = '';
      for (const deadline = Date.now() + 5000; !seen.includes('event: request') && Date.now() < deadline; ) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      expect(seen).toContain('event: request');
      expect(seen).toContain(INITIALIZE);
    } finally {
      await reader.cancel();
    }
  });

  it('a reset through replica A resets replica B: grants, app scenarios and the journal', async () => {
    const [person] = generateIdentities({ seed: 2002, count: 1 });
    await execSigned(b.sandbox, 'alipay.user.auth.zhimaper.inner.apply', applyBiz(person!));
    await useScenario(b.sandbox, DEFAULT_APP_ID, { rules: [{ name: 'always busy', outcome: BUSY }] });
    const countersBefore = redis.cli('KEYS', 'alipay-sandbox:count:*');
    await adminOf(a.sandbox).reset();
    expect((await adminOf(b.sandbox).requests()).requests).toEqual([]);
    // The call counts of the earlier tests' rules are gone from Redis, not just left behind.
    expect(countersBefore).not.toBe('');
    expect(['count', 'fired', 'rate'].map((kind) => redis.cli('KEYS', `alipay-sandbox:${kind}:*`))).toEqual(['', '', '']);
    expect(await execSigned(b.sandbox, 'zhima.auth.info.authquery', authqueryBiz(person!))).toMatchObject({ code: '10000', authorized: false });
  });

  it('retention on one replica removes old certifications for all, and keeps what another committed meanwhile', async () => {
    const retaining = await startReplica(redis.url, ['--retention-days', '30']);
    try {
      const old = await execSigned(retaining.sandbox, INITIALIZE, initializeBiz(`OLD${Date.now()}`));
      const people = generateIdentities({ seed: 2003, count: 40 });
      const granting = Promise.all(people.map((person) => execSigned(b.sandbox, 'alipay.user.auth.zhimaper.inner.apply', applyBiz(person))));
      await adminOf(retaining.sandbox).moveClock({ advance_ms: 31 * 86_400_000 });
      // The removal is written with the replica's next answer.
      await execSigned(retaining.sandbox, INITIALIZE, initializeBiz(`YOUNG${Date.now()}`));
      await granting;
      expect(await execSigned(a.sandbox, QUERY, { certify_id: old.certify_id as string })).toMatchObject({ sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST' });
      for (const person of people) expect(await execSigned(a.sandbox, 'zhima.auth.info.authquery', authqueryBiz(person))).toMatchObject({ authorized: true });
      await adminOf(a.sandbox).resetClock();
    } finally {
      await stopReplica(retaining);
    }
  });
});
