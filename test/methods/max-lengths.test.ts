/**
 * Every maximum length in the seed pages' request tables, tested at the maximum (accepted as far as
 * length goes) and one past it (refused with the method's documented answer, naming the field).
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { detailOf, nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();

/** The 最大长度 column of each page's 请求参数 table. */
const PAGE_MAX_LENGTHS: Record<SeedMethod, Record<string, number>> = {
  'zhima.customer.certification.material.certify': {
    transaction_id: 32, product_code: 32, biz_code: 32, identity_param: 204800, materials: 204800,
    merchant_config: 1024, ext_biz_param: 2048, linked_merchant_id: 16,
  },
  'alipay.user.auth.zhimaper.inner.apply': { cert_no: 32, cert_type: 32, name: 16, mobile: 16, linked_merchant_id: 16 },
  'alipay.user.certify.open.initialize': { outer_order_no: 32, biz_code: 32, identity_param: 4096, merchant_config: 4096, face_contrast_picture: 1048576 },
  'alipay.security.risk.verifyidentity.apply': {
    biz_id: 128, account_name: 128, account_id: 128, account_type: 32, validate_product_group: 10000, scene_code: 128, biz_params: 5000,
  },
  'zhima.auth.info.authquery': { identity_param: 128, identity_type: 10, auth_category: 10 },
};

/** What one character too many gets, per method (where the page has a fitting code). */
const OVER_LENGTH_ANSWER: Record<SeedMethod, (field: string) => Record<string, string>> = {
  'zhima.customer.certification.material.certify': () => ({ code: '40004', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' }),
  'alipay.user.auth.zhimaper.inner.apply': () => ({ code: '40002', sub_code: 'isv.invalid-parameter' }),
  'alipay.user.certify.open.initialize': () => ({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' }),
  'alipay.security.risk.verifyidentity.apply': (field): Record<string, string> =>
    field === 'validate_product_group'
      ? { code: '40004', sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数validate_product_group包含的产品参数错误' }
      : { code: '40002', sub_code: 'isv.invalid-parameter' },
  'zhima.auth.info.authquery': () => ({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT', sub_msg: '参数不合法' }),
};


/** A value of exactly `length` characters: JSON fields keep their JSON, padded with whitespace. */
function valueOfLength(base: string | undefined, length: number): string {
  if (base !== undefined && /^\s*[{[]/.test(base)) return base.padEnd(length, ' ');
  return 'a'.repeat(length);
}

async function send(method: SeedMethod, field: string, length: number) {
  const biz = { ...VALID_REQUESTS[method], [field]: valueOfLength(VALID_REQUESTS[method][field], length) };
  const answer = await postForm(sandbox(), signedRequest({ ...publicParams(method), biz_content: JSON.stringify(biz) }));
  return { node: nodeOf(answer), detail: detailOf(answer) };
}

const FIELDS = Object.entries(PAGE_MAX_LENGTHS).flatMap(([method, fields]) =>
  Object.entries(fields).map(([field, max]) => [method as SeedMethod, field, max] as const),
);

describe('the schemas hold every maximum length of the pages\' tables', () => {
  it('and no other', () => {
    const seedMethods = SUPPORTED_METHODS.filter((d) => d.name in PAGE_MAX_LENGTHS);
    expect(seedMethods).toHaveLength(5);
    const fromSchemas = seedMethods.flatMap((d) =>
      Object.entries(d.bizContentSchema.properties as Record<string, { maxLength?: number }>)
        .filter(([, schema]) => schema.maxLength !== undefined)
        .map(([field, schema]) => `${d.name} ${field} ${schema.maxLength}`),
    );
    expect(fromSchemas.sort()).toEqual(FIELDS.map(([m, f, max]) => `${m} ${f} ${max}`).sort());
  });
});

describe.each(FIELDS)('%s %s (max %i)', (method, field, max) => {
  it('at the maximum is not refused for its length', async () => {
    const { detail } = await send(method, field, max);
    expect(detail).not.toContain('longer than');
  });

  it('one character over is refused with the method\'s answer, naming the field', async () => {
    const { node, detail } = await send(method, field, max + 1);
    expect(node).toMatchObject(OVER_LENGTH_ANSWER[method](field));
    expect(detail).toContain(`${field} is longer than ${max} characters`);
  });
});
