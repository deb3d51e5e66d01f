/**
 * The hosted certification page works in-process too: its form post, to the gateway's own origin,
 * is answered by the msw handlers and by the undici agent through the same completion code as the
 * HTTP server, and the certification then queries as finished.
 */
import { fetch as undiciFetch, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { AlipayClient } from '../../client-harness/alipay-client.js';
import type { SandboxControls } from '../../mock-server/sandbox-core.js';
import { useInProcessSandboxes } from '../support/in-process-sandboxes.js';

const ALIPAY = 'https://openapi.alipay.com';
const START = {
  biz_code: 'FACE' as const,
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
  merchant_config: '{"return_url":"https://shop.example/back"}',
};

const sandboxes = useInProcessSandboxes();

function clientOf(sandbox: SandboxControls): AlipayClient {
  return new AlipayClient({ gateway: `${ALIPAY}/gateway.do`, appId: sandbox.defaultApp.appId, privateKey: sandbox.defaultApp.privateKeyPem, alipayPublicKey: sandbox.alipayPublicKeyPem });
}

describe('the hosted page under msw', () => {
  it('shows the page, takes the Pass post on the gateway origin, sends the browser back, and the query passes', async () => {
    const client = clientOf(sandboxes().msw);
    const { certify_id: certifyId } = await client.call('alipay.user.certify.open.initialize', { ...START, outer_order_no: 'MSWPAGE01' });
    const html = await (await fetch(client.pageUrl('alipay.user.certify.open.certify', { certify_id: certifyId }))).text();
    expect(html).toContain(`action="/__sandbox/certifications/${certifyId}/complete"`);
    const posted = await fetch(`${ALIPAY}/__sandbox/certifications/${certifyId}/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass', redirect: 'manual' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('https://shop.example/back');
    expect((await client.call('alipay.user.certify.open.query', { certify_id: certifyId })).passed).toBe('T');
  });

  it('answers a post for an unknown certification with the error page', async () => {
    const posted = await fetch(`${ALIPAY}/__sandbox/certifications/nope/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=pass' });
    expect(posted.status).toBe(404);
    expect(await posted.text()).toContain('no certification nope');
  });
});

describe('the hosted page through the undici agent', () => {
  it('takes the Fail post with its reason, and the certification is failed with it', async () => {
    const { agent } = sandboxes();
    // The reference client over undici's fetch with the agent as its dispatcher, as alipay-sdk would go.
    const throughAgent = ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent.mockAgent })) as unknown as typeof fetch;
    const client = new AlipayClient({ gateway: `${ALIPAY}/gateway.do`, appId: agent.defaultApp.appId, privateKey: agent.defaultApp.privateKeyPem, alipayPublicKey: agent.alipayPublicKeyPem, fetch: throughAgent });
    const { certify_id: certifyId } = await client.call('alipay.user.certify.open.initialize', { ...START, outer_order_no: 'UNDICIPAGE01' });
    const posted = await request(`${ALIPAY}/__sandbox/certifications/${certifyId}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'choice=fail&reason=%E4%BA%BA%E8%84%B8%E6%AF%94%E5%AF%B9%E4%B8%8D%E4%B8%80%E8%87%B4',
      dispatcher: agent.mockAgent,
    });
    expect(posted.statusCode).toBe(303);
    expect(agent.admin.certification(certifyId)).toMatchObject({ status: 'FAILED', fail_reason: '人脸比对不一致' });
  });
});
