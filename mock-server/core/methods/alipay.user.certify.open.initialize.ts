/**
 * alipay.user.certify.open.initialize (身份认证初始化服务): starts a face/ID verification and returns
 * the certify_id the merchant passes to alipay.user.certify.open.certify and .query.
 * Source: the API page in ../shared/seeds, reference §8.
 */
import { CERTIFY_OPEN } from '../flows/face-certification.js';
import { defineApiMethod } from './api-method.js';
import { CERTIFY_OPEN_INITIALIZE_CODES, EXAMPLE_IDENTITY_PARAM, EXAMPLE_MERCHANT_CONFIG, outerOrderInitialize, outerOrderInitializeSchema, type MerchantChoices } from './certification-steps.js';
import type { JsonTextOf, ParametersOf } from './schema-types.js';

const bizContentSchema = outerOrderInitializeSchema(
  { type: 'string', maxLength: 32, enum: ['FACE', 'CERT_PHOTO', 'CERT_PHOTO_FACE', 'SMART_FACE'] },
  { type: 'string', minLength: 1 },
  {
    // "在拥有该权限前提下，用于商户控制是否透出活体人脸" (the v3 model of merchant_config).
    out_put_facial_picture: { type: 'boolean' },
    facial_picture_level: { type: 'string' },
  },
);

type MerchantConfig = JsonTextOf<typeof bizContentSchema.properties.merchant_config>;

/** What the certification keeps of merchant_config: where to send the person back, whether to hand out the face. */
function merchantChoices(text: string): MerchantChoices {
  const config = JSON.parse(text) as MerchantConfig;
  return { return_url: config.return_url, ...(config.out_put_facial_picture ? { output_facial_picture: true as const } : {}) };
}

export const alipayUserCertifyOpenInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certify.open.initialize',
  openApi: 'POST',
  title: '身份认证初始化服务',
  bizContentSchema,
  ...outerOrderInitialize(CERTIFY_OPEN, CERTIFY_OPEN_INITIALIZE_CODES, merchantChoices),
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    outer_order_no: 'ZGYD201809132323000001234',
    biz_code: 'FACE',
    identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"260104197909275964"}',
    merchant_config: '{"return_url":"xxx"}',
    face_contrast_picture: 'xydasf==',
  },
  // The page's number is in no real region (2601): the same number issued in Hangzhou's Xihu district;
  // and a return_url a browser can be sent back to (the page's is "xxx").
  exampleCall: {
    corrections: { identity_param: EXAMPLE_IDENTITY_PARAM, merchant_config: EXAMPLE_MERCHANT_CONFIG },
    unique: ['outer_order_no'],
  },
});
