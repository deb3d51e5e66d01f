/**
 * Replicas on a Redis Cluster: two `serve --store` processes given a node of a real cluster of three
 * masters (redis-cluster.ts), the one that does not serve the sandbox's slot, so that they must find
 * the shard that does. They share one state as on one Redis, and every key of the sandbox sits on one
 * shard, where its scripts can run atomically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startReplica, stopReplica, type Replica } from '../support/replicas.js';

const INITIALIZE = 'alipay.user.certify.open.initialize';
const QUERY = 'alipay.user.certify.open.query';
/** The hash tag every key of the sandbox carries on a cluster. */
const TAG = '{alipay-sandbox}';

const initialize = (orderNo: string) => signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: orderNo }) });

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

  it("keeps every key of the sandbox on the one shard that serves its hash tag", () => {
    const keysByNode = cluster.ports.map((port) => cluster.cli(port, 'KEYS', '*').split('\n').filter(Boolean));
    const holding = keysByNode.filter((keys) => keys.length > 0);
    expect(holding).toHaveLength(1);
    expect(holding[0]).toEqual(expect.arrayContaining([`${TAG}:state`, `${TAG}:claims`, `${TAG}:changes`, `${TAG}:journal`]));
    expect(holding[0]!.filter((key) => !key.startsWith(`${TAG}:`))).toEqual([]);
  });
});
