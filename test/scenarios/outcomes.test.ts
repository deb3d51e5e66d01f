/**
 * Every outcome kind a scenario can choose, seen through the real alipay-sdk (validateSign on) where
 * the SDK can express it, and through a raw HTTP client for the faults it cannot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { journal, reset, useScenario } from '../support/admin-client.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const MATERIAL = 'zhima.customer.certification.material.certify';
const INNER_APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const VERIFY = 'alipay.security.risk.verifyidentity.apply';
const AUTHQUERY = 'zhima.auth.info.authquery';

function oneRule(outcome: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { rules: [{ name: 'under test', outcome, ...extra }] };
}

function rawRequest(method: keyof typeof VALID_REQUESTS) {
  return signedRequest({ ...publicParams(method), biz_content: JSON.stringify(VALID_REQUESTS[method]) });
}

describe('normal behaviour with field overrides', () => {
  it('answers passed "false" with the given failed_reason, the rest as normal, signed', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ normal: { passed: 'false', failed_reason: '人脸比对不一致' } }, { match: { method: MATERIAL } }));
    const node = await execSigned(sandbox(), MATERIAL, VALID_REQUESTS[MATERIAL]);
    expect(node).toMatchObject({ code: '10000', passed: 'false', failed_reason: '人脸比对不一致' });
    expect(node.biz_no).toMatch(/^ZM\d{30}$/);
  });

  it('removes a field overridden with null', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ normal: { authorized: false, open_id: null } }, { match: { method: AUTHQUERY } }));
    expect(await execSigned(sandbox(), AUTHQUERY, VALID_REQUESTS[AUTHQUERY])).toEqual({ code: '10000', msg: 'Success', authorized: false });
  });
});

describe('a documented business error', () => {
  it('is answered by its code with msg and sub_msg from the method\'s page', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ business_error: 'NO_USER_ERROR' }, { match: { method: INNER_APPLY } }));
    expect(await execSigned(sandbox(), INNER_APPLY, VALID_REQUESTS[INNER_APPLY])).toEqual({
      code: '40004',
      msg: 'Business Failed',
      sub_code: 'NO_USER_ERROR',
      sub_msg: '身份三要素不存在支付宝认证的个人会员',
    });
  });

  it('takes the row sub_msg names where the page lists a code several times', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ business_error: 'USABLE_QUERY_FAIL', sub_msg: '参数scene_code为空' }, { match: { method: VERIFY } }));
    expect(await execSigned(sandbox(), VERIFY, VALID_REQUESTS[VERIFY])).toMatchObject({ sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数scene_code为空' });
  });
});

describe('a public (gateway) error', () => {
  it.each([
    ['isp.unknow-error', '系统繁忙', '20000', 'Service Currently Unavailable', '系统繁忙'],
    ['aop.invalid-auth-token', undefined, '20001', 'Insufficient Token Permissions', '无效的访问令牌'],
    ['isv.missing-signature-key', undefined, '40001', 'Missing Required Arguments', '缺少签名配置'],
    ['isv.invalid-encrypt', undefined, '40002', 'Invalid Arguments', '解密异常'],
    ['isv.missing-signature-config', undefined, '40003', 'Insufficient Conditions', '应用未配置对应签名算法的公钥或者证书'],
    ['isv.insufficient-isv-permissions', undefined, '40006', 'Insufficient Permissions', 'ISV权限不足'],
  ])('%s is answered as code %s, signed', async (subCode, subMsg, code, msg, expectedSubMsg) => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule(subMsg ? { public_error: subCode, sub_msg: subMsg } : { public_error: subCode }));
    expect(await execSigned(sandbox(), AUTHQUERY, VALID_REQUESTS[AUTHQUERY])).toEqual({ code, msg, sub_code: subCode, sub_msg: expectedSubMsg });
  });
});

describe('delays', () => {
  it('a fixed delay holds the answer at least that long', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ normal: {} }, { delay_ms: 400 }));
    const started = performance.now();
    expect((await execSigned(sandbox(), AUTHQUERY, VALID_REQUESTS[AUTHQUERY])).code).toBe('10000');
    expect(performance.now() - started).toBeGreaterThanOrEqual(395);
  });

  it('a range draws each delay from within it', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ normal: {} }, { delay_ms: [20, 60] }));
    for (let i = 0; i < 5; i++) await postForm(sandbox(), rawRequest(AUTHQUERY));
    const delays = (await journal(sandbox(), { method: AUTHQUERY })).map((e) => e.delay_ms);
    expect(delays).toHaveLength(5);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(60);
    }
  });
});

describe('faults', () => {
  it('http_status answers that status with the load balancer\'s HTML; the SDK reports it', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ http_status: 502 }));
    const response = await fetch(sandbox().url + rawRequest(AUTHQUERY).path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: rawRequest(AUTHQUERY).body });
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
    await expect(sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] })).rejects.toThrow(/status: 502/);
  });

  it.each([
    ['connection-reset', /ECONNRESET/],
    ['connection-close', /other side closed|socket hang up|SocketError/],
  ])('%s ends the connection with no answer', async (fault, raw) => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ fault }));
    const request = rawRequest(AUTHQUERY);
    const error = await fetch(sandbox().url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body }).then(
      () => undefined,
      (e: Error & { cause?: Error & { code?: string } }) => e,
    );
    expect(error).toBeDefined();
    expect(`${error!.cause?.code ?? ''} ${error!.cause?.message ?? ''} ${error!.cause?.name ?? ''}`).toMatch(raw);
    await expect(sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] })).rejects.toThrow(/HttpClient Request error/);
  });

  it('malformed-json cuts the envelope short; the SDK cannot parse it', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ fault: 'malformed-json' }));
    const answer = await fetch(sandbox().url + rawRequest(AUTHQUERY).path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: rawRequest(AUTHQUERY).body });
    const text = await answer.text();
    expect(answer.status).toBe(200);
    expect(text.startsWith('{"zhima_auth_info_authquery_response":{')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    await expect(sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] })).rejects.toThrow(/Response 格式错误/);
  });

  it('missing-sign sends the normal node without sign; a verifying client refuses it', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ fault: 'missing-sign' }));
    const answer = await postForm(sandbox(), rawRequest(AUTHQUERY));
    expect(Object.keys(answer.json)).toEqual(['zhima_auth_info_authquery_response']);
    expect((answer.json.zhima_auth_info_authquery_response as Record<string, string>).code).toBe('10000');
    await expect(sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] }, { validateSign: true })).rejects.toThrow();
  });

  it('wrong-sign sends a well-formed sign that does not verify; the SDK says 验签失败', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, oneRule({ fault: 'wrong-sign' }));
    const answer = await postForm(sandbox(), rawRequest(AUTHQUERY));
    expect(answer.json.sign).toMatch(/^[A-Za-z0-9+/]{342}==$/);
    await expect(sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] }, { validateSign: true })).rejects.toThrow(/验签失败/);
    // Without checking, the SDK reads an ordinary success: the fault is only in the signature.
    expect((await sdkFor(sandbox()).exec(AUTHQUERY, { bizContent: VALID_REQUESTS[AUTHQUERY] })).code).toBe('10000');
  });
});

describe('the journal records which rule chose each outcome', () => {
  it('names the scenario and the rule, and the fault', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ name: 'reset them', match: { method: AUTHQUERY }, outcome: { fault: 'connection-reset' } }] });
    await fetch(sandbox().url + rawRequest(AUTHQUERY).path, { method: 'POST', body: rawRequest(AUTHQUERY).body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).catch(() => undefined);
    const [entry] = await journal(sandbox(), { method: AUTHQUERY });
    expect(entry).toMatchObject({
      app_id: DEFAULT_APP_ID,
      rule: { source: `PUT /__admin/apps/${DEFAULT_APP_ID}/scenario`, index: 0, name: 'reset them' },
      response: { fault: 'connection-reset' },
    });
  });
});
