/**
 * 应用授权: a merchant authorizes a third-party (ISV) app to call APIs for one of the merchant's own
 * apps; Alipay gives the ISV an app_auth_code, which alipay.open.auth.token.app exchanges for an
 * app_auth_token. The ISV sends the token with each call it makes for the merchant, and the call reads
 * and writes the merchant's state (core/engine/app-auth-token.ts checks it). The sandbox's stand-in for the
 * merchant's authorization page is the admin core's issueAppAuthCode (core/admin/app-authorization-admin.ts).
 * This flow owns the record of each authorization and how its tokens look; the method, the gateway's
 * token check and the admin core all work on it through here.
 *
 * Lengths and token formats are those of Alipay's authorization notification table (AlipayDocs/open-docs,
 * 插件授权): app_auth_code 32, app_auth_token and app_refresh_token 40, auth_app_id 32, user_id 16.
 */
import { recordKind } from '../state/record-collection.js';
import { alipayDate, stableHex } from '../methods/generated-ids.js';

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
