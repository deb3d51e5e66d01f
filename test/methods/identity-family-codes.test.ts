/**
 * The identity family's business codes: each method's table is its documented list (Alipay's v3 SDK
 * models' error-code enums, written out below from alipay/alipay-sdk-php-all v3/src/Model/*ErrorResponseModel.php),
 * every code is answered by its shipped scenario with the table's sub_msg, and the flow's own failures
 * (unknown, expired or malformed ids, an ID number of no person, a residence permit of another region)
 * come with the codes docs/identity-family.md pairs them with.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { residentIdCheckCharacter } from '../../mock-server/core/identity/resident-id.js';
import { documentedError } from '../../mock-server/core/methods/business-errors.js';
import { exampleRequest } from '../../mock-server/core/methods/method-examples.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { useScenario } from '../support/admin-client.js';
import { execAsDefined, sdkFor } from '../support/alipay-sdk-client.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();

const FACE = 'datadigital.fincloud.generalsaas.face';

/** Each method's documented codes, in the order of its v3 ErrorResponseModel's enum. */
const DOCUMENTED: Readonly<Record<string, readonly string[]>> = {
  [`${FACE}.certify.initialize`]: ['SYSTEM_ERROR', 'INVALID_PARAMETER', 'ARRANGEMENT_STATUS_ERROR', 'ACCOUNT_MONEY_LIMIT_ERROR', 'INVALID_SWITCH'],
  [`${FACE}.certify.verify`]: ['SYSTEM_ERROR', 'INVALID_PARAMETER'],
  [`${FACE}.certify.query`]: ['SYSTEM_ERROR', 'INVALID_PARAMETER', 'CERTIFY_ID_EXPIRED', 'OPEN_CERTIFY_BILL_NOT_EXIST', 'OPEN_CERTIFY_BILL_STATUS_ERROR'],
  [`${FACE}.verification.initialize`]: ['SYSTEM_ERROR', 'ILLEGAL_ARGUMENT_FORMAT', 'UNKNOWN_ERROR', 'INVALID_SWITCH', 'INVALID_CERT_INFO', 'INVALID_INPUT_IMAGE', 'OVER_RATE_LIMIT', 'ACCOUNT_MONEY_LIMIT_ERROR'],
  [`${FACE}.verification.query`]: ['UNKNOWN_ERROR', 'ILLEGAL_ARGUMENT_FORMAT', 'QUERY_INVALID_CERTIFYID', 'QUERY_CERTIFYID_EXPIRED', 'SYSTEM_ERROR', 'ACCOUNT_NOT_AVAILABLE', 'SDK_VERSION_NOT_SUPPORT'],
  [`${FACE}.check.initialize`]: ['SYSTEM_ERROR', 'ILLEGAL_ARGUMENT_FORMAT', 'UNKNOWN_ERROR', 'ACCOUNT_MONEY_LIMIT_ERROR', 'INVALID_SWITCH', 'FILE_SIZE_TO_LARGE'],
  [`${FACE}.check.query`]: ['SYSTEM_ERROR', 'INVALID_PARAMETER', 'QUERY_INVALID_CERTIFYID', 'QUERY_CERTIFYID_EXPIRED'],
  [`${FACE}.source.certify`]: ['SYSTEM_ERROR', 'ILLEGAL_ARGUMENT_FORMAT', 'UNKNOWN_ERROR', 'ACCOUNT_MONEY_LIMIT_ERROR', 'FILE_SIZE_TO_LARGE', 'INVALID_SWITCH'],
  'alipay.user.certdoc.certverify.preconsult': ['SYSTEM_ERROR', 'ILLEGAL_ARGUMENT', 'REQUIRED_PARAM_MISSING', 'GUARDIAN_LIMIT_ERROR', 'CERT_TYPE_INVALID'],
  'alipay.user.certdoc.certverify.consult': ['SYSTEM_ERROR', 'ILLEGAL_ARGUMENT', 'IDENTITY_VERIFY_CACHE_EXPIRED', 'REQUIRED_PARAM_MISSING', 'GUARDIAN_LIMIT_ERROR'],
  'alipay.user.info.share': ['SYSTEM_ERROR'],
  'alipay.system.oauth.token': ['isv.grant-type-invalid', 'isv.code-invalid', 'isv.refresh-token-invalid', 'isv.refresh-token-time-out', 'isv.refreshed-token-invalid', 'isv.unmatched-app-id', 'isp.unknow-error'],
};

/** Gateway codes (20001, 40006) a table also holds so that scenarios can choose them: not in the documented lists. */
const isGatewayRow = (code: string | undefined) => code === '20001' || code === '40006';

/** The methods of the family whose codes the sandbox chose, no list being found: their tables are the definitions' own. */
const CHOSEN = [
  'datadigital.fincloud.generalsaas.twometa.check',
  'datadigital.fincloud.generalsaas.mobilethreemeta.simple.check',
  'datadigital.fincloud.generalsaas.mobilethreemeta.detail.check',
  'alipay.security.risk.verifyidentity.initialize',
  'alipay.security.risk.verifyidentity.confirm',
];

const definitionOf = (method: string) => SUPPORTED_METHODS.find((d) => d.name === method)!;

