/**
 * 用户信息授权: a person agrees on Alipay's OAuth page that an app may know them; the page hands the
 * app's redirect an auth_code, which alipay.system.oauth.token exchanges for the person's user_id,
 * their open_id for this app, and tokens; alipay.user.info.share then answers, for the access token
 * of a grant of scope auth_user, the person's ids and public profile (a token of any other scope is
 * refused, checkUserInfoToken). The sandbox's stand-ins for the page are
 * the hosted consent page (core/pages/oauth-consent.ts) and the admin core's issueAuthCode, which the
 * page's agreement goes through. This flow owns the record of each such grant; the methods, the admin
 * core and the page all work on it through here.
 */
import { recordKind } from '../state/record-collection.js';
import type { Person, SandboxStore } from '../state/sandbox-store.js';
import { alipayToken, alipayUserId } from '../methods/generated-ids.js';
import { publicProfile } from '../identity/person-profile.js';

/** A code is good once; a refresh replaces both tokens. */
export interface UserAuthorization {
  readonly auth_code: string;
  readonly app_id: string;
  readonly user_id: string;
  readonly open_id: string;
  /** auth_base, auth_user or id_verify. */
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
  lookups: { refresh_token: (record) => record.refresh_token, access_token: (record) => record.access_token },
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

/**
 * The scopes of Alipay's OAuth page the sandbox grants: the person's id only, their public profile
 * too, or the check of identity elements they gave the app (alipay.user.certdoc.certverify.consult).
 */
export const OAUTH_SCOPES = ['auth_base', 'auth_user', 'id_verify'] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export function isOAuthScope(scope: string): scope is OAuthScope {
  return (OAUTH_SCOPES as readonly string[]).includes(scope);
}

/** Whether the person's grant lets the app do what `scope` names. */
export function grantsScope(authorization: UserAuthorization, scope: OAuthScope): boolean {
  return authorization.scope === scope;
}

/** A person's agreement on the OAuth page: a new auth_code for `appId`, kept until exchanged (or a day). */
export function grantUserAuthorization(state: SandboxStore, grant: { readonly appId: string; readonly person: Person; readonly scope: OAuthScope; readonly nowMs: number }): UserAuthorization {
  const record: UserAuthorization = {
    auth_code: globalThis.crypto.randomUUID().replaceAll('-', ''),
    app_id: grant.appId,
    user_id: grant.person.user_id,
    open_id: alipayUserId(grant.appId, grant.person.user_id),
    scope: grant.scope,
    issued_at_ms: grant.nowMs,
  };
  state.records(USER_AUTHORIZATIONS).put(record);
  return record;
}

/**
 * The merchant's own value the OAuth page hands back unchanged. Alipay's guide asks for a short,
 * unguessable one; the sandbox takes any text up to this length (its choice: a URL carries it).
 */
export const OAUTH_STATE_MAX_LENGTH = 100;

/** The scheme of a redirect_uri ("https:"), or undefined when it is no absolute URL and cannot be redirected to. */
export function redirectScheme(redirectUri: string): string | undefined {
  try {
    return new URL(redirectUri).protocol;
  } catch {
    return undefined;
  }
}

/**
 * The merchant's redirect_uri (an absolute URL) with what Alipay's OAuth page adds to it: app_id,
 * source, scope, auth_code, and the merchant's own state, unchanged, where it sent one.
 */
export function authorizationRedirect(redirectUri: string, record: UserAuthorization, state?: string): string {
  const url = new URL(redirectUri);
  const added = { app_id: record.app_id, source: 'alipay_wallet', scope: record.scope, auth_code: record.auth_code, ...(state ? { state } : {}) };
  for (const [name, value] of Object.entries(added)) url.searchParams.set(name, value);
  return url.toString();
}

/** The public auth_token parameter is at most 40 characters (Alipay's 公共请求参数 table). */
const AUTH_TOKEN_MAX_LENGTH = 40;

/** Where a call's auth_token leaves it: the authorization it stands for, or Alipay's 20001 sub_code and why. */
export type AccessTokenCheck =
  | { readonly ok: true; readonly authorization: UserAuthorization }
  | { readonly ok: false; readonly subCode: 'aop.invalid-auth-token' | 'aop.auth-token-time-out'; readonly detail: string };

const EXCHANGE_ONE = 'send the access_token alipay.system.oauth.token answered for an auth_code of this app (POST /__admin/auth-codes, or the page /oauth2/publicAppAuthorize.htm)';

/**
 * The authorization a call's auth_token stands for. Unknown, replaced by a refresh, or issued to
 * another app: invalid, as Alipay answers a token it cannot use for this app; past its 15 days on
 * the business clock: timed out.
 */
export function checkAccessToken(state: SandboxStore, token: string | undefined, appId: string, nowMs: number): AccessTokenCheck {
  const invalid = (why: string): AccessTokenCheck => ({ ok: false, subCode: 'aop.invalid-auth-token', detail: `${why}; ${EXCHANGE_ONE}` });
  if (!token) return invalid('the call has no auth_token');
  if (token.length > AUTH_TOKEN_MAX_LENGTH) return invalid(`auth_token is ${token.length} characters long; a token has at most ${AUTH_TOKEN_MAX_LENGTH}`);
  const authorization = state.records(USER_AUTHORIZATIONS).find('access_token', token);
  if (!authorization) return invalid(`auth_token ${token} is not a current access token the sandbox issued (a refresh replaces it)`);
  if (authorization.app_id !== appId) return invalid(`auth_token ${token} was issued to app ${authorization.app_id}, not ${appId}`);
  const issuedAt = authorization.tokens_issued_at_ms ?? authorization.issued_at_ms;
  if (nowMs > issuedAt + ACCESS_TOKEN_SECONDS * 1000) {
    return { ok: false, subCode: 'aop.auth-token-time-out', detail: `auth_token ${token} expired ${ACCESS_TOKEN_SECONDS} s after ${new Date(issuedAt).toISOString()}; refresh it with alipay.system.oauth.token grant_type=refresh_token` };
  }
  return { ok: true, authorization };
}

/**
 * The authorization a call of alipay.user.info.share may read: one checkAccessToken accepts whose
 * grant includes scope auth_user. A token granted without it (auth_base alone, or id_verify) is
 * refused as invalid, 20001 aop.invalid-auth-token 无效的访问令牌: Alipay's support answer for that
 * code on this method (developer.aliyun.com/ask/285672, 获取会员基础信息提示 aop.invalid-auth-token)
 * names the authorization link's scope as a cause, "只有配置auth_user才能去调用【alipay.user.info.share】
 * 接口进行获取授权用户信息". A grant of auth_user,auth_base is kept as auth_user (the wider scope).
 */
export function checkUserInfoToken(state: SandboxStore, token: string | undefined, appId: string, nowMs: number): AccessTokenCheck {
  const check = checkAccessToken(state, token, appId, nowMs);
  if (!check.ok || grantsScope(check.authorization, 'auth_user')) return check;
  return {
    ok: false,
    subCode: 'aop.invalid-auth-token',
    detail: `auth_token ${token} was granted scope ${check.authorization.scope}; alipay.user.info.share shares user info only for a token of scope auth_user (authorize with scope=auth_user, POST /__admin/auth-codes with "scope": "auth_user", and exchange that code)`,
  };
}

/**
 * What alipay.user.info.share answers for an authorization of scope auth_user (checkUserInfoToken):
 * the person's ids and their public profile, made from the synthetic person (see person-profile.ts).
 */
export function sharedUserInfo(state: SandboxStore, authorization: UserAuthorization): Record<string, string> {
  const ids = { user_id: authorization.user_id, open_id: authorization.open_id };
  const person = state.personByUserId(authorization.user_id);
  return person ? { ...ids, ...publicProfile(person) } : ids;
}
