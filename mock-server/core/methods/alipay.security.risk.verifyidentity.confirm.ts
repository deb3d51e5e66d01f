/**
 * alipay.security.risk.verifyidentity.confirm (身份核验服务结果确认接口): the result of the 核身 that
 * initialize started, for its verify token and the biz_id and scene_code it was started with
 * (core/flows/identity-verification.ts): verify_result true once the person passed on the verify page,
 * false with error_code and error_msg while they have not, or after they failed.
 *
 * Sources: alipay/alipay-sdk-java-all's AlipaySecurityRiskVerifyidentityConfirmModel (biz_id,
 * biz_params, scene_code, verify_token) and ...ConfirmResponse (verify_result, a Boolean; error_code,
 * error_msg, biz_data). No API page with tables was found. The sandbox chose: every field but
 * biz_params required, with initialize's lengths (verify_token 32, its tokens' length); the codes
 * SYSTEM_ERROR, INVALID_PARAMETER 参数有误, and VERIFY_TOKEN_INVALID 核身校验token无效 for a token this
 * app was never issued or one sent with another biz_id or scene_code; error_code VERIFY_NOT_FINISHED
 * 用户尚未完成核身 before the person finished, VERIFY_FAILED with the page's reason after a failure.
 */
import { confirmVerification, IDENTITY_VERIFICATIONS, type VerificationResult } from '../flows/identity-verification.js';
import { defineApiMethod, refused, success, optionalTextField } from './api-method.js';
import { BusinessErrorTable, CHOSEN_GENERIC_ROWS } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';
import { APPLY_FIELDS } from './alipay.security.risk.verifyidentity.apply.js';

const errors = new BusinessErrorTable([
  ...CHOSEN_GENERIC_ROWS,
  { sub_code: 'VERIFY_TOKEN_INVALID', sub_msg: '核身校验token无效', solution: '传入身份核验初始化接口为同一biz_id和scene_code返回的token' },
]);

const { biz_id, scene_code, biz_params } = APPLY_FIELDS;

const bizContentSchema = {
  type: 'object',
  required: ['verify_token', 'biz_id', 'scene_code'],
  properties: {
    verify_token: { type: 'string', minLength: 1, maxLength: 32 },
    biz_id,
    scene_code,
    biz_params,
  },
} as const;

/** The answer's fields: the verdict, and why not where there is none yet or it is a failure. */
function answerOf(result: VerificationResult): Record<string, unknown> {
  if (result.passed) return { verify_result: true };
  if (!result.finished) return { verify_result: false, error_code: 'VERIFY_NOT_FINISHED', error_msg: '用户尚未完成核身' };
  return { verify_result: false, error_code: 'VERIFY_FAILED', error_msg: result.record.fail_reason ?? '' };
}

export const alipaySecurityRiskVerifyidentityConfirm = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.security.risk.verifyidentity.confirm',
  title: '身份核验服务结果确认接口',
  bizContentSchema,
  keeps: [IDENTITY_VERIFICATIONS],
  businessErrors: errors.rows,
  // Alone, the token is one nobody issued (a documented refusal); the state's token makes it a success.
  exampleCall: {
    request: { verify_token: '2109b5e671aa3ff2eb4851816c65828f', biz_id: 'test_302857831249', scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient' },
    needs: { state: 'an identity verification was started', params: { biz_id: 'test_302857831249' }, field: 'verify_token' },
  },
  responseFields: { verify_result: { type: 'boolean' }, error_code: optionalTextField, error_msg: optionalTextField, biz_data: optionalTextField },
  schemaFailureRules: [
    { field: 'verify_token', on: 'any', subCode: 'VERIFY_TOKEN_INVALID' },
    { field: '*', on: 'any', subCode: 'INVALID_PARAMETER' },
  ],
  handle(bizContent, context) {
    const confirmed = confirmVerification(context, bizContent);
    if ('refused' in confirmed) return refused(errors.refusal('VERIFY_TOKEN_INVALID', confirmed.detail));
    return success(answerOf(confirmed.result));
  },
});
