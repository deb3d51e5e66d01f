import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('a retried authorization query reaches the gateway twice', async () => {
  sandbox.setScenario(sandbox.defaultApp.appId, {
    rules: [{ match: { call: { first: 1 } }, outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }],
  });
  const query = () =>
    alipay.exec('zhima.auth.info.authquery', {
      bizContent: { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' },
    }, { validateSign: true });

  expect((await query()).code).toBe('20000');
  expect((await query()).authorized).toBe(false);
  expect(sandbox.requests({ method: 'zhima.auth.info.authquery' })).toHaveLength(2);
  await sandbox.reset();
});
