/**
 * zhima.customer.certification.query (芝麻认证查询): the result of a biz_no, passed "true" or "false".
 * Source: reference §8 (no seed page).
 */
import { queryCertification, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统繁忙,请稍后再试' },
  { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '根据错误码描述修改入参后再重试' },
]);

const bizContentSchema = singleIdSchema('biz_no');

export const zhimaCustomerCertificationQuery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'zhima.customer.certification.query',
  title: '芝麻认证查询',
  bizContentSchema,
  businessErrors: errors.rows,
  // Alone, the biz_no is one nobody issued (a documented refusal); the state's biz_no makes it a success.
  exampleCall: {
    request: { biz_no: 'ZM201612013000000393900404029253' },
    needs: { state: 'a certification was started', params: { flow: 'zhima', order_no: 'ZHIMA201610252323000001' }, field: 'biz_no' },
  },
  responseFields: {
    passed: { type: 'string', enum: ['true', 'false'] },
    failed_reason: { type: 'string', optional: true },
    identity_info: { type: 'string', optional: true },
    attribute_info: { type: 'string', optional: true },
    channel_statuses: { type: 'string', optional: true },
  },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    // The family answers an old biz_no, so the only refusal is an unknown one.
    const answer = queryCertification(context, ZHIMA_CERTIFICATION, bizContent.biz_no);
    if ('refused' in answer) return refused(errors.refusal('INVALID_PARAMETER', answer.detail));
    const { certification, passed, finished, identity_info, fail_reason } = answer.result;
    return success({
      passed: passed ? 'true' : 'false',
      ...(fail_reason ? { failed_reason: fail_reason } : {}),
      identity_info,
      attribute_info: '{}',
      channel_statuses: finished ? JSON.stringify([{ channel_type: certification.biz_code, success: passed }]) : '[]',
    });
  },
});
