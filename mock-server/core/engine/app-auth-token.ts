/**
 * The gateway's check of an app_auth_token (the v1 public parameter, v3's alipay-app-auth-token header):
 * a third-party (ISV) app calling for a merchant. A token the sandbox issued, to this app, not revoked,
 * not expired, for an API the merchant authorized, makes the call the merchant's: it reads and writes
 * the merchant app's state. Anything else is refused with Alipay's public 20001 codes, before any
 * scenario rule sees the request, as Alipay's gateway refuses it before the API runs.
 */
import { APP_AUTHORIZATIONS, type AppAuthorization } from '../flows/isv-authorizations.js';
import { publicError } from '../protocol/public-errors.js';
import type { SandboxStore } from '../state/sandbox-store.js';
import { Rejection } from './request-state.js';

const ISSUE_ONE = 'issue one with POST /__admin/app-auth-tokens, or exchange an app_auth_code (POST /__admin/app-auth-codes) with alipay.open.auth.token.app';

/** The authorization a call's app_auth_token stands for, or the refusal of the token. */
export function authorizationOf(state: SandboxStore, token: string, callerAppId: string, method: string, nowMs: number): AppAuthorization {
  const authorization = state.records(APP_AUTHORIZATIONS).find('app_auth_token', token);
  if (!authorization) throw new Rejection(publicError('aop.invalid-app-auth-token', `app_auth_token ${token} is not a current token the sandbox issued (a refresh replaces it); ${ISSUE_ONE}`));
  if (authorization.isv_app_id !== callerAppId) {
    throw new Rejection(publicError('aop.invalid-app-auth-token', `app_auth_token ${token} was issued to app ${authorization.isv_app_id}, not to ${callerAppId}`));
  }
  if (authorization.revoked_at_ms !== undefined) {
    throw new Rejection(publicError('aop.invalid-app-auth-token', `merchant app ${authorization.auth_app_id} cancelled this authorization at ${new Date(authorization.revoked_at_ms).toISOString()}`));
  }
  if (authorization.expired_at_ms !== undefined && nowMs >= authorization.expired_at_ms) {
    throw new Rejection(publicError('aop.app-auth-token-time-out', `app_auth_token ${token} expired at ${new Date(authorization.expired_at_ms).toISOString()}; refresh it with alipay.open.auth.token.app`));
  }
  if (authorization.methods && !authorization.methods.includes(method)) {
    throw new Rejection(publicError('aop.invalid-app-auth-token-no-api', `merchant app ${authorization.auth_app_id} authorized ${authorization.methods.join(', ')}, not ${method}`));
  }
  return authorization;
}
