import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from 'alipay-gateway-sandbox';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
});
afterAll(() => sandbox.close());

it('my service asked once whether this user authorized us, and never ran a material certification', async () => {
  const alipay = new AlipaySdk(sandbox.alipaySdkOptions());
  await alipay.exec('zhima.auth.info.authquery', {
    bizContent: { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' },
  });

  sandbox.requests.verify({ method: 'zhima.auth.info.authquery', biz_content: { 'identity_param.userId': '2088202844499224' } }, 1);
  sandbox.requests.verify({ method: 'zhima.customer.certification.material.certify' }, 0);
  expect(sandbox.requests.count({ code: '10000' })).toBe(1);
  expect(sandbox.requests.refused()).toEqual([]);
});
