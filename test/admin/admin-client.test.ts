/**
 * One admin core, two ways to reach it: in-process (`sandbox.admin`) and over HTTP
 * (`createAdminClient(url)`), with the same answers and the same refusals (status and message).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AdminClientError, createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import { AdminError } from '../../mock-server/core/admin/sandbox-admin.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();
const others: RunningSandbox[] = [];
afterAll(async () => {
  for (const other of others) await other.close();
});

const publicKeyPem = () => spareKeyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('the admin core, in-process and over HTTP', () => {
  it('answers the same', async () => {
    const remote = createAdminClient(sandbox().url);
    const local = sandbox().admin;
    expect(await remote.app('2021000000000001')).toEqual(local.app('2021000000000001'));
    expect(await remote.startScenario()).toEqual(local.startScenario());
    expect(await remote.alipayPublicKey()).toBe(local.alipayPublicKey());
    const registered = await remote.registerApp({ app_id: '2021000000000901', public_key: publicKeyPem() });
    expect(local.app('2021000000000901')).toEqual(registered);
    expect(await remote.setAppScenario('2021000000000901', 'rules: []\n')).toEqual({ app_id: '2021000000000901', scenario: { rules: [] } });
    expect(await remote.appScenario('2021000000000901')).toEqual(local.appScenario('2021000000000901'));
    const moved = await remote.moveClock({ advance_ms: 86_400_000 });
    expect(moved.offset_ms).toBeGreaterThan(86_000_000);
    expect(local.clock().offset_ms).toBe(moved.offset_ms);
    expect((await remote.resetClock()).offset_ms).toBe(0);
    expect((await remote.requests({ method: 'zhima.auth.info.authquery' })).requests).toEqual(local.requests({ method: 'zhima.auth.info.authquery' }).requests);
    expect((await remote.health()).status).toBe('ok');
  });

  it('refuses the same, with the status and message of the core', async () => {
    const remote = createAdminClient(sandbox().url);
    const local = sandbox().admin;
    const checks: Array<[() => unknown, () => Promise<unknown>, number]> = [
      [() => local.app('2021000000009999'), () => remote.app('2021000000009999'), 404],
      [() => local.moveClock({ set: 'never' }), () => remote.moveClock({ set: 'never' }), 400],
      [() => local.requests({ since: 'yesterday' }), () => remote.requests({ since: 'yesterday' }), 400],
      [() => local.certification('nope'), () => remote.certification('nope'), 404],
      [() => local.setAppScenario('2021000000009999', { rules: [] }), () => remote.setAppScenario('2021000000009999', { rules: [] }), 404],
    ];
    for (const [inProcess, overHttp, status] of checks) {
      let localError: unknown;
      try {
        inProcess();
      } catch (error) {
        localError = error;
      }
      expect(localError).toBeInstanceOf(AdminError);
      const remoteError = await overHttp().then(() => undefined, (error: unknown) => error);
      expect(remoteError).toBeInstanceOf(AdminClientError);
      expect((remoteError as AdminClientError).status).toBe(status);
      expect((localError as AdminError).status).toBe(status);
      expect((remoteError as Error).message).toBe((localError as Error).message);
    }
  });

  it('passes a scenario\'s load error with the path in the document', async () => {
    const error = await createAdminClient(sandbox().url).setAppScenario('2021000000000001', { rules: [{ outcome: { business_error: 'NOPE' } }] }).then(() => undefined, (e: unknown) => e as AdminClientError);
    expect(error?.status).toBe(400);
    expect(error?.path).toBe('rules[0].outcome.business_error');
  });

  it('sends the admin token a sandbox bound beyond loopback asks for', async () => {
    const guarded = await startSandbox({ port: 0, inMemory: true, quiet: true, adminToken: 'secret-token' });
    others.push(guarded);
    await expect(createAdminClient(guarded.url).health()).rejects.toMatchObject({ status: 401 });
    expect((await createAdminClient(guarded.url, { token: 'secret-token' }).health()).status).toBe('ok');
  });
});
