/**
 * A replica on a Redis Cluster that speaks TLS only (clients, cluster bus, replication): given one
 * node by rediss://, it must reach the shards CLUSTER SLOTS names over TLS too. node-redis builds
 * those connections from the cluster's defaults, not from the root node's URL, so a replica whose
 * defaults do not say TLS reaches the root and then nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startReplica, stopReplica, type Replica } from '../support/replicas.js';

const INITIALIZE = 'alipay.user.certify.open.initialize';
const QUERY = 'alipay.user.certify.open.query';
/** The hash tag of the default app's state. */
const APP_TAG = `{alipay-sandbox:${DEFAULT_APP_ID}}`;

/** The node that serves a key's slot: the one that does not answer MOVED. */
const nodeServing = (cluster: RedisCluster, key: string): number => cluster.ports.find((port) => !cluster.cli(port, 'EXISTS', key).startsWith('MOVED'))!;

describe('a replica on a Redis Cluster over TLS only', { tags: ['redis-server', 'openssl'] }, () => {
  let cluster: RedisCluster;
  let replica: Replica | undefined;
  let appNode: number;
  let root: number;

  beforeAll(async () => {
    cluster = await startRedisCluster({ tls: true });
    appNode = nodeServing(cluster, `${APP_TAG}:state`);
    // Given a node that does not serve the app's slot: its state can only land where the replica was not pointed.
    root = cluster.ports.find((port) => port !== appNode)!;
    // The nodes' certificate is self-signed; the replica trusts it as any Node program would, from the environment.
    replica = await startReplica(`rediss://127.0.0.1:${root}/0`, [], { NODE_EXTRA_CA_CERTS: cluster.caFile! });
  });

  afterAll(async () => {
    if (replica) await stopReplica(replica);
    await cluster?.stop();
  });

  it("reaches over TLS the shard it found from the node it was given: an app's certification is stored there and read back", async () => {
    expect(cluster.url).toMatch(/^rediss:/);
    const made = nodeOf(await postForm(replica!.sandbox, signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify({ ...VALID_REQUESTS[INITIALIZE], outer_order_no: `CLUSTER-TLS${Date.now()}` }) })));
    expect(made).toMatchObject({ code: '10000' });
    expect(appNode).not.toBe(root);
    expect(cluster.cli(appNode, 'KEYS', `${APP_TAG}:*`).split('\n')).toEqual(expect.arrayContaining([`${APP_TAG}:state`, `${APP_TAG}:journal`]));
    const query = signedRequest({ ...publicParams(QUERY), biz_content: JSON.stringify({ certify_id: made.certify_id }) });
    expect(nodeOf(await postForm(replica!.sandbox, query))).toMatchObject({ code: '10000', passed: 'F' });
  });
});
