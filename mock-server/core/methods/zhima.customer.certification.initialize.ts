/**
 * zhima.customer.certification.initialize (芝麻认证初始化): starts a Zhima certification and returns the
 * biz_no that zhima.customer.certification.certify and .query take.
 * Source: reference §8 (no seed page); schema and codes follow its sibling material.certify's page.
 */
import { startCertification, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, textField, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';
import { EXAMPLE_IDENTITY_PARAM, ZHIMA_MERCHANT_PROPERTIES, ZHIMA_ORDER_PROPERTIES, ZHIMA_ORDER_ROWS, ZHIMA_STEP_ROWS } from './certification-steps.js';

const errors = new BusinessErrorTable([...ZHIMA_STEP_ROWS, ...ZHIMA_ORDER_ROWS]);

/** The scenes of Zhima's own face-check flow. */
const BIZ_CODES = ['FACE', 'SMART_FACE', 'FACE_SDK'];

const bizContentSchema = {
  type: 'object',
  required: ['transaction_id', 'product_code', 'biz_code', 'identity_param'],
  properties: { ...ZHIMA_ORDER_PROPERTIES, ...ZHIMA_MERCHANT_PROPERTIES, face_contrast_picture: { type: 'string', maxLength: 1048576 } },
} as const;

export const zhimaCustomerCertificationInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'zhima.customer.certification.initialize',
  title: '芝麻认证初始化',
  bizContentSchema,
  businessErrors: errors.rows,
  identityField: 'identity_param.cert_no',
  exampleCall: {
    request: {
      transaction_id: 'ZHIMA201610252323000001',
      product_code: 'w1010100000000002978',
      biz_code: 'FACE',
      identity_param: EXAMPLE_IDENTITY_PARAM,
    },
    unique: ['transaction_id'],
  },
  responseFields: { biz_no: textField },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    if (!BIZ_CODES.includes(bizContent.biz_code)) {
      return refused(errors.refusal('UNSUPPORTED_BIZ_CODE', `biz_code "${bizContent.biz_code}" is not one of ${BIZ_CODES.join(', ')}`));
    }
    const start = startCertification(context, ZHIMA_CERTIFICATION, {
      order_no: bizContent.transaction_id,
      biz_code: bizContent.biz_code,
      identity_param: bizContent.identity_param,
    });
    if ('problem' in start) return refused(errors.refusal('INVALID_PARAMETER', start.problem));
    return success({ biz_no: start.started.id });
  },
});
