/**
 * The v3 replay check across replicas on one real Redis: a nonce is claimed in the store (SET NX),
 * so a request replica A accepted is a replay on replica B, refused as one process refuses it; a
 * forged request claims nothing; the claim expires when its timestamp leaves the window; a store
 * that does not take the claim gets the store-down refusal, never 10000.
 */
import { randomUUID, sign } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import type { OpenApiRequest } from '../../mock-server/core/engine/openapi-v3.js';
import { createSandboxCore, type SandboxCore } from '../../mock-server/sandbox-core.js';
import { StateUnavailableError } from '../../mock-server/core/state/shared-state.js';
import { certifyOpenInitializeExample } from '../support/certify-open.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { until, useReplicaPair, type Replica } from '../support/replicas.js';
import { defaultAppPrivateKey } from '../support/signed-request.js';

const INITIALIZE = '/v3/alipay/user/certify/open/initialize';
const nonceKey = (nonce: string) => `alipay-sandbox:nonce:${nonce}`;

/** A v3 initialize request signed with the default app's key; `signedBody` signs other bytes than it sends (a forgery). */
function v3Request(options: { nonce?: string; timestamp?: number; signedBody?: string } = {}): OpenApiRequest & { nonce: string } {
  const nonce = options.nonce ?? randomUUID();
  const body = JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: `REPLAY${randomUUID().slice(0, 8)}` });
  const authString = `app_id=${DEFAULT_APP_ID},nonce=${nonce},timestamp=${options.timestamp ?? Date.now()}`;
  const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${INITIALIZE}\n${options.signedBody ?? body}\n`), defaultAppPrivateKey).toString('base64');
  const headers = { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}` };
  return { httpMethod: 'POST', url: INITIALIZE, headers, body: Buffer.from(body), nonce };
}

interface V3Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly detail: string;
}

/** The same bytes, sent to one replica. */
async function sendTo(replica: Replica, request: OpenApiRequest): Promise<V3Answer> {
  const response = await fetch(replica.sandbox.url + request.url, { method: request.httpMethod, headers: request.headers as Record<string, string>, body: request.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, detail: decodeURI(response.headers.get('x-sandbox-detail') ?? '') };
}

/** What a caller sees of a refusal: the status, v3's code and message. */
const refusal = ({ status, json }: V3Answer) => ({ status, code: json.code, message: json.message });

describe('v3 replay protection across replicas', { tags: ['redis-server'] }, () => {
  const replicas = useReplicaPair();

  it('a request replica A accepted is refused by replica B as a replay, with what one process answers its replay', async () => {
    const { a, b } = replicas();
    const request = v3Request();
    const accepted = await sendTo(a, request);
    expect(accepted.status).toBe(200);
    expect(accepted.json.certify_id).toMatch(/^[0-9a-f]{32}$/);
    const onB = await sendTo(b, request);
    const onA = await sendTo(a, request);
    expect(refusal(onB)).toEqual({ status: 401, code: 'invalid-signature', message: expect.stringContaining(`nonce ${request.nonce} was already used`) });
    expect(refusal(onB)).toEqual(refusal(onA));
    expect(onB.detail).toContain(`nonce ${request.nonce} was already used within the last 15 minutes`);
  });

  it('sent to both replicas at once, the same request is accepted exactly once', async () => {
    const { a, b } = replicas();
    const request = v3Request();
    const answers = await Promise.all([a, b, a, b, a, b].map((replica) => sendTo(replica, request)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((one) => one.status !== 200)) expect(answer.json.code).toBe('invalid-signature');
  });

  it('a forged request does not use up the nonce of the real one', async () => {
    const { a, b, redis } = replicas();
    const real = v3Request();
    const forged = v3Request({ nonce: real.nonce, signedBody: '{"outer_order_no":"FORGED"}' });
    const refused = await sendTo(b, forged);
    expect(refusal(refused)).toEqual({ status: 401, code: 'invalid-signature', message: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配' });
    expect(redis.cli('EXISTS', nonceKey(real.nonce))).toBe('0');
    expect((await sendTo(a, real)).status).toBe(200);
  });

  it('keeps the nonce in the store only while its timestamp is inside the window', async () => {
    const { a, redis } = replicas();
    // Ten minutes old in a fifteen-minute window: it passes the timestamp check five minutes more.
    const request = v3Request({ timestamp: Date.now() - 10 * 60_000 });
    expect((await sendTo(a, request)).status).toBe(200);
    const ttlMs = Number(redis.cli('PTTL', nonceKey(request.nonce)));
    expect(ttlMs).toBeGreaterThan(5 * 60_000 - 30_000);
    expect(ttlMs).toBeLessThanOrEqual(5 * 60_000);
  });
});

describe('v3 nonces in the store, in this process', { tags: ['redis-server'] }, () => {
  let redis: RedisServer;
  let core: SandboxCore;

  beforeAll(async () => {
    redis = await startRedis();
    core = await createSandboxCore({ store: redis.url, logger: pino({ level: 'silent' }), settings: { timestampWindowMs: 1500 } });
  });

  afterAll(async () => {
    core?.dispose();
    await core?.replication?.close();
    await redis?.stop();
  });

  it('the nonce expires with the window: gone from the store once the timestamp is out of it', async () => {
    const request = v3Request();
    expect((await core.engine.handleOpenApi(request)).status).toBe(200);
    expect(Number(redis.cli('PTTL', nonceKey(request.nonce)))).toBeLessThanOrEqual(1500);
    await until(() => redis.cli('EXISTS', nonceKey(request.nonce)) === '0', 3000);
    // Forgotten, and refused all the same: by then its timestamp is outside the window.
    const late = await core.engine.handleOpenApi(request);
    expect(JSON.parse(Buffer.from(late.body).toString())).toMatchObject({ code: 'invalid-timestamp' });
  });

  it('a store that refuses the claim (out of memory): the store-down refusal, not 10000', async () => {
    redis.cli('CONFIG', 'SET', 'maxmemory', '1');
    try {
      const answer = await core.engine.handleOpenApi(v3Request());
      expect([answer.status, answer.outcome.code, answer.outcome.subCode]).toEqual([500, '20000', 'isp.unknow-error']);
      expect(answer.outcome.detail).toContain('did not take the nonce: OOM');
    } finally {
      redis.cli('CONFIG', 'SET', 'maxmemory', '0');
    }
  });

  it('a store that does not answer the claim: the store-down refusal, counted, not 10000', async () => {
    const claim = vi.spyOn(core.replication!.nonces, 'claim').mockRejectedValue(new StateUnavailableError(`the shared state store ${redis.url} did not answer: The client is offline`));
    const refused = vi.spyOn(core.replication!, 'requestRefused');
    try {
      const answer = await core.engine.handleOpenApi(v3Request());
      // isp.unknow-error (20000), rendered the v3 way, as a request that could not catch up is.
      expect([answer.outcome.code, answer.outcome.subCode]).toEqual(['20000', 'isp.unknow-error']);
      expect(JSON.parse(Buffer.from(answer.body).toString())).toMatchObject({ code: 'unknow-error' });
      expect(refused).toHaveBeenCalledTimes(1);
    } finally {
      claim.mockRestore();
      refused.mockRestore();
    }
  });
});
