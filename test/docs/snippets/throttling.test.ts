import { expect, it } from 'vitest';
import { sandboxForThisFile } from './sandbox-for-this-file.js';

const { sandbox, alipay } = await sandboxForThisFile({
  scenario: { rules: [{ name: '5 calls a minute', match: { rate: { calls: 5, per_ms: 60_000 } }, outcome: { throttled: true } }] },
});

it('20 calls at once: 5 are served, 15 are throttled with 20000', async () => {
  const ask = () => alipay.exec('zhima.auth.info.authquery', {
    bizContent: { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' },
  }, { validateSign: true });
  const answers = await Promise.all(Array.from({ length: 20 }, ask));

  expect(answers.filter((a) => a.code === '10000')).toHaveLength(5);
  expect(answers.filter((a) => a.code === '20000' && a.subCode === 'aop.unknow-error')).toHaveLength(15);
  expect(sandbox.requests.count({ code: '20000' })).toBe(15);
});
