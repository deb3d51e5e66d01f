import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('an auth code from the OAuth redirect becomes the user_id authquery takes', async () => {
  const person = sandbox.admin.identities().identities[0]!;
  const { auth_code } = await sandbox.admin.issueAuthCode({ app_id: sandbox.defaultApp.appId, user_id: person.user_id });
  const token = await alipay.exec('alipay.system.oauth.token', { grantType: 'authorization_code', code: auth_code }, { validateSign: true });
  expect(token.userId).toBe(person.user_id);

  const query = await alipay.exec('zhima.auth.info.authquery', {
    bizContent: { identity_type: '5', identity_param: JSON.stringify({ userId: token.userId }) },
  }, { validateSign: true });
  expect(query.authorized).toBe(false);

  // A code is good once: the second exchange is refused, in error_response.
  const again = await alipay.exec('alipay.system.oauth.token', { grantType: 'authorization_code', code: auth_code });
  expect([again.code, again.subCode]).toEqual(['40002', 'isv.code-invalid']);
});
