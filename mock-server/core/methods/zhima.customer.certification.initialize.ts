/**
 * zhima.customer.certification.initialize (芝麻认证初始化): starts a Zhima certification and returns the
 * biz_no that zhima.customer.certification.certify and .query take.
 * Source: reference §8 (no seed page); schema and codes follow its sibling material.certify's page.
 */
import { startCertification, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, textField, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { certInfoIdentityParam, jsonObjectField } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统繁忙,请稍后再试' },
  { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '根据错误码描述修改入参后再重试' },
  { sub_code: 'ARRANGEMENT_ERROR', sub_msg: '合约异常', solution: '请确定的产品码正确,合约已经生效,并且包含此业务的权限' },
  { sub_code: 'TRANSACTION_ERROR', sub_msg: '交易订单异常', solution: '交易订单更新失败,请稍后重新发起' },
  { sub_code: 'UNSUPPORTED_BIZ_CODE', sub_msg: '不支持的认证场景', solution: '请使用已签约的认证场景' },
]);

/** The scenes of Zhima's own face-check flow. */
const BIZ_CODES = ['FACE', 'SMART_FACE', 'FACE_SDK'];

const bizContentSchema = {
  type: 'object',
  required: ['transaction_id', 'product_code', 'biz_code', 'identity_param'],
  properties: {
    transaction_id: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_]+$' },
    product_code: { type: 'string', minLength: 1, maxLength: 32 },
    biz_code: { type: 'string', minLength: 1, maxLength: 32 },
    identity_param: certInfoIdentityParam(204800),
    merchant_config: jsonObjectField(1024),
    ext_biz_param: jsonObjectField(2048),
    linked_merchant_id: { type: 'string', maxLength: 16 },
    face_contrast_picture: { type: 'string', maxLength: 1048576 },
  },
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
      identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
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
