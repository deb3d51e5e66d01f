/**
 * alipay.user.certify.open.initialize (身份认证初始化服务): starts a face/ID verification and returns
 * the certify_id the merchant passes to alipay.user.certify.open.certify and .query.
 * Source: the API page in ../shared/seeds, reference §8.
 */
import { CERTIFY_OPEN, startCertification, type CertificationStart, type FaceCertificationFamily } from '../flows/face-certification.js';
import { defineApiMethod, textField, refused, success, type MethodContext, type MethodOutcome } from './api-method.js';
import type { JsonTextOf, ParametersOf } from './schema-types.js';
import { certInfoIdentityParam } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

/** The page's codes; the H5 face check, whose own table no source gives, answers with them too. */
export const certifyOpenInitializeErrors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常', solution: '检查参数是否按照规定传入,检查参数是否合法' },
  { sub_code: 'ARRANGEMENT_STATUS_ERROR', sub_msg: '合约状态异常', solution: '请确认商户合约是否有效' },
]);

const bizContentSchema = {
  type: 'object',
  required: ['outer_order_no', 'biz_code', 'identity_param', 'merchant_config'],
  properties: {
    outer_order_no: { type: 'string', minLength: 1, maxLength: 32 },
    biz_code: { type: 'string', maxLength: 32, enum: ['FACE', 'CERT_PHOTO', 'CERT_PHOTO_FACE', 'SMART_FACE'] },
    identity_param: certInfoIdentityParam(4096, { phone_no: { type: 'string' } }),
    merchant_config: {
      type: 'string',
      maxLength: 4096,
      jsonString: {
        type: 'object',
        required: ['return_url'],
        properties: {
          return_url: { type: 'string', minLength: 1 },
          face_reserve_strategy: { enum: ['reserve', 'never'] },
          // "在拥有该权限前提下，用于商户控制是否透出活体人脸" (the v3 model of merchant_config).
          out_put_facial_picture: { type: 'boolean' },
          facial_picture_level: { type: 'string' },
        },
      },
    },
    face_contrast_picture: { type: 'string', maxLength: 1048576 },
  },
} as const;

type MerchantConfig = JsonTextOf<typeof bizContentSchema.properties.merchant_config>;

/** What the certification keeps of merchant_config: where to send the person back, whether to hand out the face. */
function merchantChoices(text: string): { return_url: string; output_facial_picture?: true } {
  const config = JSON.parse(text) as MerchantConfig;
  return { return_url: config.return_url, ...(config.out_put_facial_picture ? { output_facial_picture: true as const } : {}) };
}

/**
 * The initialize of a family whose order is outer_order_no and whose id is certify_id (certify-open, and
 * the H5 face check that borrows its codes): the order's certify_id, or ILLEGAL_ARGUMENT_FORMAT.
 */
export function initializeByOuterOrder(context: MethodContext, family: FaceCertificationFamily, start: Omit<CertificationStart, 'order_no'> & { readonly outer_order_no: string }): MethodOutcome {
  const { outer_order_no, ...rest } = start;
  const started = startCertification(context, family, { order_no: outer_order_no, ...rest });
  if ('problem' in started) return refused(certifyOpenInitializeErrors.refusal('ILLEGAL_ARGUMENT_FORMAT', started.problem));
  return success({ certify_id: started.started.id });
}

export const alipayUserCertifyOpenInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certify.open.initialize',
  openApi: 'POST',
  title: '身份认证初始化服务',
  bizContentSchema,
  businessErrors: certifyOpenInitializeErrors.rows,
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    outer_order_no: 'ZGYD201809132323000001234',
    biz_code: 'FACE',
    identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"260104197909275964"}',
    merchant_config: '{"return_url":"xxx"}',
    face_contrast_picture: 'xydasf==',
  },
  identityField: 'identity_param.cert_no',
  // The page's number is in no real region (2601): the same number issued in Hangzhou's Xihu district;
  // and a return_url a browser can be sent back to (the page's is "xxx").
  exampleCall: {
    corrections: {
      identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
      merchant_config: '{"return_url":"https://merchant.example/return"}',
    },
    unique: ['outer_order_no'],
  },
  responseFields: { certify_id: textField },
  // The page documents one code for every malformed argument.
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'ILLEGAL_ARGUMENT_FORMAT' }],
  handle(bizContent, context) {
    const { outer_order_no, biz_code, identity_param } = bizContent;
    return initializeByOuterOrder(context, CERTIFY_OPEN, { outer_order_no, biz_code, identity_param, ...merchantChoices(bizContent.merchant_config) });
  },
});
