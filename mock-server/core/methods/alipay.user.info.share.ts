/**
 * alipay.user.info.share (支付宝会员授权信息查询接口): with the access_token of alipay.system.oauth.token
 * as the public parameter auth_token, the app reads what the person let it know on the OAuth page
 * (core/flows/user-authorizations.ts): under scope auth_user their user_id, open_id and public profile
 * (core/identity/person-profile.ts). A token granted without auth_user (auth_base alone, id_verify) is
 * refused with 20001 aop.invalid-auth-token 无效的访问令牌, as Alipay's support answer for that code on
 * this method says (developer.aliyun.com/ask/285672, 获取会员基础信息提示 aop.invalid-auth-token: the
 * authorization link's scope was not auth_user, "只有配置auth_user才能去调用【alipay.user.info.share】
 * 接口进行获取授权用户信息"). It has no 请求参数 of its own.
 *
 * Sources. Fields: Alipay's Java SDK models AlipayUserInfoShareResponse and the v3
 * AlipayUserInfoShareResponseModel (alipay/alipay-sdk-java-all), which list user_id, open_id, avatar
 * (left out when the member set none), nick_name, gender (F: 女性, M: 男性), province and city among
 * many fields other products unlock; the sandbox answers the ones scope auth_user gives every app.
 * Lengths: auth_token ≤ 40, the 公共请求参数 table of the method's page (global.alipay.com,
 * solution_api/infoshare); the response fields' lengths are in neither model, and none is enforced.
 * Codes: the one business code of its documented list (Alipay's v3 SDK model AlipayUserInfoShareErrorResponseModel) is
 * SYSTEM_ERROR, whose text no source gives: 系统繁忙, as Alipay's verifyidentity.apply page writes that code, is the
 * sandbox's; it comes by scenario only. 40006 isv.insufficient-isv-permissions ISV权限不足, a public code Alipay's
 * support quotes as a live answer of this method (AlipayDocs/open-docs, 小程序alipay.user.info.share报错“ISV权限不足”),
 * stands in the table so that a scenario can choose it. A bad token is answered with the public 20001 codes of
 * reference §4 (aop.invalid-auth-token 无效的访问令牌, aop.auth-token-time-out 访问令牌已过期), in the method's own response node, as the gateway answers them live (reference §3);
 * aop.invalid-auth-token also answers a current token whose grant lacks scope auth_user (above).
 * They stand in the table so that scenarios can choose them and the contract covers them; their
 * solutions are the sandbox's words, the page giving none.
 * v3: POST /v3/alipay/user/info/share with auth_token ("用户授权令牌") in the query and no body, as
 * alipay-sdk-java-all's v3 AlipayUserInfoApi builds the call (a query parameter of a POST; its docs,
 * AlipayUserInfoApi.md, list the path); the PHP v3 SDK's docs (Alipay\OpenAPISDK\Api\AlipayUserInfoApi)
 * give the same POST.
 */
import { checkUserInfoToken, sharedUserInfo, USER_AUTHORIZATIONS } from '../flows/user-authorizations.js';
import { defineApiMethod, refused, success, textField, optionalTextField } from './api-method.js';
import { PUBLIC_SUB_CODES } from '../protocol/public-errors.js';
import { ACCESS_TOKEN_ROWS, BusinessErrorTable, CHOSEN_GENERIC_ROWS, documentedRows } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';

const errors = new BusinessErrorTable([
  ...documentedRows(CHOSEN_GENERIC_ROWS, 'SYSTEM_ERROR'),
  ...ACCESS_TOKEN_ROWS,
  { code: '40006', sub_code: 'isv.insufficient-isv-permissions', sub_msg: PUBLIC_SUB_CODES['isv.insufficient-isv-permissions'].subMsg, solution: '在开放平台为应用开通获取会员信息的产品后重试' },
]);

/** auth_token is a public parameter, read here as the method's one top-level parameter (its length is the flow's to check). */
const bizContentSchema = {
  type: 'object',
  properties: {
    auth_token: { type: 'string' },
  },
} as const;

export const alipayUserInfoShare = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.info.share',
  title: '支付宝会员授权信息查询接口',
  bizContentSchema,
  parametersAt: 'top-level',
  openApi: 'POST',
  openApiQuery: ['auth_token'],
  keeps: [USER_AUTHORIZATIONS],
  businessErrors: errors.rows,
  // The page shows no request: the call is its auth_token, which the person's agreement (scope auth_user) and the exchange make.
  exampleCall: {
    request: { auth_token: '20240101ffffffffffffffffffffffffffffffff' },
    needs: { state: "the app holds the person's access token", params: { scope: 'auth_user' }, field: 'auth_token' },
  },
  responseFields: {
    user_id: textField,
    open_id: textField,
    avatar: optionalTextField,
    nick_name: optionalTextField,
    gender: { type: 'string', enum: ['F', 'M'], optional: true },
    province: optionalTextField,
    city: optionalTextField,
  },
  schemaFailureRules: [],
  handle(_parameters, context) {
    const check = checkUserInfoToken(context.state, context.parameters.auth_token, context.appId, context.nowMs);
    if (!check.ok) return refused(errors.refusal(check.subCode, check.detail));
    return success(sharedUserInfo(context.state, check.authorization));
  },
});
