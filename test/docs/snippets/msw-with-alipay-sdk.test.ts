import { AlipaySdk } from 'alipay-sdk';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMswSandbox } from 'alipay-gateway-sandbox/msw';
import { interceptAlipayHosts, type AlipayInterception } from 'alipay-gateway-sandbox/undici';

const sandbox = await createMswSandbox();
const server = setupServer(...sandbox.handlers);
let interception: AlipayInterception;
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'bypass' });
  interception = interceptAlipayHosts(sandbox); // alipay-sdk's undici requests, which msw never sees
});
afterAll(async () => {
  server.close();
  await interception.restore();
});

it('an unmodified alipay-sdk, configured for production, is answered in-process', async () => {
  const alipay = new AlipaySdk(sandbox.alipaySdkOptions());
  const result = await alipay.exec('zhima.auth.info.authquery', {
    bizContent: { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' },
  }, { validateSign: true });
  expect(result.authorized).toBe(false);
});
