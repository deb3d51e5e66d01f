/**
 * alipay.open.auth.token.app (换取应用授权令牌): the ISV app exchanges the app_auth_code of a merchant's
 * authorization (core/flows/isv-authorizations.ts) for an app_auth_token, or refreshes it, through the
 * exchange both token APIs share (core/flows/token-exchange.ts).
 *
 * Source: Alipay's page for this method (opendocs.alipay.com/isv/04h3uf): an app_auth_code is good once
 * and for 24 hours; the error table below; expires_in is obsolete ("应用令牌长期有效").
 */
import { APP_AUTH_CODE_MS, APP_AUTHORIZATIONS, tokenFields, withNewTokens, type AppAuthorization } from '../flows/isv-authorizations.js';
import { exchangeTokens, tokenGrantRules, tokenGrantSchema, type TokenExchange } from '../flows/token-exchange.js';
import { defineApiMethod, success, textField } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'APP_ID_NOT_CONSISTENT', sub_msg: '授权令牌授予的应用AppId与当前应用AppId不一致', solution: '确认授权令牌和应用标识是否正确' },
  { sub_code: 'APP_NOT_ISV', sub_msg: '当前请求app_id非第三方应用，请求失败', solution: '当前请求应用非第三方应用，请更改appid后重试' },
  { sub_code: 'AUTH_CODE_NOT_EXIST', sub_msg: 'auth_code不存在', solution: '更换存在的授权code' },
  { sub_code: 'AUTH_CODE_NOT_VALID', sub_msg: '无效的auth_code', solution: '更换有效的授权码' },
  { sub_code: 'AUTH_TOKEN_NOT_FOUND', sub_msg: '授权令牌不存在', solution: '一般不会出现该异常，如出现需要更换有效的授权码' },
  { sub_code: 'GRANT_TYPE_INVALID', sub_msg: 'grant_type必须是authorization_code或者refresh_token', solution: 'grant_type必须是authorization_code或者refresh_token' },
  { sub_code: 'REFRESH_TOKEN_NOT_EXIST', sub_msg: '刷新令牌不存在', solution: '更换存在的刷新令牌' },
  { sub_code: 'REFRESH_TOKEN_NOT_VALID', sub_msg: '无效的刷新令牌', solution: '更换有效的刷新令牌' },
  { sub_code: 'REFRESH_TOKEN_TIME_OUT', sub_msg: '刷新令牌过期', solution: '更换有效的刷新令牌' },
]);

const bizContentSchema = tokenGrantSchema(32);

const GRANT_CODES = { grant_type: 'GRANT_TYPE_INVALID', code: 'AUTH_CODE_NOT_VALID', refresh_token: 'REFRESH_TOKEN_NOT_VALID' } as const;

/** The ISV side of the exchange: only the app the merchant authorized may use its code or tokens. */
const isvExchange: TokenExchange<AppAuthorization> = {
  records: APP_AUTHORIZATIONS,
  refreshTokenLookup: 'app_refresh_token',
  errors,
  notFoundCodes: { code: 'AUTH_CODE_NOT_EXIST', refresh_token: 'REFRESH_TOKEN_NOT_EXIST' },
  noCode: {
    missing: 'grant_type authorization_code needs code, the app_auth_code of the merchant\'s authorization',
    unknown: (code) => `no app_auth_code ${code} was issued; issue one with POST /__admin/app-auth-codes`,
  },
  noRefreshToken: {
    missing: 'grant_type refresh_token needs refresh_token, the app_refresh_token of an earlier answer',
    unknown: (refreshToken) => `app_refresh_token ${refreshToken} is not the current refresh token of any authorization (a refresh replaces it)`,
  },
  codeProblem(record, code, context) {
    if (record.isv_app_id !== context.appId) return errors.refusal('APP_ID_NOT_CONSISTENT', `app_auth_code ${code} was issued to app ${record.isv_app_id}, not ${context.appId}`);
    if (record.app_auth_token) return errors.refusal('AUTH_CODE_NOT_VALID', `app_auth_code ${code} was already exchanged; a code is good once`);
    if (context.nowMs > record.issued_at_ms + APP_AUTH_CODE_MS) return errors.refusal('AUTH_CODE_NOT_VALID', `app_auth_code ${code} expired: it is good for 24 hours`);
    return undefined;
  },
  refreshProblem(record, refreshToken, context) {
    if (record.isv_app_id !== context.appId) return errors.refusal('APP_ID_NOT_CONSISTENT', `app_refresh_token ${refreshToken} belongs to app ${record.isv_app_id}, not ${context.appId}`);
    if (record.revoked_at_ms !== undefined) return errors.refusal('REFRESH_TOKEN_NOT_VALID', `the merchant ${record.auth_app_id} cancelled this authorization`);
    return undefined;
  },
  issue(record, context) {
    const issued = withNewTokens(record, context.nowMs);
    context.state.records(APP_AUTHORIZATIONS).put(issued);
    return success({ ...tokenFields(issued) });
  },
};

export const alipayOpenAuthTokenApp = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.open.auth.token.app',
  openApi: 'POST',
  title: '换取应用授权令牌',
  bizContentSchema,
  keeps: [APP_AUTHORIZATIONS],
  businessErrors: errors.rows,
  pageExample: { grant_type: 'authorization_code', code: '1cc19911172e4f8aaa509c8fb5d12F56' },
  // Nor did a merchant authorize this app with the page's code: the state issues one.
  exampleCall: { needs: { state: 'a merchant authorized the app', field: 'code' } },
  responseFields: {
    user_id: textField,
    auth_app_id: textField,
    app_auth_token: textField,
    app_refresh_token: textField,
    expires_in: textField,
    re_expires_in: textField,
  },
  schemaFailureRules: tokenGrantRules(GRANT_CODES),
  handle: (parameters, context) => exchangeTokens(isvExchange, parameters, context),
});
