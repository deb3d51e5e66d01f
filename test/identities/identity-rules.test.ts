/**
 * The identity rules Alipay documents, and nothing more: a resident ID number's region must be a real
 * province and prefecture (GB/T 2260), and inner.apply's name, ID number and mobile must match the
 * member's ("需要对姓名、身份账号、手机号和支付宝实名认证信息作匹配,否则授权失败"), in either world. The
 * pages give names and mobiles no format beyond their maximum length (16), so none is checked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { REGION_CODES } from '../../fixtures/identities/region-codes.js';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import { isDivisionPrefix } from '../../mock-server/core/identity/division-prefixes.js';
import { loadFixturePeople } from '../../mock-server/files/fixture-people.js';
import { describeResidentIdProblem, residentIdCheckCharacter, residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { adminOf, answered, reset, useScenario } from '../support/admin-client.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

/** A number with a right check character, on any first 17 digits. */
const withCheck = (first17: string) => first17 + residentIdCheckCharacter(first17);

describe('the region code of a resident ID number', () => {
  it.each([
    ['1101', 'Beijing, Dongcheng and its districts'],
    ['3301', 'Hangzhou'],
    ['5001', 'Chongqing (a province-level city since 1997)'],
    ['3414', 'Chaohu, a prefecture abolished in 2011: numbers issued there are still real'],
    ['8100', 'Hong Kong residents\' residence permits'],
    ['8300', 'Taiwan residents\' residence permits'],
  ])('%s passes (%s)', (prefix) => {
    expect(residentIdProblem(withCheck(`${prefix}0119900101001`))).toBeUndefined();
  });

  it.each([
    ['2601', 'the API pages\' own example number starts so: 26 is no province'],
    ['0001', 'no province 00'],
    ['9901', 'no province 99'],
    ['1199', 'Beijing has no prefecture 99'],
    ['7201', 'Taiwan is 71 only'],
  ])('%s is refused (%s), and the reason names the prefix', (prefix) => {
    const certNo = withCheck(`${prefix}0119900101001`);
    expect(residentIdProblem(certNo)).toBe('region');
    expect(describeResidentIdProblem('cert_no', certNo, 'region')).toContain(`starts with ${prefix}, which is no province and prefecture of GB/T 2260`);
  });

  it('every region the synthetic identities use, every fixture person and every magic identity passes', () => {
    for (const [code] of REGION_CODES) expect(isDivisionPrefix(code.slice(0, 4)), code).toBe(true);
    for (const person of loadFixturePeople()) expect(residentIdProblem(person.cert_no), person.cert_no).toBeUndefined();
    for (const magic of MAGIC_IDENTITIES) expect(residentIdProblem(magic.cert_no), magic.cert_no).toBeUndefined();
  });

  it('is checked by the methods and the admin API: CERTNO_WRONG, ILLEGAL_ARGUMENT_FORMAT, NO_USER_ERROR, a 400', async () => {
    const certNo = withCheck('26010419900101001');
    const authquery = await execSigned(sandbox(), 'zhima.auth.info.authquery', { identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: '张三', certNo }) });
    expect(authquery).toMatchObject({ sub_code: 'CERTNO_WRONG' });
    const innerApply = await execSigned(sandbox(), 'alipay.user.auth.zhimaper.inner.apply', { cert_no: certNo, cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' });
    expect(innerApply).toMatchObject({ sub_code: 'NO_USER_ERROR' });
    const added = await answered(adminOf(sandbox()).addIdentity({ name: '张三', cert_no: certNo, mobile: '13588111111' }));
    expect(added.status).toBe(400);
  });
});

describe('inner.apply matches name, ID number and mobile against the member', () => {
  const apply = (person: { cert_no: string; name: string; mobile: string }) =>
    execSigned(sandbox(), 'alipay.user.auth.zhimaper.inner.apply', { cert_no: person.cert_no, cert_type: 'IDENTITY_CARD', name: person.name, mobile: person.mobile });
  const [person] = loadFixturePeople();

  it.each(['open', 'closed'] as const)('a known person with their own details is granted, in a %s world', async (members) => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { members, rules: [] });
    expect((await apply(person!)).code).toBe('10000');
  });

  it.each(['open', 'closed'] as const)('another name or mobile for a known number is NO_USER_ERROR, naming which, in a %s world', async (members) => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { members, rules: [] });
    const wrongName = await apply({ ...person!, name: `${person!.name}某` });
    expect(wrongName).toMatchObject({ code: '40004', sub_code: 'NO_USER_ERROR', sub_msg: '身份三要素不存在支付宝认证的个人会员' });
    const wrongMobile = await apply({ ...person!, mobile: '13000000000' });
    expect(wrongMobile).toMatchObject({ sub_code: 'NO_USER_ERROR' });
    const journal = sandbox().requests({ method: 'alipay.user.auth.zhimaper.inner.apply' });
    expect(journal.at(-2)?.response.detail).toMatch(/has another name \(/);
    expect(journal.at(-1)?.response.detail).toMatch(/has another mobile \(/);
  });

  it('in an open world a stranger is taken at their word once; the same number with another name later is not the same member', async () => {
    const stranger = { cert_no: withCheck('33010619851111001'), name: '陆远', mobile: '13911112222' };
    expect((await apply(stranger)).code).toBe('10000');
    expect((await apply(stranger)).code).toBe('10000');
    expect(await apply({ ...stranger, name: '陆近' })).toMatchObject({ sub_code: 'NO_USER_ERROR' });
  });
});
