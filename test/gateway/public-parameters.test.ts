/**
 * Public parameters against the seed pages' 公共请求参数 table: each missing one gets its 40001 code,
 * each malformed or over-long one its 40002 code, and the timestamp must fall inside the window.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { formatLocalTimestamp } from '../support/local-timestamp.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const noSkewCheck = useSandbox({ settings: { timestampWindowMs: 0 } });

function requestWith(overrides: Record<string, string>, drop: string[] = []) {
  const params: Record<string, string> = {
    ...publicParams(CERTIFY_OPEN_INITIALIZE, overrides),
    biz_content: JSON.stringify(certifyOpenInitializeExample),
  };
  for (const name of drop) delete params[name];
  return params;
}

async function send(params: Record<string, string>, target = sandbox) {
  return nodeOf(await postForm(target(), signedRequest(params)));
}

describe('a request with every public parameter right', () => {
  it('succeeds', async () => {
    expect(await send(requestWith({}))).toMatchObject({ code: '10000', msg: 'Success' });
  });

  it('succeeds without format, which the Node SDK never sends, and with format "json"', async () => {
    expect((await send(requestWith({}, ['format']))).code).toBe('10000');
    expect((await send(requestWith({ format: 'json' }))).code).toBe('10000');
  });

  it('succeeds with an app_auth_token the sandbox issued (40 characters, the maximum); refuses one it did not with 20001', async () => {
    const { app_auth_token } = await sandbox().admin.issueAppAuthToken({ app_id: DEFAULT_APP_ID });
    expect(app_auth_token).toHaveLength(40);
    expect((await send(requestWith({ app_auth_token }))).code).toBe('10000');
    expect(await send(requestWith({ app_auth_token: 'a'.repeat(40) }))).toMatchObject({ code: '20001', sub_code: 'aop.invalid-app-auth-token' });
  });
});

describe.each([
  ['app_id', 'isv.missing-app-id', '缺少appId参数'],
  ['method', 'isv.missing-method', '缺少方法名参数'],
  ['sign_type', 'isv.missing-signature-type', '缺少签名类型参数'],
  ['timestamp', 'isv.missing-timestamp', '缺少时间戳参数'],
  ['version', 'isv.missing-version', '缺少版本参数'],
])('a request without %s', (name, subCode, subMsg) => {
  it(`gets 40001 ${subCode}`, async () => {
    const node = await send(requestWith({}, [name]));
    expect(node).toMatchObject({ code: '40001', msg: 'Missing Required Arguments', sub_code: subCode });
    expect(node.sub_msg).toBe(`${subMsg}: the request has no ${name} parameter`);
  });

  it(`gets ${subCode} too when ${name} is sent empty`, async () => {
    expect((await send(requestWith({ [name]: '' }))).sub_code).toBe(subCode);
  });
});

describe('a request without sign', () => {
  it('gets 40001 isv.missing-signature', async () => {
    const request = signedRequest(requestWith({}));
    const unsigned = { ...request, path: request.path.replace(/&sign=[^&]*/, '') };
    expect(unsigned.path).not.toContain('sign=');
    const node = nodeOf(await postForm(sandbox(), unsigned));
    expect(node).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
  });
});

describe.each([
  ['app_id', 32, 'isv.invalid-app-id', '40002'],
  ['method', 128, 'isv.invalid-method', '40002'],
  ['format', 40, 'isv.invalid-format', '40002'],
  ['charset', 10, 'isv.invalid-charset', '40002'],
  ['sign_type', 10, 'isv.invalid-signature-type', '40002'],
  ['timestamp', 19, 'isv.invalid-timestamp', '40002'],
  ['version', 3, 'isv.invalid-parameter', '40002'],
  ['app_auth_token', 40, 'aop.invalid-app-auth-token', '20001'],
])('%s longer than its %i characters', (name, maxLength, subCode, code) => {
  it(`gets ${code} ${subCode}`, async () => {
    const node = await send(requestWith({ [name]: 'x'.repeat(maxLength + 1) }));
    expect(node).toMatchObject({ code, sub_code: subCode });
  });
});

describe('sign longer than 344 characters (an RSA-2048 signature is exactly 344)', () => {
  it('gets 40002 isv.invalid-signature', async () => {
    const request = signedRequest(requestWith({}));
    const padded = { ...request, path: request.path.replace(/&sign=([^&]*)/, (_m, s: string) => `&sign=${s}${'A'.repeat(4)}`) };
    const node = nodeOf(await postForm(sandbox(), padded));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(node.sub_msg).toContain('at most 344');
  });
});

describe('public parameters with values the table does not allow', () => {
  it.each([
    ['sign_type', 'MD5', 'isv.invalid-signature-type', 'RSA2 or RSA'],
    ['format', 'XML', 'isv.invalid-format', 'JSON'],
    ['version', '2.0', 'isv.invalid-parameter', '1.0'],
    ['timestamp', '2024/05/13 17:49:20', 'isv.invalid-timestamp', 'yyyy-MM-dd HH:mm:ss'],
    ['charset', 'latin1', 'isv.invalid-charset', 'utf-8, gbk or gb2312'],
  ])('%s=%s gets %s naming what is accepted', async (name, value, subCode, accepted) => {
    const node = await send(requestWith({ [name]: value }));
    expect(node.sub_code).toBe(subCode);
    expect(node.sub_msg).toContain(accepted);
  });

  it('a timestamp that is not a real date gets isv.invalid-timestamp', async () => {
    const node = await send(requestWith({ timestamp: '2026-02-30 10:00:00' }));
    expect(node.sub_code).toBe('isv.invalid-timestamp');
  });
});

describe('the timestamp window (default ±15 minutes)', () => {
  const minutes = (n: number) => n * 60_000;

  it('accepts local time 14 minutes behind', async () => {
    expect((await send(requestWith({ timestamp: formatLocalTimestamp(Date.now() - minutes(14)) }))).code).toBe('10000');
  });

  it('refuses local time 16 minutes behind or ahead with isv.invalid-timestamp', async () => {
    for (const offset of [-16, 16]) {
      const node = await send(requestWith({ timestamp: formatLocalTimestamp(Date.now() + minutes(offset)) }));
      expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-timestamp' });
      expect(node.sub_msg).toContain('allowed skew is 15 minutes');
    }
  });

  it('accepts GMT+8 wall-clock time, as Java SDKs send it, whatever the sandbox machine\'s zone', async () => {
    const gmt8 = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect((await send(requestWith({ timestamp: gmt8 }))).code).toBe('10000');
  });

  it('is off when the window is 0: a timestamp from 2014 is accepted', async () => {
    expect((await send(requestWith({ timestamp: '2014-07-24 03:07:50' }), noSkewCheck)).code).toBe('10000');
    expect((await send(requestWith({ timestamp: '2014-07-24 03:07:50' }))).sub_code).toBe('isv.invalid-timestamp');
  });
});
