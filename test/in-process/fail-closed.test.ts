/**
 * msw's setupServer cannot see alipay-sdk (urllib calls undici's own request()), so on its own it fails
 * open: the SDK's call goes to the real openapi.alipay.com. interceptAlipayHosts closes that: with it,
 * an unmodified SDK is answered in-process and nothing reaches an Alipay host. Every connection undici
 * attempts is recorded (this machine has no route out, so an attempt ends in ENOTFOUND; online it
 * would reach production).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import { getGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interceptAlipayHosts, type AlipayInterception } from '../../mock-server/undici/index.js';
import { recordConnectionAttempts } from '../support/connection-attempts.js';
import { useMswSandbox } from '../support/msw-sandbox.js';
import { VALID_REQUESTS } from '../support/page-examples.js';

const attemptedConnections = recordConnectionAttempts();

const mswSandbox = useMswSandbox();
let interception: AlipayInterception;
let loopback: Server;
let previousDispatcher: ReturnType<typeof getGlobalDispatcher>;

beforeAll(async () => {
  previousDispatcher = getGlobalDispatcher();
  interception = interceptAlipayHosts(mswSandbox());
  loopback = createServer((_req, res) => res.end('loopback ok'));
  await new Promise<void>((done) => loopback.listen(0, '127.0.0.1', done));
});

afterAll(async () => {
  await interception.restore();
  loopback.close();
});

/** alipay-sdk as a team configures it for production: no gateway, no proxyAgent. */
function unmodifiedSdk(gateway?: string): AlipaySdk {
  return new AlipaySdk({
    appId: mswSandbox().defaultApp.appId,
    privateKey: mswSandbox().defaultApp.privateKeyPem,
    alipayPublicKey: mswSandbox().alipayPublicKeyPem,
    ...(gateway ? { gateway } : {}),
  });
}

describe('interceptAlipayHosts beside msw', () => {
  it('answers an unmodified alipay-sdk (production gateway) in-process, signed, through the same engine', async () => {
    const result = await unmodifiedSdk().exec('alipay.user.certify.open.initialize', { bizContent: VALID_REQUESTS['alipay.user.certify.open.initialize'] }, { validateSign: true });
    expect(result.code).toBe('10000');
    expect(result.certifyId).toMatch(/^[0-9a-f]{32}$/);
    expect(mswSandbox().requests({ method: 'alipay.user.certify.open.initialize' })).toHaveLength(1);
  });

  it('answers the SDK configured for Alipay\'s sandbox gateway, with the scenario of the app', async () => {
    mswSandbox().setScenario(mswSandbox().defaultApp.appId, { rules: [{ match: { method: 'alipay.user.auth.zhimaper.inner.apply' }, outcome: { business_error: 'NO_USER_ERROR' } }] });
    const result = await unmodifiedSdk('https://openapi-sandbox.dl.alipaydev.com/gateway.do').exec('alipay.user.auth.zhimaper.inner.apply', { bizContent: VALID_REQUESTS['alipay.user.auth.zhimaper.inner.apply'] }, { validateSign: true });
    expect(result.subCode).toBe('NO_USER_ERROR');
    mswSandbox().clearScenario(mswSandbox().defaultApp.appId);
  });

  it('fails closed, with a clear error, on an Alipay address the sandbox does not answer', async () => {
    await expect(unmodifiedSdk('https://mapi.alipay.com/gateway.do').exec('zhima.auth.info.authquery', { bizContent: VALID_REQUESTS['zhima.auth.info.authquery'] })).rejects.toThrow(
      /https:\/\/mapi\.alipay\.com\/gateway\.do is an Alipay address the sandbox does not answer; the request was stopped before it left this process/,
    );
    // The v3 paths on a gateway's host are served now (OpenAPI v3); any other path there is not.
    await expect(fetch('https://openapi.alipay.com/v2/alipay/user/certify/open/initialize', { method: 'POST', body: '{}' })).rejects.toThrow(/fetch failed/);
  });

  it('lets requests to other hosts (a loopback server) through, by undici and by fetch', async () => {
    const { port } = loopback.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('loopback ok');
    const { request } = await import('undici');
    expect(await (await request(`http://127.0.0.1:${port}/`)).body.text()).toBe('loopback ok');
  });

  it('never tried to connect to anything but loopback', () => {
    expect(attemptedConnections.filter((host) => host !== '127.0.0.1')).toEqual([]);
  });

  it('puts the previous global dispatcher back on restore', async () => {
    const second = interceptAlipayHosts(mswSandbox());
    expect(getGlobalDispatcher()).toBe(second.mockAgent);
    await second.restore();
    expect(getGlobalDispatcher()).toBe(interception.mockAgent);
    expect(previousDispatcher).not.toBe(interception.mockAgent);
  });
});

describe('without interceptAlipayHosts', () => {
  it('msw alone fails open: the SDK tries to connect to the real openapi.alipay.com', async () => {
    await interception.restore();
    try {
      await expect(unmodifiedSdk().exec('zhima.auth.info.authquery', { bizContent: VALID_REQUESTS['zhima.auth.info.authquery'] })).rejects.toThrow();
      expect(attemptedConnections).toContain('openapi.alipay.com');
    } finally {
      attemptedConnections.length = 0;
      interception = interceptAlipayHosts(mswSandbox());
    }
  });
});
