import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile();

it('my service asked once whether this user authorized us, and never ran a material certification', async () => {
  await alipay.exec('zhima.auth.info.authquery', {
    bizContent: { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' },
  });

  sandbox.requests.verify({ method: 'zhima.auth.info.authquery', biz_content: { 'identity_param.userId': '2088202844499224' } }, 1);
  sandbox.requests.verify({ method: 'zhima.customer.certification.material.certify' }, 0);
  expect(sandbox.requests.count({ code: '10000' })).toBe(1);
  expect(sandbox.requests.refused()).toEqual([]);
});
