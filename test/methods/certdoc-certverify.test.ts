/**
 * 实名证件信息比对验证 end to end with the real alipay-sdk against a running sandbox: the person agrees
 * on the OAuth page (scope id_verify, an auth_code through the admin core), the app exchanges the code
 * with alipay.system.oauth.token, preconsults the elements the person gave it, and consult, sent with
 * the access token as auth_token, answers whether they are the person's own. Refusals of the token, of
 * the verify_id (unknown, past its 2 hours), of bad elements, and the same calls over OpenAPI v3.
 */
import { readFileSync } from 'node:fs';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import type { Person } from '../../mock-server/core/state/sandbox-store.js';
import { reset, useScenario } from '../support/admin-client.js';
import { moveClock } from '../support/admin-state.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const PRECONSULT = 'alipay.user.certdoc.certverify.preconsult';
const CONSULT = 'alipay.user.certdoc.certverify.consult';

const sandbox = useSandbox();

function person(index = 0): Person {
  return sandbox().admin.identities().identities[index]!;
}

/** The person agrees with `scope`, the app exchanges the code: the access_token. */
async function accessToken(who: Person, scope = 'id_verify'): Promise<string> {
  const issued = await sandbox().admin.issueAuthCode({ app_id: DEFAULT_APP_ID, user_id: who.user_id, scope });
  const token = await sdkFor(sandbox()).exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: issued.auth_code }, { validateSign: true });
  return token.access_token as string;
}

const ownElements = (who: Person) => ({ user_name: who.name, cert_type: 'IDENTITY_CARD', cert_no: who.cert_no, mobile: who.mobile });

