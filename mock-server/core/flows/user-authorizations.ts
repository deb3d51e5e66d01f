/**
 * 用户信息授权: a person agrees on Alipay's OAuth page that an app may know them; the page hands the
 * app's redirect an auth_code, which alipay.system.oauth.token exchanges for the person's user_id,
 * their open_id for this app, and tokens. The sandbox's stand-in for the page is the admin core's
 * issueAuthCode. This flow owns the record of each such grant; the method and the admin core both
 * work on it through here.
 */
import { recordKind } from '../state/record-collection.js';
import { alipayToken } from '../methods/generated-ids.js';

/** A code is good once; a refresh replaces both tokens. */
export interface UserAuthorization {
  readonly auth_code: string;
  readonly app_id: string;
  readonly user_id: string;
  readonly open_id: string;
  /** auth_base or auth_user. */
  readonly scope: string;
  readonly issued_at_ms: number;
  readonly access_token?: string;
  readonly refresh_token?: string;
  /** When the current tokens were issued: the answer's auth_start, and what their expiry counts from. */
  readonly tokens_issued_at_ms?: number;
}

export const USER_AUTHORIZATIONS = recordKind<UserAuthorization>({
  name: 'user_authorizations',
  key: (record) => record.auth_code,
  lookups: { refresh_token: (record) => record.refresh_token },
});

/** Seconds, as Alipay answers them: 15 days for the access token, 30 for the refresh token. */
export const ACCESS_TOKEN_SECONDS = 1_296_000;
export const REFRESH_TOKEN_SECONDS = 2_592_000;
/** An auth code is good once, and for at most a day (Alipay's support notes on isv.code-invalid). */
export const AUTH_CODE_MS = 24 * 3600_000;

/** The authorization with new tokens, issued at `nowMs`; its old refresh token stops finding it. */
export function withNewUserTokens(authorization: UserAuthorization, nowMs: number): UserAuthorization {
  const round = String(nowMs);
  return {
    ...authorization,
    access_token: alipayToken(nowMs, 'access', authorization.auth_code, round),
    refresh_token: alipayToken(nowMs, 'refresh', authorization.auth_code, round),
    tokens_issued_at_ms: nowMs,
  };
}
