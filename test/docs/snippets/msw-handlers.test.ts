import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AlipayClient } from 'alipay-gateway-sandbox/client';
import { createMswSandbox } from 'alipay-gateway-sandbox/msw';

const sandbox = await createMswSandbox();
const server = setupServer(...sandbox.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());

it('a fetch-based client talks to https://openapi.alipay.com/gateway.do, answered in-process', async () => {
  const alipay = new AlipayClient({
    gateway: 'https://openapi.alipay.com/gateway.do',
    appId: sandbox.defaultApp.appId,
    privateKey: sandbox.defaultApp.privateKeyPem,
    alipayPublicKey: sandbox.alipayPublicKeyPem,
  });
  const started = await alipay.call('alipay.user.certify.open.initialize', {
    outer_order_no: 'MSW0001',
    biz_code: 'FACE',
    identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
    merchant_config: '{"return_url":"https://shop.example/back"}',
  });
  await sandbox.completeCertification(started.certify_id, { passed: true });
  expect((await alipay.call('alipay.user.certify.open.query', { certify_id: started.certify_id })).passed).toBe('T');
});
