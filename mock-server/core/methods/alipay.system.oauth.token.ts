/**
 * alipay.system.oauth.token (换取授权访问令牌): the merchant exchanges the auth_code that Alipay's OAuth
 * page put on its redirect (core/flows/user-authorizations.ts) for the person's user_id (what authquery's
 * identity_type 5 takes), their open_id for this app, and tokens; or it refreshes the tokens, through
 * the exchange both token APIs share (core/flows/token-exchange.ts).
 *
 * Unlike the identity APIs, its 请求参数 are top-level parameters (no biz_content), its documented codes
 * are 40002 Invalid Arguments answered in error_response, and a success node has no code or msg: what
 * the official SDKs' own samples and tests show the gateway answering. Source: Alipay's API page
 * (grant_type ≤ 20, code ≤ 40, refresh_token ≤ 40; its error table), with the sub_msg of
 * isv.code-invalid and isv.refresh-token-invalid as Alipay's easysdk tests record them. The documented list of
 * Alipay's v3 SDK model (AlipaySystemOauthTokenErrorResponseModel) adds isp.unknow-error, answered as the public
 * 20000 code with its public text (reference §4); it comes by scenario only.
 */
import { exchangeTokens, notFound, tokenGrantRules, tokenGrantSchema, type TokenExchange } from '../flows/token-exchange.js';
import { ACCESS_TOKEN_SECONDS, AUTH_CODE_MS, REFRESH_TOKEN_SECONDS, USER_AUTHORIZATIONS, withNewUserTokens, type UserAuthorization } from '../flows/user-authorizations.js';
import { defineApiMethod, textField, success } from './api-method.js';
import { PUBLIC_SUB_CODES } from '../protocol/public-errors.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';
import { alipayTime } from './generated-ids.js';

const errors = new BusinessErrorTable([
  { code: '40002', sub_code: 'isv.grant-type-invalid', sub_msg: 'grant_type参数不正确', solution: 'grant_type必须是authorization_code、refresh_token二者之一' },
  { code: '40002', sub_code: 'isv.code-invalid', sub_msg: '授权码code无效', solution: '使用有效的auth_code重新执行令牌换取,或引导用户重新授权' },
  { code: '40002', sub_code: 'isv.refresh-token-invalid', sub_msg: '刷新令牌refresh_token无效', solution: '使用有效的refresh_token重新执行令牌刷新,或引导用户重新授权' },
  { code: '40002', sub_code: 'isv.refresh-token-time-out', sub_msg: '刷新令牌(refresh_token)过期', solution: '使用有效的refresh_token重新执行令牌刷新,或引导用户重新授权' },
  { code: '40002', sub_code: 'isv.refreshed-token-invalid', sub_msg: '刷新出来的令牌无效', solution: '使用返回的刷新令牌再次刷新' },
  { code: '40002', sub_code: 'isv.unmatched-app-id', sub_msg: '调用接口的应用标识(app_id)与令牌授权的应用不相符', solution: '传入正确的app_id和令牌' },
  { code: '20000', sub_code: 'isp.unknow-error', sub_msg: PUBLIC_SUB_CODES['isp.unknow-error'].subMsg, solution: '稍后重试' },
]);

const bizContentSchema = tokenGrantSchema(40);

const GRANT_CODES = { grant_type: 'isv.grant-type-invalid', code: 'isv.code-invalid', refresh_token: 'isv.refresh-token-invalid' } as const;

/** The OAuth side of the exchange: a code or refresh token works only for the app it was issued to. */
const oauthExchange: TokenExchange<UserAuthorization> = {
  records: USER_AUTHORIZATIONS,
  refreshTokenLookup: 'refresh_token',
  errors,
  notFoundCodes: GRANT_CODES,
  noCode: {
    missing: 'grant_type authorization_code needs code, the auth_code of the redirect',
    unknown: (code, context) => `no auth_code ${code} was issued to app ${context.appId}; issue one with POST /__admin/auth-codes`,
  },
  noRefreshToken: {
    missing: 'grant_type refresh_token needs refresh_token, from an earlier answer',
    unknown: (refreshToken) => `refresh_token ${refreshToken} is not the current refresh token of any authorization`,
  },
  codeProblem(record, code, context) {
    // Another app's code is answered as Alipay answers a code it never issued.
    if (record.app_id !== context.appId) return notFound(oauthExchange, 'code', code, context);
    if (record.access_token) return errors.refusal('isv.code-invalid', `auth_code ${code} was already exchanged; a code is good once`);
    if (context.nowMs > record.issued_at_ms + AUTH_CODE_MS) return errors.refusal('isv.code-invalid', `auth_code ${code} expired (issued ${alipayTime(record.issued_at_ms)}, good for 24 hours)`);
    return undefined;
  },
  refreshProblem(record, refreshToken, context) {
    if (record.app_id !== context.appId) return errors.refusal('isv.unmatched-app-id', `refresh_token ${refreshToken} belongs to app ${record.app_id}`);
    const issuedAt = record.tokens_issued_at_ms ?? record.issued_at_ms;
    if (context.nowMs > issuedAt + REFRESH_TOKEN_SECONDS * 1000) {
      return errors.refusal('isv.refresh-token-time-out', `refresh_token ${refreshToken} expired ${REFRESH_TOKEN_SECONDS} s after ${alipayTime(issuedAt)}`);
    }
    return undefined;
  },
  issue(record, context) {
    const issued = withNewUserTokens(record, context.nowMs);
    context.state.records(USER_AUTHORIZATIONS).put(issued);
    return success({
      user_id: issued.user_id,
      open_id: issued.open_id,
      access_token: issued.access_token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: issued.refresh_token,
      re_expires_in: REFRESH_TOKEN_SECONDS,
      auth_start: alipayTime(context.nowMs),
    });
  },
};

export const alipaySystemOauthToken = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.system.oauth.token',
  openApi: 'POST',
  title: '换取授权访问令牌',
  bizContentSchema,
  parametersAt: 'top-level',
  envelope: { refusalsInErrorResponse: true, successWithoutCode: true },
  keeps: [USER_AUTHORIZATIONS],
  businessErrors: errors.rows,
  pageExample: { grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b' },
  // No person agreed on an OAuth page for the page's code: the state issues one.
  exampleCall: { needs: { state: 'the person agreed on the OAuth page', field: 'code' } },
  responseFields: {
    user_id: textField,
    open_id: textField,
    access_token: textField,
    expires_in: { type: 'number' },
    refresh_token: textField,
    re_expires_in: { type: 'number' },
    auth_start: textField,
  },
  schemaFailureRules: tokenGrantRules(GRANT_CODES),
  handle: (parameters, context) => exchangeTokens(oauthExchange, parameters, context),
});