async function preconsult(elements: Record<string, string>): Promise<string> {
  const node = await execSigned(sandbox(), PRECONSULT, elements);
  expect(node).toMatchObject({ code: '10000', verify_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  return node.verify_id as string;
}

async function consult(verifyId: string, authToken: string): Promise<Record<string, unknown>> {
  const { traceId: _traceId, ...node } = await sdkFor(sandbox()).exec(CONSULT, { bizContent: { verify_id: verifyId }, authToken }, { validateSign: true });
  return node;
}

describe('consult end to end: auth code → token → preconsult → consult', () => {
  it('the person\'s own elements: passed T, without fail_reason or fail_params', async () => {
    const who = person();
    const token = await accessToken(who);
    expect(await consult(await preconsult(ownElements(who)), token)).toEqual({ code: '10000', msg: 'Success', passed: 'T' });
  });

  it('another name: passed F, 姓名不一致, ["user_name"]', async () => {
    const who = person();
    const token = await accessToken(who);
    const verifyId = await preconsult({ ...ownElements(who), user_name: `${who.name}某` });
    expect(await consult(verifyId, token)).toEqual({ code: '10000', msg: 'Success', passed: 'F', fail_reason: '姓名不一致', fail_params: '["user_name"]' });
  });

  it('another person\'s elements under this person\'s token: every differing field listed', async () => {
    const token = await accessToken(person(0));
    const other = person(1);
    const answer = await consult(await preconsult(ownElements(other)), token);
    expect(answer).toMatchObject({ passed: 'F', fail_reason: '姓名、证件号、手机号不一致' });
    expect(JSON.parse(answer.fail_params as string)).toEqual(['user_name', 'cert_no', 'mobile']);
  });

  it('a logon_id is the person\'s mobile; a lower-case check character matches', async () => {
    const who = person();
    const token = await accessToken(who);
    const verifyId = await preconsult({ user_name: who.name, cert_type: 'IDENTITY_CARD', cert_no: who.cert_no.toLowerCase(), logon_id: who.mobile });
    expect(await consult(verifyId, token)).toMatchObject({ passed: 'T' });
    expect(await consult(await preconsult({ ...ownElements(who), logon_id: 'someone@example.com' }), token)).toMatchObject({ passed: 'F', fail_params: '["logon_id"]' });
  });
});

describe('consult refusals', () => {
  it('no token, an unknown token, and a token of scope auth_base', async () => {
    const who = person();
    const verifyId = await preconsult(ownElements(who));
    expect(await execSigned(sandbox(), CONSULT, { verify_id: verifyId })).toMatchObject({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-auth-token', sub_msg: '无效的访问令牌' });
    expect(await consult(verifyId, '20240101ffffffffffffffffffffffffffffffff')).toMatchObject({ code: '20001', sub_code: 'aop.invalid-auth-token' });
    expect(await consult(verifyId, await accessToken(who, 'auth_base'))).toMatchObject({ code: '40006', msg: 'Insufficient Permissions', sub_code: 'isv.insufficient-user-permissions', sub_msg: '用户权限不足' });
  });

  it('a verify_id nobody issued or a malformed one (ILLEGAL_ARGUMENT), a missing one, and one past its 2 hours (校验信息已过期)', async () => {
    const who = person();
    const token = await accessToken(who);
    expect(await consult('0123456789abcdef0123456789abcdef', token)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT', sub_msg: '参数不合法' });
    expect(await consult('x'.repeat(33), token)).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT' });
    const { traceId: _traceId, ...missing } = await sdkFor(sandbox()).exec(CONSULT, { bizContent: {}, authToken: token }, { validateSign: true });
    expect(missing).toMatchObject({ code: '40004', sub_code: 'REQUIRED_PARAM_MISSING', sub_msg: '缺少必填参数' });
    const verifyId = await preconsult(ownElements(who));
    await moveClock(sandbox(), { advance_ms: 2 * 3600_000 + 1 });
    try {
      expect(await consult(verifyId, token)).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'IDENTITY_VERIFY_CACHE_EXPIRED', sub_msg: '校验信息已过期' });
    } finally {
      await moveClock(sandbox(), { advance_ms: -(2 * 3600_000 + 1) });
    }
  });

  it.each([
    ['a missing name', { user_name: undefined }, 'REQUIRED_PARAM_MISSING', '缺少必填参数'],
    ['an empty cert_no', { cert_no: '' }, 'REQUIRED_PARAM_MISSING', '缺少必填参数'],
    ['another cert_type', { cert_type: 'PASSPORT' }, 'CERT_TYPE_INVALID', '证件类型不支持'],
    ['a cert_no that is no resident ID', { cert_no: '330106197909275964' }, 'ILLEGAL_ARGUMENT', '参数不合法'],
    ['ext_info that is no JSON', { ext_info: '{not json' }, 'ILLEGAL_ARGUMENT', '参数不合法'],
  ])('preconsult refuses %s with %s', async (_what, change: Record<string, string | undefined>, subCode, subMsg) => {
    const request = Object.fromEntries(Object.entries({ ...ownElements(person()), ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    expect(await execSigned(sandbox(), PRECONSULT, request)).toMatchObject({ code: '40004', sub_code: subCode, sub_msg: subMsg });
  });

  it.each([
    [PRECONSULT, 'SYSTEM_ERROR'],
    [CONSULT, 'IDENTITY_VERIFY_CACHE_EXPIRED'],
  ])('%s answers %s under its shipped scenario', async (method, subCode) => {
    const scenario: unknown = parseYaml(readFileSync(`scenarios/business-errors/${method}/${subCode}.yaml`, 'utf8'));
    await useScenario(sandbox(), DEFAULT_APP_ID, scenario);
    try {
      const request = method === PRECONSULT ? ownElements(person()) : { verify_id: '0123456789abcdef0123456789abcdef' };
      expect(await execSigned(sandbox(), method, request)).toMatchObject({ code: '40004', sub_code: subCode });
    } finally {
      await reset(sandbox());
    }
  });
});

describe('over OpenAPI v3', () => {
  const v3 = () => new AlipaySdk({ appId: DEFAULT_APP_ID, privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'), alipayPublicKey: sandbox().alipayPublicKeyPem, endpoint: sandbox().url });

  it('POST preconsult, then GET consult with auth_token and verify_id in the query', async () => {
    const who = person();
    const token = await accessToken(who);
    const started = await v3().curl<{ verify_id: string }>('POST', '/v3/alipay/user/certdoc/certverify/preconsult', { body: ownElements(who) });
    const answer = await v3().curl<{ passed: string }>('GET', '/v3/alipay/user/certdoc/certverify/consult', { query: { auth_token: token, verify_id: started.data.verify_id } });
    expect(answer.data).toEqual({ passed: 'T' });
  });

  it('an unknown verify_id is a 4xx with its code', async () => {
    const token = await accessToken(person());
    const error = await v3()
      .curl('GET', '/v3/alipay/user/certdoc/certverify/consult', { query: { auth_token: token, verify_id: '0123456789abcdef0123456789abcdef' } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AlipayRequestError);
    expect(error).toMatchObject({ code: 'ILLEGAL_ARGUMENT' });
  });
});
