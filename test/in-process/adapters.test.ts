/**
 * What the in-process adapters do beyond a plain answer: faults reach the client as the network would
 * deliver them, and the MockAgent lets nothing else through.
 */
import { AlipaySdk } from 'alipay-sdk';
import { setupServer } from 'msw/node';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMswSandbox, type MswSandbox } from '../../mock-server/msw/index.js';
import { createMockAgentSandbox, type MockAgentSandbox } from '../../mock-server/undici/index.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const METHOD = 'zhima.auth.info.authquery';
let agent: MockAgentSandbox;
let msw: MswSandbox;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  agent = await createMockAgentSandbox();
  msw = await createMswSandbox({ gateways: ['https://gateway.test/gateway.do'] });
  server = setupServer(...msw.handlers);
  server.listen({ onUnhandledRequest: 'bypass' });
});
afterAll(() => server.close());

function sdk(): AlipaySdk {
  return new AlipaySdk({ appId: agent.defaultApp.appId, privateKey: agent.defaultApp.privateKeyPem, alipayPublicKey: agent.alipayPublicKeyPem, proxyAgent: agent.mockAgent });
}

describe('the undici MockAgent bridge', () => {
  it('delivers a connection reset as a request error', async () => {
    agent.setScenario(agent.defaultApp.appId, { rules: [{ outcome: { fault: 'connection-reset' } }] });
    await expect(sdk().exec(METHOD, { bizContent: VALID_REQUESTS[METHOD] })).rejects.toThrow(/ECONNRESET/);
    agent.clearScenario(agent.defaultApp.appId);
  });

  it('delivers an HTTP status as that status', async () => {
    agent.setScenario(agent.defaultApp.appId, { rules: [{ outcome: { http_status: 502 } }] });
    await expect(sdk().exec(METHOD, { bizContent: VALID_REQUESTS[METHOD] })).rejects.toThrow(/status: 502/);
    agent.clearScenario(agent.defaultApp.appId);
  });

  it('lets no request to another host through', async () => {
    await expect(request('https://example.com/', { dispatcher: agent.mockAgent })).rejects.toThrow(/not allowed/);
  });
});

describe('the msw handlers', () => {
  it('answer the gateways they are given', async () => {
    const r = signedRequest({ ...publicParams(METHOD), biz_content: JSON.stringify(VALID_REQUESTS[METHOD]) });
    const response = await fetch(`https://gateway.test${r.path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: r.body });
    expect(await response.json()).toMatchObject({ zhima_auth_info_authquery_response: { code: '10000', authorized: false } });
  });

  it('answer the spellings msw\'s own path patterns matched: another case, a trailing slash', async () => {
    for (const path of ['/GATEWAY.DO', '/gateway.do/']) {
      const r = signedRequest({ ...publicParams(METHOD), biz_content: JSON.stringify(VALID_REQUESTS[METHOD]) });
      const response = await fetch(`https://gateway.test${r.path.replace('/gateway.do', path)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: r.body });
      expect(await response.json(), path).toMatchObject({ zhima_auth_info_authquery_response: { code: '10000' } });
    }
  });

  it('deliver a connection fault as a network error', async () => {
    msw.setScenario(msw.defaultApp.appId, { rules: [{ outcome: { fault: 'connection-close' } }] });
    const r = signedRequest({ ...publicParams(METHOD), biz_content: JSON.stringify(VALID_REQUESTS[METHOD]) });
    await expect(fetch(`https://gateway.test${r.path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: r.body })).rejects.toThrow(TypeError);
    msw.clearScenario(msw.defaultApp.appId);
  });
});
