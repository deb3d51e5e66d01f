/**
 * Replicas on a Redis Cluster: two `serve --store` processes given a node of a real cluster of three
 * masters (redis-cluster.ts), one that does not serve the sandbox's shared slot, so that they must
 * find the shards that do. They share one state as on one Redis; each app's keys sit under the app's
 * own hash tag, on one shard, where its scripts run atomically, and two apps' on different shards.
 */
import { randomUUID, sign } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import type { NewEntry } from '../../mock-server/core/journal/request-journal.js';
import { recordKey, type SharedCommit } from '../../mock-server/core/state/shared-state.js';
import type { StateChange } from '../../mock-server/core/state/state-storage.js';
import { RedisConnection } from '../../mock-server/replicas/redis-connection.js';
import { journalEntriesOf, RedisWrites } from '../../mock-server/replicas/redis-writes.js';
import { redisAddress } from '../../mock-server/replicas/store-address.js';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { adminOf, registerApp } from '../support/admin-client.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { defaultAppPrivateKey, publicParams, signedRequest } from '../support/signed-request.js';
import { certifyOpenInitializeExample } from '../support/certify-open.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startReplica, stopReplica, type Replica } from '../support/replicas.js';

const INITIALIZE = 'alipay.user.certify.open.initialize';
const QUERY = 'alipay.user.certify.open.query';
const APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const AUTHQUERY = 'zhima.auth.info.authquery';
/** The hash tag of what every app shares on a cluster (the app registry, people, the clock). */
const TAG = '{alipay-sandbox}';
/** The hash tag of an app's state. */
const appTag = (appId: string) => `{alipay-sandbox:${appId}}`;

const V3_INITIALIZE = '/v3/alipay/user/certify/open/initialize';

/** A v3 initialize request of the default app with this nonce, as fetch sends it. */
function v3Initialize(nonce: string): RequestInit {
  const body = JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: `CLUSTER-V3${nonce.slice(0, 8)}` });
  const authString = `app_id=${DEFAULT_APP_ID},nonce=${nonce},timestamp=${Date.now()}`;
  const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${V3_INITIALIZE}\n${body}\n`), defaultAppPrivateKey).toString('base64');
  return { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}` }, body };
}

const initialize = (orderNo: string) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: orderNo }) });

/** The node that serves a key's slot: the one that does not answer MOVED. */
const nodeServing = (cluster: RedisCluster, key: string): number => cluster.ports.find((port) => !cluster.cli(port, 'EXISTS', key).startsWith('MOVED'))!;

