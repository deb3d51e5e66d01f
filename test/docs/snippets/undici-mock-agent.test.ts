import { AlipaySdk } from 'alipay-sdk';
import { expect, it } from 'vitest';
import { createMockAgentSandbox } from 'alipay-gateway-sandbox/undici';

const sandbox = await createMockAgentSandbox();

it('alipay-sdk, which msw cannot see, is answered through its proxyAgent', async () => {
  const alipay = new AlipaySdk(sandbox.alipaySdkOptions());
  sandbox.setScenario(sandbox.defaultApp.appId, {
    rules: [{ match: { method: 'alipay.user.auth.zhimaper.inner.apply' }, outcome: { business_error: 'NO_USER_ERROR' } }],
  });
  const result = await alipay.exec('alipay.user.auth.zhimaper.inner.apply', {
    bizContent: { cert_no: '330701199901011316', cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' },
  }, { validateSign: true });
  expect(result.subCode).toBe('NO_USER_ERROR');
});
