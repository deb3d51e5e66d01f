import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('an ISV exchanges the merchant\'s app_auth_code, calls for the merchant, and is refused once the merchant cancels', async () => {
  // What Alipay's authorization page does when merchant app 2021000000000101 authorizes our (ISV) app.
  const { app_auth_code } = await sandbox.admin.issueAppAuthCode({ app_id: sandbox.defaultApp.appId, auth_app_id: '2021000000000101' });
  const token = await alipay.exec('alipay.open.auth.token.app', {
    bizContent: { grant_type: 'authorization_code', code: app_auth_code },
  }, { validateSign: true });
  expect(token.authAppId).toBe('2021000000000101');

  const forMerchant = () => alipay.exec('alipay.user.certify.open.initialize', {
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
