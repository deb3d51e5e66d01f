/**
 * alipay.open.auth.token.app (换取应用授权令牌), and the 应用授权 it stands on: a merchant authorizes a
 * third-party (ISV) app to call APIs for one of the merchant's own apps; Alipay gives the ISV an
 * app_auth_code, which this method exchanges for an app_auth_token (or refreshes). The ISV then sends
 * the token with each call it makes for the merchant, and the call reads and writes the merchant's
 * state (engine/app-auth-token.ts checks it). The sandbox's stand-in for the merchant's authorization
 * page is the admin core's issueAppAuthCode (POST /__admin/app-auth-codes).
 *
 * Source: Alipay's page for this method (opendocs.alipay.com/isv/04h3uf): an app_auth_code is good once
 * and for 24 hours; the error table below; expires_in is obsolete ("应用令牌长期有效"). The lengths and
 * the token formats are those of Alipay's authorization notification table (AlipayDocs/open-docs,
 * 插件授权): app_auth_code 32, app_auth_token and app_refresh_token 40, auth_app_id 32, user_id 16.
 */
import { recordKind } from '../state/record-collection.js';
import { defineApiMethod, refused, success, textField, type MethodContext, type MethodOutcome } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';
import { alipayDate, stableHex } from './generated-ids.js';

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

const bizContentSchema = {
  type: 'object',
  required: ['grant_type'],
  properties: {
    grant_type: { type: 'string', minLength: 1, maxLength: 20, enum: ['authorization_code', 'refresh_token'] },
    code: { type: 'string', maxLength: 32 },
    refresh_token: { type: 'string', maxLength: 40 },
  },
} as const;

/**
 * One merchant's authorization of an ISV app: the app_auth_code, then the tokens it was exchanged
 * for. Kept by the store like every method's records, so it survives a restart.
 */
export interface AppAuthorization {
  readonly app_auth_code: string;
  /** The ISV app the merchant authorized: the only app that may exchange the code and send the token. */
  readonly isv_app_id: string;
  /** The merchant's own app (auth_app_id): calls with the token read and write its state. */
  readonly auth_app_id: string;
  /** The merchant's Alipay user id. */
  readonly user_id: string;
  /** The APIs the merchant authorized; absent for all of them (全权委托). */
  readonly methods?: readonly string[];
  readonly issued_at_ms: number;
  readonly app_auth_token?: string;
  readonly app_refresh_token?: string;
  readonly tokens_issued_at_ms?: number;
  /** When the merchant cancelled the authorization (解除授权): the token is invalid from then on. */
  readonly revoked_at_ms?: number;
  /** When the token was made to expire (POST /__admin/app-auth-tokens/:token/expire). */
  readonly expired_at_ms?: number;
}

export const APP_AUTHORIZATIONS = recordKind<AppAuthorization>({
  name: 'app_authorizations',
  key: (record) => record.app_auth_code,
  lookups: { app_auth_token: (record) => record.app_auth_token, app_refresh_token: (record) => record.app_refresh_token },
});

/** An app_auth_code is good once, and for 24 hours (the page's 说明). */
export const APP_AUTH_CODE_MS = 24 * 3600_000;
/** What expires_in and re_expires_in say, in seconds (both obsolete: tokens are long-lived). */
const EXPIRES_IN = '31536000';
const RE_EXPIRES_IN = '32140800';

/** A 40-character token like 201509BBeff9351ad1874306903e96b91d248A36: year and month, BB, 32 characters. */
function appToken(nowMs: number, ...parts: string[]): string {
  return `${alipayDate(nowMs).slice(0, 6)}BB${stableHex(32, 'app_auth', ...parts)}`;
}

/** The record with new tokens, which have not expired; the old ones (if any) stop finding it. */
export function withNewTokens(record: AppAuthorization, nowMs: number): AppAuthorization {
  const round = String(nowMs);
  const { expired_at_ms: _expired, ...unexpired } = record;
  return {
    ...unexpired,
    app_auth_token: appToken(nowMs, 'token', record.app_auth_code, round),
    app_refresh_token: appToken(nowMs, 'refresh', record.app_auth_code, round),
    tokens_issued_at_ms: nowMs,
  };
}

