/**
 * Each magic identity gets its documented answer from the real alipay-sdk with no scenario and no admin
 * call, and the docs' table of them is what the fixtures say.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAGIC_IDENTITIES, MAGIC_MISSING_USER_ID, type MagicAnswer } from '../../fixtures/identities/magic-identities.js';
import { blockFileOf } from '../../mock-server/build/docs-files.js';
import { generatedBlock } from '../../mock-server/build/generated-blocks.js';
import { magicIdentityTableMarkdown, MAGIC_TABLE_END, MAGIC_TABLE_START } from '../../mock-server/core/identity/magic-identity-table.js';
import { residentIdProblem } from '../../mock-server/core/identity/resident-id.js';
import { exampleRequest } from '../../mock-server/core/methods/method-examples.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { execAsDefined, execSigned } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();

/** The method's valid request, carrying this person in the field that method reads. */
function requestFor(method: SeedMethod, certNo: string, name: string): Record<string, string> {
  const definition = SUPPORTED_METHODS.find((d) => d.name === method)!;
  // Methods without a seed page answer their definition's example call with success.
  const base = { ...(VALID_REQUESTS[method] ?? exampleRequest(definition)) };
  const field = definition.identityField!;
  if (field === 'identity_param.certNo') return { ...base, identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name, certNo }) };
  if (field === 'identity_param.cert_no') {
    return { ...base, identity_param: JSON.stringify({ ...JSON.parse(base.identity_param!), cert_name: name, cert_no: certNo }) };
  }
  return { ...base, [field]: certNo };
}

function expectedNode(method: SeedMethod, answer: MagicAnswer): Record<string, unknown> {
  if ('normal' in answer) return answer.normal;
  const row = SUPPORTED_METHODS.find((d) => d.name === method)!.businessErrors.find((r) => r.sub_code === answer.business_error)!;
  return { code: '40004', msg: 'Business Failed', sub_code: row.sub_code, sub_msg: row.sub_msg };
}

const CASES = MAGIC_IDENTITIES.flatMap((identity) =>
  Object.entries(identity.answers).map(([method, answer]) => [identity.cert_no, identity.name, method as SeedMethod, answer] as const),
);

/** The property names anywhere in a schema, JSON text fields' own schemas included. */
function propertyNames(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const own = typeof node.properties === 'object' && node.properties !== null ? Object.keys(node.properties) : [];
  return [...own, ...Object.values(node).flatMap(propertyNames)];
}

/** The methods whose request carries a person's ID number, where magic identities can reach them. */
const IDENTITY_METHODS = SUPPORTED_METHODS.filter((d) => d.identityField);
const BUSY = MAGIC_IDENTITIES.find((identity) => identity.name === '忙碌')!;

describe('magic identities, with no scenario', () => {
  it('are real resident ID numbers, so only their magic sets them apart', () => {
    for (const identity of MAGIC_IDENTITIES) expect(residentIdProblem(identity.cert_no)).toBeUndefined();
  });

  it.each(CASES)('%s (%s) gets its documented answer from %s', async (certNo, name, method, answer) => {
    const node = await execAsDefined(sandbox(), SUPPORTED_METHODS.find((d) => d.name === method)!, requestFor(method, certNo, name));
    const expected = expectedNode(method, answer);
    if ('normal' in answer) {
      expect(node).toMatchObject({ code: '10000', ...Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== null)) });
      for (const [field, value] of Object.entries(expected)) if (value === null) expect(node).not.toHaveProperty(field);
    } else {
      expect(node).toEqual(expected);
    }
  });

  it(`userId ${MAGIC_MISSING_USER_ID} gets ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED`, async () => {
    const node = await execSigned(sandbox(), 'zhima.auth.info.authquery', { identity_type: '5', identity_param: JSON.stringify({ userId: MAGIC_MISSING_USER_ID }) });
    expect(node).toMatchObject({ sub_code: 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', sub_msg: '此支付宝账户ID不存在' });
  });

  it('cover every business code that input alone cannot cause', () => {
    const fromInput = new Set(['CERT_NO_IS_NULL', 'CERT_TYPE_IS_NULL', 'NAME_IS_NULL', 'MOBILE_IS_NULL', 'USABLE_QUERY_FAIL', 'ILLEGAL_ARGUMENT_FORMAT', 'INVALID_PARAMETER', 'UNSUPPORTED_BIZ_CODE', 'CERTNO_WRONG', 'ILLEGAL_ARGUMENT', 'NULL_ARGUMENT', 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', 'INVALID_CERT_INFO', 'REQUIRED_PARAM_MISSING', 'CERT_TYPE_INVALID', 'FILE_SIZE_TO_LARGE']);
    const magic = new Set(CASES.flatMap(([, , method, answer]) => ('business_error' in answer ? [`${method} ${answer.business_error}`] : [])));
    for (const definition of IDENTITY_METHODS) {
      for (const row of definition.businessErrors) {
        if (!fromInput.has(row.sub_code)) expect(magic, `${definition.name} ${row.sub_code}`).toContain(`${definition.name} ${row.sub_code}`);
      }
    }
  });

  it('reach every method whose request carries an ID number: its definition names the field', () => {
    const carrying = SUPPORTED_METHODS.filter((d) => propertyNames(d.bizContentSchema).some((name) => name === 'cert_no' || name === 'certNo'));
    for (const definition of carrying) expect(definition.identityField, definition.name).toBeDefined();
  });

  it(`${BUSY.name} gets SYSTEM_ERROR from every method that carries an ID number and documents it`, () => {
    const documenting = IDENTITY_METHODS.filter((d) => d.businessErrors.some((row) => row.sub_code === 'SYSTEM_ERROR'));
    for (const definition of documenting) expect(BUSY.answers[definition.name], definition.name).toEqual({ business_error: 'SYSTEM_ERROR' });
  });

  it('are listed in the docs as the fixtures say (run `npm run docs` when this fails)', () => {
    const page = readFileSync(new URL(`../../${blockFileOf(MAGIC_TABLE_START)}`, import.meta.url), 'utf8');
    expect(generatedBlock(page, MAGIC_TABLE_START, MAGIC_TABLE_END)).toBe(magicIdentityTableMarkdown());
  });
});
