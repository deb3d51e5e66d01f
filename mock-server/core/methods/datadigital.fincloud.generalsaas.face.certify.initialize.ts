/**
 * datadigital.fincloud.generalsaas.face.certify.initialize (H5人脸核身初始化): starts an H5 face check
 * and returns the certify_id that datadigital.fincloud.generalsaas.face.certify.verify and .query take.
 * Sources: the API page https://opendocs.alipay.com/open/02zloa (as linked from Alipay's SDKs); the
 * fields and their descriptions from alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceCertifyInitializeModel
 * and ...InitializeResponse (v2) and the v3 models OpenCertifyIdentifyInfo / OpenCertifyMerchantConfigs
 * (merchant_config: return_url, face_reserve_strategy reserve/never); the example values (outer_order_no
 * ZGYD201809132323000001234, biz_code FUTURE_TECH_BIZ_FACE_SDK) from the v3 model's examples.
 * Business codes: the documented list of Alipay's v3 SDK model (DatadigitalFincloudGeneralsaasFaceCertifyInitializeErrorResponseModel):
 * SYSTEM_ERROR, INVALID_PARAMETER, ARRANGEMENT_STATUS_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, INVALID_SWITCH (INVALID_PARAMETER
 * took the place of the earlier list's ILLEGAL_ARGUMENT_FORMAT and UNKNOWN_ERROR); whose sub_msg is verbatim and whose is the
 * sandbox's, face-business-codes.ts says.
 * Where Alipay documents nothing, the sandbox chose:
 * - maximum lengths: outer_order_no 32 ("值为32位长度的字母数字组合"), biz_code 32, identity_param and
 *   merchant_config 4096 and face_contrast_picture 1 MB, as the sibling alipay.user.certify.open.initialize's page has them;
 * - INVALID_PARAMETER for every malformed argument and for a cert_no that is no resident ID number (the list's one
 *   argument code); ARRANGEMENT_STATUS_ERROR, ACCOUNT_MONEY_LIMIT_ERROR and INVALID_SWITCH come by scenario or by magic identity.
 */
import { FACE_CERTIFY } from '../flows/face-certification.js';
import { defineApiMethod } from './api-method.js';
import { EXAMPLE_IDENTITY_PARAM, EXAMPLE_MERCHANT_CONFIG, outerOrderInitialize, outerOrderInitializeSchema, type InitializeCodes, type MerchantChoices } from './certification-steps.js';
import { FACE_CERTIFY_INITIALIZE_ERRORS } from './face-business-codes.js';
import type { JsonTextOf, ParametersOf } from './schema-types.js';

const bizContentSchema = outerOrderInitializeSchema(
  // "H5人脸核身场景码。入参支持的场景码": the scene codes come with the merchant's contract, so any is taken.
  { type: 'string', minLength: 1, maxLength: 32 },
  // "return_url：需要回跳的目标地址，必填"; the v3 model adds "若无跳转地址可填空字符"" (an empty string).
  { type: 'string' },
);

const CODES: InitializeCodes = { errors: FACE_CERTIFY_INITIALIZE_ERRORS, malformed: 'INVALID_PARAMETER' };

type MerchantConfig = JsonTextOf<typeof bizContentSchema.properties.merchant_config>;

/** Where the person is sent back; an empty return_url means the merchant has none. */
function returnUrlOf(text: string): MerchantChoices {
  const { return_url } = JSON.parse(text) as MerchantConfig;
  return return_url ? { return_url } : {};
}

export const datadigitalFincloudGeneralsaasFaceCertifyInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.initialize',
  openApi: 'POST',
  title: 'H5人脸核身初始化',
  bizContentSchema,
  ...outerOrderInitialize(FACE_CERTIFY, CODES, returnUrlOf),
  exampleCall: {
    request: {
      outer_order_no: 'ZGYD201809132323000001234',
      biz_code: 'FUTURE_TECH_BIZ_FACE_SDK',
      identity_param: EXAMPLE_IDENTITY_PARAM,
      merchant_config: EXAMPLE_MERCHANT_CONFIG,
    },
    unique: ['outer_order_no'],
  },
});