export interface AppTokenFields {
  readonly user_id: string;
  readonly auth_app_id: string;
  readonly app_auth_token: string;
  readonly app_refresh_token: string;
  readonly expires_in: string;
  readonly re_expires_in: string;
}

/** What the method answers, and what the admin API shows of an issued token. */
export function tokenFields(record: AppAuthorization): AppTokenFields {
  return {
    user_id: record.user_id,
    auth_app_id: record.auth_app_id,
    app_auth_token: record.app_auth_token ?? '',
    app_refresh_token: record.app_refresh_token ?? '',
    expires_in: EXPIRES_IN,
    re_expires_in: RE_EXPIRES_IN,
  };
}

function issueTokens(record: AppAuthorization, context: MethodContext): MethodOutcome {
  const issued = withNewTokens(record, context.nowMs);
  context.state.records(APP_AUTHORIZATIONS).put(issued);
  return success({ ...tokenFields(issued) });
}

function byAuthorizationCode(code: string | undefined, context: MethodContext): MethodOutcome {
  if (!code) return refused(errors.refusal('AUTH_CODE_NOT_EXIST', 'grant_type authorization_code needs code, the app_auth_code of the merchant\'s authorization'));
  const record = context.state.records(APP_AUTHORIZATIONS).get(code);
  if (!record) return refused(errors.refusal('AUTH_CODE_NOT_EXIST', `no app_auth_code ${code} was issued; issue one with POST /__admin/app-auth-codes`));
  if (record.isv_app_id !== context.appId) return refused(errors.refusal('APP_ID_NOT_CONSISTENT', `app_auth_code ${code} was issued to app ${record.isv_app_id}, not ${context.appId}`));
  if (record.app_auth_token) return refused(errors.refusal('AUTH_CODE_NOT_VALID', `app_auth_code ${code} was already exchanged; a code is good once`));
  if (context.nowMs > record.issued_at_ms + APP_AUTH_CODE_MS) return refused(errors.refusal('AUTH_CODE_NOT_VALID', `app_auth_code ${code} expired: it is good for 24 hours`));
  return issueTokens(record, context);
}

function byRefreshToken(refreshToken: string | undefined, context: MethodContext): MethodOutcome {
  if (!refreshToken) return refused(errors.refusal('REFRESH_TOKEN_NOT_EXIST', 'grant_type refresh_token needs refresh_token, the app_refresh_token of an earlier answer'));
  const record = context.state.records(APP_AUTHORIZATIONS).find('app_refresh_token', refreshToken);
  if (!record) return refused(errors.refusal('REFRESH_TOKEN_NOT_EXIST', `app_refresh_token ${refreshToken} is not the current refresh token of any authorization (a refresh replaces it)`));
  if (record.isv_app_id !== context.appId) return refused(errors.refusal('APP_ID_NOT_CONSISTENT', `app_refresh_token ${refreshToken} belongs to app ${record.isv_app_id}, not ${context.appId}`));
  if (record.revoked_at_ms !== undefined) return refused(errors.refusal('REFRESH_TOKEN_NOT_VALID', `the merchant ${record.auth_app_id} cancelled this authorization`));
  return issueTokens(record, context);
}

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
  schemaFailureRules: [
    { field: 'grant_type', on: 'any', subCode: 'GRANT_TYPE_INVALID' },
    { field: 'code', on: 'any', subCode: 'AUTH_CODE_NOT_VALID' },
    { field: 'refresh_token', on: 'any', subCode: 'REFRESH_TOKEN_NOT_VALID' },
  ],
  handle(parameters, context) {
    return parameters.grant_type === 'authorization_code' ? byAuthorizationCode(parameters.code, context) : byRefreshToken(parameters.refresh_token, context);
  },
});
