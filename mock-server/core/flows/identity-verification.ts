/**
 * 核身 (身份核验服务): after alipay.security.risk.verifyidentity.apply said which verification products
 * are usable, alipay.security.risk.verifyidentity.initialize starts a verification and answers the
 * verify_url where the person completes the chosen product (SMS, FACE, ...) and the verify token
 * ("核身校验token"); alipay.security.risk.verifyidentity.confirm later answers the result for that
 * token. The sandbox's stand-in for Alipay's page is the hosted verification page
 * (core/pages/verification-page.ts), which finishes a verification through the admin core, as a
 * test can (POST /__admin/verifications/:token/complete). This flow owns the record all of them share.
 *
 * Alipay documents no validity for a verify token; the sandbox keeps the page open for an hour on the
 * business clock and lets confirm answer a token for as long as the state keeps it.
 */
import type { MethodContext } from '../methods/api-method.js';
import { stableHex } from '../methods/generated-ids.js';
import { recordKind } from '../state/record-collection.js';
import type { SandboxStore } from '../state/sandbox-store.js';

export type VerificationStatus = 'INIT' | 'PASSED' | 'FAILED';

export interface IdentityVerification {
  /** The 核身校验token: 32 hex characters, the same for a retried initialize of the same biz_id. */
  readonly verify_token: string;
  readonly app_id: string;
  readonly biz_id: string;
  readonly scene_code: string;
  /** The products asked for, as initialize's product_code joins them with "|" (SMS|FACE). */
  readonly product_code: string;
  readonly account_id: string;
  readonly account_name?: string;
  /** Where the person's browser goes after the page ("核验后回调业务url"). */
  readonly biz_callback_url?: string;
  readonly created_at_ms: number;
  readonly expires_at_ms: number;
  readonly status: VerificationStatus;
  readonly fail_reason?: string;
  readonly completed_at_ms?: number;
}

export const IDENTITY_VERIFICATIONS = recordKind<IdentityVerification>({
  name: 'identity_verifications',
  key: (record) => record.verify_token,
});

/** The sandbox's choice: no source gives how long Alipay's verify page stays open. */
export const VERIFICATION_VALIDITY_MS = 3600_000;

/** The reason a failed verification gets when the page gives none. */
export const DEFAULT_VERIFY_FAIL_REASON = '核身未通过';

export type VerificationStart = Pick<IdentityVerification, 'biz_id' | 'scene_code' | 'product_code' | 'account_id' | 'account_name' | 'biz_callback_url'>;

/** The verification of this app's biz_id: a retried initialize gets the same token instead of another. */
export function startVerification(context: MethodContext, start: VerificationStart): IdentityVerification {
  const records = context.state.records(IDENTITY_VERIFICATIONS);
  const token = stableHex(32, 'verify_token', context.appId, start.biz_id);
  const ongoing = records.get(token);
  if (ongoing) return ongoing;
  const record: IdentityVerification = {
    ...start,
    verify_token: token,
    app_id: context.appId,
    created_at_ms: context.nowMs,
    expires_at_ms: context.nowMs + VERIFICATION_VALIDITY_MS,
    status: 'INIT',
  };
  records.put(record);
  return record;
}

/** Where the hosted page for a token is served; verify_url is this on the origin the call reached. */
export function verificationPagePath(token: string): string {
  return `/__sandbox/verifications/${encodeURIComponent(token)}`;
}

export function verificationUrl(context: MethodContext, record: IdentityVerification): string {
  return `${context.origin ?? ''}${verificationPagePath(record.verify_token)}`;
}

/** Why confirm gets no verification; the method names it with its own code. */
export interface Unconfirmable {
  readonly refused: 'unknown' | 'mismatch';
  readonly detail: string;
}

/** What confirm reports: the verdict, or not yet (the person has not finished on the page). */
export interface VerificationResult {
  readonly record: IdentityVerification;
  readonly finished: boolean;
  readonly passed: boolean;
}

/**
 * The result for confirm's token, which must be this app's and carry the biz_id and scene_code it was
 * started with: a token another app started is as unknown as one never issued.
 */
export function confirmVerification(context: MethodContext, request: { readonly verify_token: string; readonly biz_id: string; readonly scene_code: string }): { readonly result: VerificationResult } | Unconfirmable {
  const record = context.state.records(IDENTITY_VERIFICATIONS).get(request.verify_token);
  if (!record || record.app_id !== context.appId) return { refused: 'unknown', detail: `no verify_token ${request.verify_token} was issued to app ${context.appId} by alipay.security.risk.verifyidentity.initialize` };
  for (const field of ['biz_id', 'scene_code'] as const) {
    if (record[field] !== request[field]) return { refused: 'mismatch', detail: `verify_token ${record.verify_token} was started with ${field} "${record[field]}", not "${request[field]}"` };
  }
  return { result: { record, finished: record.status !== 'INIT', passed: record.status === 'PASSED' } };
}

export type VerificationCompletion = { readonly passed: true } | { readonly passed: false; readonly reason?: string };

export class VerificationError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

export function findVerification(state: SandboxStore, token: string): IdentityVerification {
  const record = state.records(IDENTITY_VERIFICATIONS).get(token);
  if (!record) throw new VerificationError(`no identity verification ${token}`, 404);
  return record;
}

/** The person's (or a test's) verdict, once, and only while the page is open. */
export function completeVerification(state: SandboxStore, token: string, completion: VerificationCompletion, nowMs: number): IdentityVerification {
  const record = findVerification(state, token);
  if (record.status !== 'INIT') throw new VerificationError(`identity verification ${token} is already ${record.status}`, 409);
  if (nowMs > record.expires_at_ms) throw new VerificationError(`identity verification ${token} expired at ${new Date(record.expires_at_ms).toISOString()}`, 409);
  const finished: IdentityVerification = completion.passed
    ? { ...record, status: 'PASSED', completed_at_ms: nowMs }
    : { ...record, status: 'FAILED', fail_reason: completion.reason || DEFAULT_VERIFY_FAIL_REASON, completed_at_ms: nowMs };
  state.records(IDENTITY_VERIFICATIONS).put(finished);
  return finished;
}
