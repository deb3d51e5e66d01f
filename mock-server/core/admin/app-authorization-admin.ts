/**
 * The admin operations of 应用授权 (app authorization), in the admin core's style: what a merchant
 * does on Alipay's authorization page (authorize an ISV app, for every API or some), and what the
 * merchant or Alipay does later (cancel it, let it expire), so an ISV's integration can be tested on
 * each path. The records are the flow's (core/flows/isv-authorizations.ts), which the method exchanges.
 */
import {
  APP_AUTH_CODE_MS,
  APP_AUTHORIZATIONS,
  tokenFields,
  withNewTokens,
  type AppAuthorization,
} from '../flows/isv-authorizations.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { alipayUserId, stableDigits } from '../methods/generated-ids.js';
import type { BusinessClock } from '../state/business-clock.js';
import type { SandboxStore } from '../state/sandbox-store.js';
import { AdminError } from './admin-error.js';

/** An app_auth_code as Alipay's authorization page hands it to the ISV's redirect. */
export interface IssuedAppAuthCode {
  readonly app_auth_code: string;
  /** The ISV app the merchant authorized. */
  readonly app_id: string;
  readonly auth_app_id: string;
  readonly user_id: string;
  readonly methods?: readonly string[];
  readonly expires_at: string;
}

/** An issued app_auth_token and where it stands. */
export interface AppAuthTokenView {
  readonly app_auth_token: string;
  readonly app_refresh_token: string;
  readonly app_id: string;
  readonly auth_app_id: string;
  readonly user_id: string;
  readonly methods?: readonly string[];
  readonly issued_at: string;
  /** valid, revoked (the merchant cancelled the authorization) or expired. */
  readonly status: 'valid' | 'revoked' | 'expired';
  readonly expires_in: string;
  readonly re_expires_in: string;
}

export interface AppAuthorizationAdmin {
  /** A merchant authorizes an ISV app: `{ app_id, auth_app_id?, user_id?, methods? }`; the code alipay.open.auth.token.app exchanges once. */
  issueAppAuthCode(request: unknown): Promise<IssuedAppAuthCode>;
  /** The same authorization, already exchanged: an app_auth_token to send at once. */
  issueAppAuthToken(request: unknown): Promise<AppAuthTokenView>;
  /** The tokens issued, of one ISV app when `app_id` is given. */
  appAuthTokens(query?: { app_id?: string }): { tokens: AppAuthTokenView[] };
  appAuthToken(token: string): AppAuthTokenView;
  /** The merchant cancels the authorization: the token is answered as invalid from now on. */
  revokeAppAuthToken(token: string): Promise<AppAuthTokenView>;
  /** The token expires now (on the business clock): answered as expired until it is refreshed. */
  expireAppAuthToken(token: string): Promise<AppAuthTokenView>;
}

export interface AppAuthorizationAdminDependencies {
  readonly state: SandboxStore;
  readonly clock: BusinessClock;
  readonly definitions: readonly ApiMethodDefinition[];
  readonly requireApp: (appId: string) => void;
}

const APP_ID = /^[0-9]{16}$/;
const USER_ID = /^2088[0-9]{12}$/;

function viewOf(record: AppAuthorization, nowMs: number): AppAuthTokenView {
  const status = record.revoked_at_ms !== undefined ? 'revoked' : record.expired_at_ms !== undefined && nowMs >= record.expired_at_ms ? 'expired' : 'valid';
  const { app_auth_token, app_refresh_token, expires_in, re_expires_in } = tokenFields(record);
  return {
    app_auth_token,
    app_refresh_token,
    app_id: record.isv_app_id,
    auth_app_id: record.auth_app_id,
    user_id: record.user_id,
    ...(record.methods ? { methods: record.methods } : {}),
    issued_at: new Date(record.tokens_issued_at_ms ?? record.issued_at_ms).toISOString(),
    status,
    expires_in,
    re_expires_in,
  };
}

export function createAppAuthorizationAdmin(deps: AppAuthorizationAdminDependencies): AppAuthorizationAdmin {
  const { state, clock } = deps;
  const records = () => state.records(APP_AUTHORIZATIONS);
  const served = new Set(deps.definitions.map((d) => d.name));

  /** A new authorization from an admin body, checked as the caller sent it. */
  function newAuthorization(body: unknown): AppAuthorization {
    const { app_id, auth_app_id, user_id, methods } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof app_id !== 'string') throw new AdminError(400, 'app_id is required: the ISV (third-party) app the merchant authorizes');
    deps.requireApp(app_id);
    if (auth_app_id !== undefined && (typeof auth_app_id !== 'string' || !APP_ID.test(auth_app_id))) throw new AdminError(400, 'auth_app_id must be the merchant\'s app_id, 16 digits');
    if (user_id !== undefined && (typeof user_id !== 'string' || !USER_ID.test(user_id))) throw new AdminError(400, 'user_id must be the merchant\'s Alipay user id, 2088 and 12 digits');
    if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string'))) {
      throw new AdminError(400, 'methods must be a non-empty list of the API names the merchant authorizes (leave it out for all of them)');
    }
    const unknown = (methods as string[] | undefined)?.filter((m) => !served.has(m)) ?? [];
    if (unknown.length) throw new AdminError(400, `methods: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not APIs' : 'is not an API'} the sandbox serves`);
    const code = globalThis.crypto.randomUUID().replaceAll('-', '');
    const merchant = auth_app_id ?? `2021${stableDigits(12, 'merchant app', app_id, code)}`;
    return {
      app_auth_code: code,
      isv_app_id: app_id,
      auth_app_id: merchant,
      user_id: user_id ?? alipayUserId('merchant', merchant),
      ...(methods ? { methods: methods as string[] } : {}),
      issued_at_ms: clock.now(),
    };
  }

  function recordOf(token: string): AppAuthorization {
    const record = records().find('app_auth_token', token);
    if (!record) throw new AdminError(404, `no current app_auth_token ${token} (a refresh replaces a token); GET /__admin/app-auth-tokens lists them`);
    return record;
  }

  async function change(record: AppAuthorization): Promise<AppAuthTokenView> {
    records().put(record);
    await state.persist();
    return viewOf(record, clock.now());
  }

  return {
    async issueAppAuthCode(body) {
      const record = newAuthorization(body);
      records().put(record);
      await state.persist();
      const { app_auth_code, isv_app_id, auth_app_id, user_id, methods } = record;
      return { app_auth_code, app_id: isv_app_id, auth_app_id, user_id, ...(methods ? { methods } : {}), expires_at: new Date(record.issued_at_ms + APP_AUTH_CODE_MS).toISOString() };
    },
    issueAppAuthToken: (body) => change(withNewTokens(newAuthorization(body), clock.now())),
    appAuthTokens(query = {}) {
      const now = clock.now();
      const tokens = records()
        .all()
        .filter((r) => r.app_auth_token !== undefined && (query.app_id === undefined || r.isv_app_id === query.app_id));
      return { tokens: tokens.map((r) => viewOf(r, now)) };
    },
    appAuthToken: (token) => viewOf(recordOf(token), clock.now()),
    revokeAppAuthToken(token) {
      const record = recordOf(token);
      return change({ ...record, revoked_at_ms: record.revoked_at_ms ?? clock.now() });
    },
    expireAppAuthToken(token) {
      const record = recordOf(token);
      if (record.revoked_at_ms !== undefined) throw new AdminError(409, `app_auth_token ${token} was revoked; a revoked token cannot expire`);
      return change({ ...record, expired_at_ms: clock.now() });
    },
  };
}
