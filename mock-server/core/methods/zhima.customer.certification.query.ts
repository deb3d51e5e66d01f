/**
 * zhima.customer.certification.query (芝麻认证查询): the result of a biz_no, passed "true" or "false".
 * Source: reference §8 (no seed page).
 */
import { ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, optionalTextField } from './api-method.js';
import { answerQuery, ZHIMA_STEP, ZHIMA_STEP_ERRORS } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

const ZHIMA_QUERY_REFUSALS = { errors: ZHIMA_STEP_ERRORS, unknown: 'INVALID_PARAMETER', expired: 'INVALID_PARAMETER' };

export const zhimaCustomerCertificationQuery = defineApiMethod<ParametersOf<typeof ZHIMA_STEP.bizContentSchema>>({
  name: 'zhima.customer.certification.query',
  title: '芝麻认证查询',
  ...ZHIMA_STEP,
  businessErrors: ZHIMA_STEP_ERRORS.rows,
  responseFields: {
    passed: { type: 'string', enum: ['true', 'false'] },
    failed_reason: optionalTextField,
    identity_info: optionalTextField,
    attribute_info: optionalTextField,
    channel_statuses: optionalTextField,
  },
  // The family answers an old biz_no, so the only refusal is an unknown one.
  handle: (bizContent, context) =>
    answerQuery(context, ZHIMA_CERTIFICATION, bizContent.biz_no, ZHIMA_QUERY_REFUSALS, ({ certification, passed, finished, identity_info, fail_reason }) => ({
      passed: passed ? 'true' : 'false',
      ...(fail_reason ? { failed_reason: fail_reason } : {}),
      identity_info,
      attribute_info: '{}',
      channel_statuses: finished ? JSON.stringify([{ channel_type: certification.biz_code, success: passed }]) : '[]',
    })),
});
