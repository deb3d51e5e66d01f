import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from 'alipay-gateway-sandbox';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
});
afterAll(() => sandbox.close());

it('an ISV exchanges the merchant\'s app_auth_code, calls for the merchant, and is refused once the merchant cancels', async () => {
  // What Alipay's authorization page does when merchant app 2021000000000101 authorizes our (ISV) app.
  const { app_auth_code } = await sandbox.admin.issueAppAuthCode({ app_id: sandbox.defaultApp.appId, auth_app_id: '2021000000000101' });
  const isv = new AlipaySdk(sandbox.alipaySdkOptions());
  const token = await isv.exec('alipay.open.auth.token.app', {
    bizContent: { grant_type: 'authorization_code', code: app_auth_code },
  }, { validateSign: true });
  expect(token.authAppId).toBe('2021000000000101');

  const forMerchant = () => isv.exec('alipay.user.certify.open.initialize', {
    appAuthToken: token.appAuthToken,
    bizContent: {
      outer_order_no: 'ISV0001',
      biz_code: 'FACE',
      identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330211199003132437' },
      merchant_config: { return_url: 'https://merchant.example/return' },
    },
  }, { validateSign: true });
  expect((await forMerchant()).code).toBe('10000');

  await sandbox.admin.revokeAppAuthToken(token.appAuthToken);
  expect(await forMerchant()).toMatchObject({ code: '20001', subCode: 'aop.invalid-app-auth-token' });
});
