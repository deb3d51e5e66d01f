/**
 * zhima.customer.certification.query (芝麻认证查询): the result of a biz_no, passed "true" or "false".
 * Source: reference §8 (no seed page).
 */
import { queryCertification, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, refused, success } from './api-method.js';
import { certificationStep, ZHIMA_STEP_ERRORS } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

const step = certificationStep({
  flow: 'zhima',
  idField: 'biz_no',
  exampleId: 'ZM201612013000000393900404029253',
  orderNo: 'ZHIMA201610252323000001',
  malformed: { subCode: 'INVALID_PARAMETER', anyField: true },
});

export const zhimaCustomerCertificationQuery = defineApiMethod<ParametersOf<typeof step.bizContentSchema>>({
  name: 'zhima.customer.certification.query',
  title: '芝麻认证查询',
  ...step,
  businessErrors: ZHIMA_STEP_ERRORS.rows,
  responseFields: {
    passed: { type: 'string', enum: ['true', 'false'] },
    failed_reason: { type: 'string', optional: true },
    identity_info: { type: 'string', optional: true },
    attribute_info: { type: 'string', optional: true },
    channel_statuses: { type: 'string', optional: true },
  },
  handle(bizContent, context) {
    // The family answers an old biz_no, so the only refusal is an unknown one.
    const answer = queryCertification(context, ZHIMA_CERTIFICATION, bizContent.biz_no);
    if ('refused' in answer) return refused(ZHIMA_STEP_ERRORS.refusal('INVALID_PARAMETER', answer.detail));
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
