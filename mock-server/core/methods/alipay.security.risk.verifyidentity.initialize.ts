/**
 * alipay.security.risk.verifyidentity.initialize (身份核验服务对外开放接口): starts a 核身 for an account
 * with the products apply found usable, and answers the verify_url where the person completes them and
 * the verify token confirm takes. The sandbox's verify_url opens its hosted verification page
 * (GET /__sandbox/verifications/<token> on the address the call reached), where the tester passes or
 * fails the person, who is then sent to biz_callback_url (core/flows/identity-verification.ts).
 *
 * Sources: alipay/alipay-sdk-java-all's AlipaySecurityRiskVerifyidentityInitializeModel (account_id,
 * account_name, account_type CERT, biz_callback_url, biz_id, biz_params, product_code "SMS|FACE",
 * scene_code) and ...InitializeResponse (is_success, verify_url, the token under the name the SDK
 * reads it by, veritfy_token, and error_code, err_msg, biz_data). No API page with tables was found.
 * The sandbox chose: the required fields and maximum lengths of its sibling apply's page (biz_id,
 * account_id, scene_code 128; account_type 32; biz_params 5000), product_code 128 and biz_callback_url
 * 1024; the codes SYSTEM_ERROR (apply's) and INVALID_PARAMETER 参数有误 for a request the schema refuses;
 * a success answers is_success "true" without error_code, err_msg or biz_data.
 */
import { startVerification, verificationUrl, IDENTITY_VERIFICATIONS } from '../flows/identity-verification.js';
import { defineApiMethod, success, textField, optionalTextField } from './api-method.js';
import { BusinessErrorTable, CHOSEN_GENERIC_ROWS } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';
import { APPLY_FIELDS } from './alipay.security.risk.verifyidentity.apply.js';

const errors = new BusinessErrorTable([
  ...CHOSEN_GENERIC_ROWS,
]);

const { biz_id, scene_code, account_id, account_name, biz_params } = APPLY_FIELDS;

const bizContentSchema = {
  type: 'object',
  required: ['biz_id', 'scene_code', 'product_code', 'account_id'],
  properties: {
    biz_id,
    scene_code,
    // One product or several joined with "|", as the model writes SMS|FACE.
    product_code: { type: 'string', maxLength: 128, pattern: '^[A-Z][A-Z0-9_]*(\\|[A-Z][A-Z0-9_]*)*$' },
    account_id,
    account_name,
    account_type: { type: 'string', maxLength: 32, enum: ['CERT'] },
    biz_callback_url: { type: 'string', maxLength: 1024 },
    biz_params,
  },
} as const;

export const alipaySecurityRiskVerifyidentityInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.security.risk.verifyidentity.initialize',
  title: '身份核验服务对外开放接口',
  bizContentSchema,
  keeps: [IDENTITY_VERIFICATIONS],
  businessErrors: errors.rows,
  identityField: 'account_id',
  // No page shows a request: apply's example account and scene, with the face product.
  exampleCall: {
    request: {
      biz_id: 'test_302857831249',
      scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient',
      product_code: 'FACE',
      account_id: '330102198807312189',
      account_name: '张三',
      account_type: 'CERT',
    },
    unique: ['biz_id'],
  },
  responseFields: { is_success: { type: 'string', enum: ['true', 'false'] }, verify_url: textField, veritfy_token: textField, error_code: optionalTextField, err_msg: optionalTextField, biz_data: optionalTextField },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    const { biz_id, scene_code, product_code, account_id, account_name, biz_callback_url } = bizContent;
    const record = startVerification(context, { biz_id, scene_code, product_code, account_id, ...(account_name ? { account_name } : {}), ...(biz_callback_url ? { biz_callback_url } : {}) });
    return success({ is_success: 'true', verify_url: verificationUrl(context, record), veritfy_token: record.verify_token });
  },
});