describe('replicas on a Redis Cluster of three masters', { tags: ['redis-server'] }, () => {
  let cluster: RedisCluster;
  let replicas: Replica[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    // A node asked for the tag's key that it does not serve answers MOVED: the replicas start there.
    const elsewhere = cluster.ports.find((port) => cluster.cli(port, 'EXISTS', `${TAG}:state`).startsWith('MOVED'))!;
    const store = `redis://127.0.0.1:${elsewhere}/0`;
    replicas = await Promise.all([startReplica(store), startReplica(store)]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await cluster?.stop();
  });

  it('is three masters, each serving a third of the slots', () => {
    const masters = cluster.cli(cluster.ports[0]!, 'CLUSTER', 'NODES').split('\n').filter((line) => line.includes('master'));
    expect(masters).toHaveLength(3);
    expect(cluster.cli(cluster.ports[0]!, 'CLUSTER', 'INFO')).toContain('cluster_slots_assigned:16384');
  });

  it('a certification made through replica A queries through replica B, and one order through both at once is one certification', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const made = nodeOf(await postForm(a.sandbox, initialize(`CLUSTER${Date.now()}`)));
    expect(made).toMatchObject({ code: '10000' });
    const query = signedRequest({ ...publicParams(QUERY), biz_content: JSON.stringify({ certify_id: made.certify_id }) });
    expect(nodeOf(await postForm(b.sandbox, query))).toMatchObject({ code: '10000', passed: 'F' });
    // Sent to both before either has committed: the second commit is refused and runs again over the first's.
    const orders = Array.from({ length: 30 }, (_, i) => initialize(`CLUSTER-RACE${Date.now()}${i}`));
    const pairs = await Promise.all(orders.map((request) => Promise.all([a, b].map(async (replica) => nodeOf(await postForm(replica.sandbox, request))))));
    for (const [fromA, fromB] of pairs) {
      expect(fromA).toMatchObject({ code: '10000' });
      expect(fromB!.certify_id).toBe(fromA!.certify_id);
    }
  });

  it('a grant through replica A (a new person under the shared tag, the grant under the app\'s) is authorized through B, and a reset through A undoes it on B', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const [person] = generateIdentities({ seed: 3001, count: 1 });
    const authquery = { identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: person!.name, certNo: person!.cert_no }) };
    expect(await execSigned(a.sandbox, APPLY, { cert_no: person!.cert_no, cert_type: 'IDENTITY_CARD', name: person!.name, mobile: person!.mobile })).toMatchObject({ code: '10000' });
    expect(await execSigned(b.sandbox, AUTHQUERY, authquery)).toMatchObject({ code: '10000', authorized: true });
    const personStored = "return redis.call('HEXISTS', KEYS[1], 'person' .. string.char(0) .. ARGV[1])";
    expect(cluster.cli(nodeServing(cluster, `${TAG}:state`), 'EVAL', personStored, '1', `${TAG}:state`, person!.cert_no)).toBe('1');
    // Each app's journal is under its tag: B lists A's requests, read from there.
    expect((await adminOf(b.sandbox).requests()).requests.map((entry) => entry.method)).toEqual(expect.arrayContaining([APPLY, AUTHQUERY]));
    await adminOf(a.sandbox).reset();
    expect((await adminOf(b.sandbox).requests()).requests).toEqual([]);
    expect(await execSigned(b.sandbox, AUTHQUERY, authquery)).toMatchObject({ code: '10000', authorized: false });
  });

  it("writes a commit naming two tags' keys in two parts, each key at its own part's version; refused in one, the other part stays", async () => {
    const redis = await RedisConnection.open(redisAddress(cluster.url), pino({ level: 'silent' }));
    try {
      const writes = new RedisWrites(redis);
      const person: StateChange = { person: { name: '张三', cert_type: 'IDENTITY_CARD', cert_no: '110101199001011237', mobile: '13800000000', user_id: '2088000000000099', source: 'admin' } };
      const record = (value: number): StateChange => ({ record: { kind: 'test', key: 'two-tags', value: { app_id: DEFAULT_APP_ID, value } } });
      const [personKey, recordKeyOf] = [recordKey(person), recordKey(record(1))];
      const commit = (personExpected: string, recordExpected: string, value: number): SharedCommit => ({
        records: [
          { key: personKey, expected: personExpected, change: person },
          { key: recordKeyOf, expected: recordExpected, change: record(value) },
        ],
        claims: [],
        removals: [],
      });
      const stored = async (prefix: string, key: string) => String(await redis.sendCommand(['HGET', `${prefix}:state`, key]));
      const first = await writes.commit(commit('0', '0', 1));
      if (!first.committed) throw new Error(`refused: ${first.conflicts.join(', ')}`);
      const [personVersion, recordVersion] = [first.versions?.get(personKey), first.versions?.get(recordKeyOf)];
      expect((await stored(TAG, personKey)).split(' ')[0]).toBe(personVersion);
      expect(await stored(appTag(DEFAULT_APP_ID), recordKeyOf)).toBe(`${recordVersion} ${JSON.stringify(record(1))}`);
      // The person's part read a version long gone: refused; the record's part held, and stays.
      expect(await writes.commit(commit('0', recordVersion!, 2))).toEqual({ committed: false, conflicts: [personKey] });
      expect(await stored(appTag(DEFAULT_APP_ID), recordKeyOf)).toContain(JSON.stringify(record(2)));
    } finally {
      await redis.close();
    }
  });

  it("stores a commit's journal entry in its script where both are under the app's tag; a commit of two tags, or of another app's, goes without it", async () => {
    const redis = await RedisConnection.open(redisAddress(cluster.url), pino({ level: 'silent' }));
    try {
      const writes = new RedisWrites(redis);
      writes.journalCapacity = 10;
      const made = (appId: string, key: string): SharedCommit => {
        const change: StateChange = { record: { kind: 'test', key, value: { app_id: appId } } };
        return { records: [{ key: recordKey(change), expected: '0', change }], claims: [], removals: [] };
      };
      const entryOf = (method: string): NewEntry => ({ at: new Date(0).toISOString(), atMs: 0, http_method: 'POST', method, app_id: DEFAULT_APP_ID, parameters: {}, response: { http_status: 200 }, signature: 'verified', protocol: 'v1', refused_at_protocol: false });
      const suffix = randomUUID();
      expect(await writes.commit(made(DEFAULT_APP_ID, `own${suffix}`), Promise.resolve(entryOf('own')))).toMatchObject({ committed: true, journalled: true });
      // An ISV's call commits under the merchant app's tag, its entry goes under the ISV's own.
      const merchant = await writes.commit(made('2021000000000099', `merchant${suffix}`), Promise.resolve(entryOf('merchant')));
      expect(merchant).toMatchObject({ committed: true });
      expect(merchant).not.toHaveProperty('journalled');
      // Two tags: sent at once, without waiting for an entry it cannot carry.
      const twoTags = { records: [...made(DEFAULT_APP_ID, `both${suffix}`).records, ...made('2021000000000099', `both${suffix}`).records], claims: [], removals: [] };
      expect(await writes.commit(twoTags, new Promise<NewEntry>(() => undefined))).toMatchObject({ committed: true });
      const journal = (await redis.sendCommand(['XRANGE', `${appTag(DEFAULT_APP_ID)}:journal`, '-', '+'])) as [string, string[]][];
      const methods = journal.flatMap(([, fields]) => journalEntriesOf(fields).map(({ entry }) => (entry as NewEntry).method));
      expect(methods).toContain('own');
      expect(methods).not.toContain('merchant');
    } finally {
      await redis.close();
    }
  });

  it("counts an app's calls and keeps its v3 nonces under the app's tag, on its shard; a reset deletes the counts", async () => {
    const [a, b] = replicas as [Replica, Replica];
    await adminOf(a.sandbox).setAppScenario(DEFAULT_APP_ID, { rules: [{ name: 'the third call busy', match: { method: INITIALIZE, call: { nth: 3 } }, outcome: { public_error: 'isp.unknow-error' } }] });
    const codes = [];
    for (const replica of [a, b, a]) codes.push(nodeOf(await postForm(replica.sandbox, initialize(`CLUSTER-COUNT${Date.now()}${codes.length}`))).code);
    expect(codes).toEqual(['10000', '10000', '20000']);
    const nonce = randomUUID();
    const v3 = v3Initialize(nonce);
    expect((await fetch(a.sandbox.url + V3_INITIALIZE, v3)).status).toBe(200);
    expect((await fetch(b.sandbox.url + V3_INITIALIZE, v3)).status).toBe(401);

    const appNode = nodeServing(cluster, `${appTag(DEFAULT_APP_ID)}:state`);
    const keysOn = (port: number) => cluster.cli(port, 'KEYS', '*').split('\n').filter(Boolean);
    expect(keysOn(appNode)).toEqual(expect.arrayContaining([`${appTag(DEFAULT_APP_ID)}:nonce:${nonce}`, `${appTag(DEFAULT_APP_ID)}:counters`, expect.stringMatching(/^\{alipay-sandbox:2021000000000001\}:count:/)]));
    expect(keysOn(nodeServing(cluster, `${TAG}:state`)).filter((key) => key.startsWith(`${TAG}:`) && /:(count|fired|rate|nonce):/.test(key))).toEqual([]);
    await adminOf(b.sandbox).reset();
    expect(keysOn(appNode).filter((key) => /:(count|fired|rate):|:counters$/.test(key))).toEqual([]);
  });

  it("keeps each app's keys on the one shard that serves its hash tag, and two apps' on different shards", async () => {
    const [a, b] = replicas as [Replica, Replica];
    // A second app whose tag another shard serves than the default app's (the first such id).
    const defaultNode = nodeServing(cluster, `${appTag(DEFAULT_APP_ID)}:state`);
    const other = Array.from({ length: 50 }, (_, i) => `20210000000071${String(i).padStart(2, '0')}`).find((appId) => nodeServing(cluster, `${appTag(appId)}:state`) !== defaultNode)!;
    const privateKey = await registerApp(a.sandbox, other);
    const request = signedRequest({ ...publicParams(INITIALIZE, { app_id: other }), biz_content: JSON.stringify({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: `CLUSTER-OTHER${Date.now()}` }) }, { privateKey });
    const made = nodeOf(await postForm(b.sandbox, request));
    expect(made).toMatchObject({ code: '10000' });
    expect(nodeOf(await postForm(a.sandbox, initialize(`CLUSTER-DEFAULT${Date.now()}`)))).toMatchObject({ code: '10000' });
    // Committed under the other app's tag through B, queried through A.
    const query = signedRequest({ ...publicParams(QUERY, { app_id: other }), biz_content: JSON.stringify({ certify_id: made.certify_id }) }, { privateKey });
    expect(nodeOf(await postForm(a.sandbox, query))).toMatchObject({ code: '10000', passed: 'F' });

    const keysByNode = new Map(cluster.ports.map((port) => [port, cluster.cli(port, 'KEYS', '*').split('\n').filter(Boolean)]));
    const nodesHolding = (tag: string) => [...keysByNode].filter(([, keys]) => keys.some((key) => key.startsWith(`${tag}:`))).map(([port]) => port);
    for (const appId of [DEFAULT_APP_ID, other]) {
      expect(nodesHolding(appTag(appId))).toHaveLength(1);
      expect(keysByNode.get(nodesHolding(appTag(appId))[0]!)).toEqual(expect.arrayContaining(['state', 'claims', 'changes', 'journal'].map((name) => `${appTag(appId)}:${name}`)));
    }
    expect(nodesHolding(appTag(DEFAULT_APP_ID))).not.toEqual(nodesHolding(appTag(other)));
    expect(nodesHolding(TAG)).toHaveLength(1);
    // Every key is under the shared tag or an app's.
    expect([...keysByNode.values()].flat().filter((key) => !key.startsWith(`${TAG}:`) && !key.startsWith('{alipay-sandbox:'))).toEqual([]);
  });
});
