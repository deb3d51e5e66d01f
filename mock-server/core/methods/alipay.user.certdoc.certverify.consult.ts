/**
 * alipay.user.certdoc.certverify.consult (实名证件信息比对验证咨询): with the verify_id of preconsult
 * and, as the public parameter auth_token, the access token of the person's OAuth grant with scope
 * id_verify, answers whether the preconsulted elements are that person's own: passed T, or F with
 * fail_reason and fail_params, the JSON list of the fields that differ
 * (core/flows/certdoc-verification.ts, core/flows/user-authorizations.ts).
 *
 * Sources: alipay/alipay-sdk-java-all's AlipayUserCertdocCertverifyConsultModel (verify_id) and
 * ...ConsultResponse (passed T/F, fail_reason, fail_params "与预授权的输入字段对应，类型为字符串列表的JSON格式");
 * ...PreconsultResponse for the one error text found, 校验信息已过期 for a verify_id past its 2 hours;
 * its v3 path GET /v3/alipay/user/certdoc/certverify/consult with auth_token and verify_id in the query.
 * The token codes are the public 20001 ones alipay.user.info.share answers (reference §4).
 * Business codes: the documented list of Alipay's v3 SDK model (AlipayUserCertdocCertverifyConsultErrorResponseModel):
 * SYSTEM_ERROR, ILLEGAL_ARGUMENT, IDENTITY_VERIFY_CACHE_EXPIRED, REQUIRED_PARAM_MISSING, GUARDIAN_LIMIT_ERROR; the texts
 * of preconsult's rows (preconsult's header says whose words they are).
 * The sandbox chose: IDENTITY_VERIFY_CACHE_EXPIRED, the list's one expiry code, for 校验信息已过期; ILLEGAL_ARGUMENT
 * for a verify_id this app was never issued or a malformed one, REQUIRED_PARAM_MISSING for none; 40006
 * isv.insufficient-user-permissions 用户权限不足 for a token whose grant is not scope id_verify; verify_id at most 32
 * characters; fail_reason naming the differing elements ("姓名不一致", "姓名、手机号不一致"); fail_reason and
 * fail_params left out when passed is T. GUARDIAN_LIMIT_ERROR comes by scenario only (the request names nobody).
 */
import { checkAccessToken, grantsScope, USER_AUTHORIZATIONS, type UserAuthorization } from '../flows/user-authorizations.js';
import { CERTDOC_VERIFICATIONS, compareElements, findPreconsult, type CertdocVerification } from '../flows/certdoc-verification.js';
import { defineApiMethod, refused, success, optionalTextField, type MethodContext, type MethodOutcome } from './api-method.js';
import { CERTDOC_FAILURE_RULES, CERTDOC_ROWS } from './alipay.user.certdoc.certverify.preconsult.js';
import { ACCESS_TOKEN_ROWS, BusinessErrorTable } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';

const errors = new BusinessErrorTable([
  CERTDOC_ROWS.SYSTEM_ERROR,
  CERTDOC_ROWS.ILLEGAL_ARGUMENT,
  { sub_code: 'IDENTITY_VERIFY_CACHE_EXPIRED', sub_msg: '校验信息已过期', solution: 'verify_id有效期为2小时,请重新调用预咨询接口获取' },
  CERTDOC_ROWS.REQUIRED_PARAM_MISSING,
  CERTDOC_ROWS.GUARDIAN_LIMIT_ERROR,
  ...ACCESS_TOKEN_ROWS,
  { code: '40006', sub_code: 'isv.insufficient-user-permissions', sub_msg: '用户权限不足', solution: '引导用户以scope=id_verify授权后换取的access_token调用' },
]);

const bizContentSchema = {
  type: 'object',
  required: ['verify_id'],
  properties: {
    verify_id: { type: 'string', minLength: 1, maxLength: 32 },
  },
} as const;

/** The grant the call's auth_token stands for, if it lets the app check the person's elements. */
function idVerifyGrant(context: MethodContext): { readonly grant: UserAuthorization } | { readonly refusal: MethodOutcome } {
  const check = checkAccessToken(context.state, context.parameters.auth_token, context.appId, context.nowMs);
  if (!check.ok) return { refusal: refused(errors.refusal(check.subCode, check.detail)) };
  if (!grantsScope(check.authorization, 'id_verify')) {
    return { refusal: refused(errors.refusal('isv.insufficient-user-permissions', `auth_token was granted scope ${check.authorization.scope}; consult needs a token of scope id_verify`)) };
  }
  return { grant: check.authorization };
}

/** passed T or F, and where F, which elements differ from the person's own. */
function answerFor(context: MethodContext, record: CertdocVerification, grant: UserAuthorization): MethodOutcome {
  const person = context.state.personByUserId(grant.user_id);
  if (!person) return refused(errors.refusal('SYSTEM_ERROR', `the person ${grant.user_id} of this token is no longer among the sandbox's people`));
  const comparison = compareElements(record, person);
  if (comparison.passed) return success({ passed: 'T' });
  return success({ passed: 'F', fail_reason: comparison.failReason, fail_params: JSON.stringify(comparison.failParams) });
}

export const alipayUserCertdocCertverifyConsult = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certdoc.certverify.consult',
  openApi: 'GET',
  title: '实名证件信息比对验证咨询',
  bizContentSchema,
  keeps: [CERTDOC_VERIFICATIONS, USER_AUTHORIZATIONS],
  businessErrors: errors.rows,
  // Alone, the token and verify_id are ones nobody issued (a documented refusal); the state makes both.
  exampleCall: {
    request: { verify_id: '2109b5e671aa3ff2eb4851816c65828f' },
    publicParameters: { auth_token: '20240101ffffffffffffffffffffffffffffffff' },
    needs: { state: "the app preconsulted the person's own elements", field: 'verify_id' },
  },
  responseFields: { passed: { type: 'string', enum: ['T', 'F'] }, fail_reason: optionalTextField, fail_params: optionalTextField },
  schemaFailureRules: CERTDOC_FAILURE_RULES,
  handle(bizContent, context) {
    const token = idVerifyGrant(context);
    if ('refusal' in token) return token.refusal;
    const lookup = findPreconsult(context, bizContent.verify_id);
    if ('refused' in lookup) return refused(errors.refusal(lookup.refused === 'expired' ? 'IDENTITY_VERIFY_CACHE_EXPIRED' : 'ILLEGAL_ARGUMENT', lookup.detail));
    return answerFor(context, lookup.found, token.grant);
  },
});