describe('the identity family\'s tables', () => {
  it.each(Object.entries(DOCUMENTED))('%s answers exactly its documented codes', (method, codes) => {
    const table = definitionOf(method).businessErrors.filter((row) => !isGatewayRow(row.code));
    expect(table.map((row) => row.sub_code)).toEqual(codes);
  });
});

const CASES = [...Object.keys(DOCUMENTED), ...CHOSEN].flatMap((method) => definitionOf(method).businessErrors.map((row) => [method, row.sub_code, row.sub_msg] as const));

describe('each code of the family, by its shipped scenario', () => {
  it.each(CASES)('%s answers %s %s', async (method, subCode, subMsg) => {
    const definition = definitionOf(method);
    const scenario: unknown = parseYaml(readFileSync(`scenarios/business-errors/${method}/${subCode}.yaml`, 'utf8'));
    await useScenario(sandbox(), DEFAULT_APP_ID, scenario);
    try {
      const request = exampleRequest(definition);
      // alipay-sdk looks for a signature over the method's own node, so an error_response is read unchecked.
      const node = definition.envelope?.refusalsInErrorResponse ? await sdkFor(sandbox()).exec(method, request) : await execAsDefined(sandbox(), definition, request);
      const { code, msg } = documentedError(definition.businessErrors.find((row) => row.sub_code === subCode)!);
      expect(node).toMatchObject({ code, msg, sub_code: subCode, sub_msg: subMsg });
    } finally {
      await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [] });
    }
  });
});

/** A resident ID number of `region` (six digits), born 1990-01-01. */
function numberOf(region: string): string {
  const first17 = `${region}19900101123`;
  return first17 + residentIdCheckCharacter(first17);
}

const NOBODYS_ID = 'ffffffffffffffffffffffffffffffff';

async function call(method: string, request: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  return execAsDefined(sandbox(), definitionOf(method), request);
}

describe('the flow\'s failures, answered with the documented codes', () => {
  it.each([
    [`${FACE}.certify.verify`, 'INVALID_PARAMETER', '参数有误'],
    [`${FACE}.certify.query`, 'OPEN_CERTIFY_BILL_NOT_EXIST', '无效的certify_id'],
    [`${FACE}.verification.query`, 'QUERY_INVALID_CERTIFYID', '无效的certify_id'],
    [`${FACE}.check.query`, 'QUERY_INVALID_CERTIFYID', '无效的certify_id'],
  ])('%s answers an id nobody issued with %s %s', async (method, subCode, subMsg) => {
    expect(await call(method, { certify_id: NOBODYS_ID })).toEqual({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });
  });

  it.each([
    [`${FACE}.certify.verify`, 'INVALID_PARAMETER'],
    [`${FACE}.certify.query`, 'INVALID_PARAMETER'],
    [`${FACE}.verification.query`, 'ILLEGAL_ARGUMENT_FORMAT'],
    [`${FACE}.check.query`, 'INVALID_PARAMETER'],
  ])('%s answers a malformed certify_id with %s', async (method, subCode) => {
    expect(await call(method, { certify_id: 'x'.repeat(33) })).toMatchObject({ code: '40004', sub_code: subCode });
  });

  it('the H5 initialize answers a cert_no that is no resident ID with INVALID_PARAMETER', async () => {
    const request = exampleRequest(definitionOf(`${FACE}.certify.initialize`));
    const identity = { ...JSON.parse(request.identity_param!), cert_no: '330106197909275964' };
    expect(await call(`${FACE}.certify.initialize`, { ...request, identity_param: JSON.stringify(identity) })).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
  });

  describe(`${FACE}.verification.initialize's cert_type`, () => {
    const request = (outerOrderNo: string, certType: string, certNo: string) => ({ ...exampleRequest(definitionOf(`${FACE}.verification.initialize`)), outer_order_no: outerOrderNo, cert_type: certType, cert_no: certNo });

    it.each([
      ['IDENTITY_CARD', numberOf('330106')],
      ['RESIDENCE_HK_MC', numberOf('810000')],
      ['RESIDENCE_HK_MC', numberOf('820000')],
      ['RESIDENCE_TAIWAN', numberOf('830000')],
    ])('takes %s with %s', async (certType, certNo) => {
      expect(await call(`${FACE}.verification.initialize`, request(`PERMIT${certNo}`, certType, certNo))).toMatchObject({ code: '10000', certify_id: expect.any(String) });
    });

    it.each([
      ['RESIDENCE_TAIWAN', numberOf('330106')],
      ['RESIDENCE_HK_MC', numberOf('830000')],
      ['IDENTITY_CARD', '330106197909275964'],
    ])('answers %s with %s, a number of another region or none, with INVALID_CERT_INFO', async (certType, certNo) => {
      const node = await call(`${FACE}.verification.initialize`, request(`PERMITBAD${certNo}`, certType, certNo));
      expect(node).toEqual({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_CERT_INFO', sub_msg: '证件信息无效' });
    });

    it('refuses a cert_type the model does not list with ILLEGAL_ARGUMENT_FORMAT', async () => {
      expect(await call(`${FACE}.verification.initialize`, request('PERMIT0001', 'PASSPORT', numberOf('330106')))).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
    });
  });
});
