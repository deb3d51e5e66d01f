/**
 * alipay.user.certify.open.query (身份认证记录查询): the result of a certify_id. passed is "T" once the
 * person passed, and "F" otherwise, including before they tried ("F认证不通过或者还没有认证").
 * Source: reference §8 (no seed page).
 */
import { defineApiMethod, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';
import { findCertification, identityInfo } from './certification-records.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值' },
]);

const bizContentSchema = singleIdSchema('certify_id');

export const alipayUserCertifyOpenQuery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certify.open.query',
  openApi: 'GET',
  title: '身份认证记录查询',
  bizContentSchema,
  businessErrors: errors.rows,
  responseFields: {
    passed: { type: 'string', enum: ['T', 'F'] },
    identity_info: { type: 'string', optional: true },
    material_info: { type: 'string', optional: true },
    fail_reason: { type: 'string', optional: true },
  },
  schemaFailureRules: [{ field: 'certify_id', on: 'any', subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST' }],
  handle(bizContent, context) {
    const lookup = findCertification(context, 'certify-open', bizContent.certify_id);
    if ('missing' in lookup) return refused(errors.refusal('OPEN_CERTIFY_BILL_NOT_EXIST', lookup.missing));
    const certification = lookup.found;
    const passed = certification.status === 'PASSED';
    return success({
      passed: passed ? 'T' : 'F',
      identity_info: passed ? identityInfo(certification) : '{}',
      material_info: '{}',
      ...(certification.fail_reason ? { fail_reason: certification.fail_reason } : {}),
    });
  },
});
