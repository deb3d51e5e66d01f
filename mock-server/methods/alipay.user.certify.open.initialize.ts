/**
 * alipay.user.certify.open.initialize (身份认证初始化服务): starts a face/ID verification and returns
 * the certify_id the merchant passes to alipay.user.certify.open.certify and .query.
 * Source: ../shared/seeds (the API page), reference §8.
 */
import { createHash } from 'node:crypto';
import { businessError } from '../protocol/public-errors.js';
import { defineApiMethod } from './api-method.js';

interface CertifyOpenInitializeBizContent {
  outer_order_no: string;
  biz_code: 'FACE' | 'CERT_PHOTO' | 'CERT_PHOTO_FACE' | 'SMART_FACE';
  identity_param: string;
  merchant_config: string;
  face_contrast_picture?: string;
}

const BUSINESS_ERRORS = [
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常', solution: '检查参数是否按照规定传入,检查参数是否合法' },
  { sub_code: 'ARRANGEMENT_STATUS_ERROR', sub_msg: '合约状态异常', solution: '请确认商户合约是否有效' },
] as const;

/**
 * The same outer_order_no from the same app always gets the same certify_id, so a client's retry
 * does not start a second verification.
 */
function certifyIdFor(appId: string, outerOrderNo: string): string {
  return createHash('sha256').update(`certify-open:${appId}:${outerOrderNo}`).digest('hex').slice(0, 32);
}

export const alipayUserCertifyOpenInitialize = defineApiMethod<CertifyOpenInitializeBizContent>({
  name: 'alipay.user.certify.open.initialize',
  title: '身份认证初始化服务',
  bizContentSchema: {
    type: 'object',
    required: ['outer_order_no', 'biz_code', 'identity_param', 'merchant_config'],
    properties: {
      outer_order_no: { type: 'string', minLength: 1, maxLength: 32 },
      biz_code: { type: 'string', maxLength: 32, enum: ['FACE', 'CERT_PHOTO', 'CERT_PHOTO_FACE', 'SMART_FACE'] },
      identity_param: {
        type: 'string',
        maxLength: 4096,
        jsonString: {
          type: 'object',
          required: ['identity_type', 'cert_type', 'cert_name', 'cert_no'],
          properties: {
            identity_type: { const: 'CERT_INFO' },
            cert_type: { const: 'IDENTITY_CARD' },
            cert_name: { type: 'string', minLength: 1 },
            cert_no: { type: 'string', minLength: 1 },
            phone_no: { type: 'string' },
          },
        },
      },
      merchant_config: {
        type: 'string',
        maxLength: 4096,
        jsonString: {
          type: 'object',
          required: ['return_url'],
          properties: {
            return_url: { type: 'string', minLength: 1 },
            face_reserve_strategy: { enum: ['reserve', 'never'] },
          },
        },
      },
      face_contrast_picture: { type: 'string', maxLength: 1048576 },
    },
  },
  businessErrors: BUSINESS_ERRORS,
  schemaFailure(errors, describe) {
    const first = errors[0];
    return businessError('ILLEGAL_ARGUMENT_FORMAT', first ? `参数异常: ${describe(first)}` : '参数异常');
  },
  handle(bizContent, context) {
    return { kind: 'success', fields: { certify_id: certifyIdFor(context.appId, bizContent.outer_order_no) } };
  },
});
