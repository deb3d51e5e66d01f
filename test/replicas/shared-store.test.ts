/**
 * Two stores on one Redis, in this process, with their catching up in the test's hands: what one
 * commits is not lost to what the other does without having seen it (a retention sweep, a stale
 * copy of a record), which two processes could only show by timing.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../../mock-server/replicas/redis-connection.js';
import { RedisStateStorage } from '../../mock-server/replicas/redis-state-storage.js';
import { redisAddress } from '../../mock-server/replicas/store-address.js';
import { StateConflictError } from '../../mock-server/core/state/shared-state.js';
import { SandboxStore, type Certification } from '../../mock-server/core/state/sandbox-store.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const DAY = 86_400_000;

const certification = (id: string, createdAtMs: number): Certification => ({
  kind: 'certify-open',
  id,
  app_id: '2021000000000001',
  order_no: `ORDER-${id}`,
  biz_code: 'FACE',
  identity: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' },
  created_at_ms: createdAtMs,
  expires_at_ms: createdAtMs + 23 * 3600_000,
  status: 'INIT',
});

const grant = (certNo: string) => ({ app_id: '2021000000000001', cert_no: certNo, name: '张三', user_id: '2088000000000001', open_id: 'open', access_token: 'a', refresh_token: 'r', granted_at: '2026-12-02T00:00:00.000Z' });

describe('two stores sharing one Redis', { tags: ['redis-server'] }, () => {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];

  async function openStore(): Promise<SandboxStore> {
    const connection = await RedisConnection.open(redisAddress(redis.url), pino({ level: 'silent' }));
    connections.push(connection);
    return SandboxStore.open({ storage: new RedisStateStorage(connection) }, []);
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await redis?.stop();
  });

  it('a retention sweep on a replica that has not seen another one\'s grant removes the old certification and keeps the grant', async () => {
    const a = await openStore();
    const now = Date.now();
    a.addCertification(certification('old', now - 40 * DAY));
    a.addCertification(certification('young', now));
    await a.persist();
    const b = await openStore();
    b.grant(grant('330106197909275965'));
    await b.persist();
    // A has not caught up with B's grant when its sweep is written.
    expect(a.dropOlderThan(now - 30 * DAY)).toBe(1);
    await a.persist();
    const fresh = await openStore();
    expect(fresh.certification('old')).toBeUndefined();
    expect(fresh.certification('young')).toBeDefined();
    expect(fresh.authorization('2021000000000001', '330106197909275965')).toBeDefined();
  });

  it('a change made over a version another replica replaced is refused, and the record is read again', async () => {
    const a = await openStore();
    const b = await openStore();
    const onA = a.certification('young')!;
    const onB = b.certification('young')!;
    b.updateCertification(onB, { status: 'PASSED', completed_at_ms: 1 });
    await b.persist();
    a.updateCertification(onA, { status: 'FAILED', fail_reason: 'Z1147', completed_at_ms: 2 });
    await expect(a.persist()).rejects.toBeInstanceOf(StateConflictError);
    // Read again as stored: B's completion, and nothing of A's refused one.
    expect(a.certification('young')).toMatchObject({ status: 'PASSED', completed_at_ms: 1 });
    expect(a.certification('young')).not.toHaveProperty('fail_reason');
  });
});
