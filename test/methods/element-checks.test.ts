/**
 * The element checks (身份证二要素核验, 手机号三要素核验简版 / 详版) with the real alipay-sdk against a
 * running sandbox: a fixture person's own elements match, another name or mobile does not, a closed
 * world knows nobody else, and SYSTEM_ERROR comes by its shipped scenario and by the magic identity 忙碌.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import { reset, useScenario } from '../support/admin-client.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const TWO_META = 'datadigital.fincloud.generalsaas.twometa.check';
const SIMPLE = 'datadigital.fincloud.generalsaas.mobilethreemeta.simple.check';
const DETAIL = 'datadigital.fincloud.generalsaas.mobilethreemeta.detail.check';

/** A fixture person: 戴乙萍, on a 156 number (联通). */
const PERSON = { cert_name: '戴乙萍', cert_no: '330203195001030308', phone: '15646280645' };

function request(method: string, elements: Partial<typeof PERSON> = {}): Record<string, string> {
  const { phone, ...twoElements } = { ...PERSON, ...elements };
  const base = { outer_biz_no: 'CHECK0001', ...twoElements };
  if (method === TWO_META) return { ...base, cert_type: 'IDENTITY_CARD' };
  return method === SIMPLE ? { ...base, cert_type: 'IDENTITY_CARD', phone } : { ...base, phone };
}

function magic(name: string) {
  return MAGIC_IDENTITIES.find((identity) => identity.name === name)!;
}

function shippedScenario(method: string, code: string): unknown {
  return parseYaml(readFileSync(new URL(`../../scenarios/business-errors/${method}/${code}.yaml`, import.meta.url), 'utf8'));
}

describe(TWO_META, () => {
  it('matches a known person on their own name and ID number', async () => {
    const node = await execSigned(sandbox(), TWO_META, request(TWO_META));
    expect(node).toMatchObject({ code: '10000', msg: 'Success', match: 'T' });
    expect(node.certify_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers match "F" for another name on their ID number', async () => {
    expect(await execSigned(sandbox(), TWO_META, request(TWO_META, { cert_name: '张三' }))).toMatchObject({ code: '10000', match: 'F' });
  });

  it('answers match "F" for a malformed ID number, and isv.invalid-parameter for a missing one', async () => {
    expect(await execSigned(sandbox(), TWO_META, request(TWO_META, { cert_no: '330203195001030309' }))).toMatchObject({ code: '10000', match: 'F' });
    const { cert_no: _certNo, ...without } = request(TWO_META);
    expect(await execSigned(sandbox(), TWO_META, without)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
  });
});

describe.each([SIMPLE, DETAIL])('%s', (method) => {
  it('matches a known person on their own three elements, naming the carrier', async () => {
    const node = await execSigned(sandbox(), method, request(method));
    expect(node).toMatchObject({ code: '10000', match: 'T', isp: '联通', detail: '一致' });
    expect(node.certify_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('says which element differs', async () => {
    expect(await execSigned(sandbox(), method, request(method, { phone: '13900000000' }))).toMatchObject({ match: 'F', isp: '移动', detail: '手机号不一致' });
    expect(await execSigned(sandbox(), method, request(method, { cert_name: '张三', phone: '18900000000' }))).toMatchObject({ match: 'F', isp: '电信', detail: '姓名、手机号不一致' });
  });

  it('matches anyone well-formed in an open world, and nobody unknown in a closed one', async () => {
    const stranger = { cert_name: '李四', cert_no: '330106197909275965', phone: '13588111111' };
    expect(await execSigned(sandbox(), method, request(method, stranger))).toMatchObject({ match: 'T' });
    await useScenario(sandbox(), DEFAULT_APP_ID, { members: 'closed', rules: [] });
    expect(await execSigned(sandbox(), method, request(method, stranger))).toMatchObject({ match: 'F', detail: '查无记录' });
    expect(await execSigned(sandbox(), method, request(method))).toMatchObject({ match: 'T' });
  });

  it('refuses a phone that is not a mainland mobile number', async () => {
    expect(await execSigned(sandbox(), method, request(method, { phone: '12345' }))).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
  });
});

describe.each([TWO_META, SIMPLE, DETAIL])('%s business errors', (method) => {
  it('answers SYSTEM_ERROR by its shipped scenario', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, shippedScenario(method, 'SYSTEM_ERROR'));
    expect(await execSigned(sandbox(), method, request(method))).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙' });
  });

  it('answers SYSTEM_ERROR for the magic identity 忙碌, and a mismatch for 要素不符', async () => {
    const busy = magic('忙碌');
    const busyNode = await execSigned(sandbox(), method, request(method, { cert_name: busy.name, cert_no: busy.cert_no, phone: busy.mobile }));
    expect(busyNode).toMatchObject({ code: '40004', sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙' });
    const unlike = magic('要素不符');
    const unlikeNode = await execSigned(sandbox(), method, request(method, { cert_name: unlike.name, cert_no: unlike.cert_no, phone: unlike.mobile }));
    expect(unlikeNode).toMatchObject({ code: '10000', match: 'F' });
  });
});
