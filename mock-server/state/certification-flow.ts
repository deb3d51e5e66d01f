/**
 * A certification's life: started by an initialize call, valid for 23 hours, finished once by the
 * person (on the hosted page) or by a test (POST /__admin/certifications/:id/complete).
 */
import type { Certification, SandboxStore } from './sandbox-store.js';

/** "certifyId认证有效期为23小时以内有效" (Alipay's support answer on OPEN_CERTIFY_BILL_NOT_EXIST). */
export const CERTIFICATION_VALIDITY_MS = 23 * 3600 * 1000;

/** The reason a failed check gets when none is given: Alipay's code for a face that does not match. */
export const DEFAULT_FAIL_REASON = 'Z1147';

export type Completion = { readonly passed: true } | { readonly passed: false; readonly reason?: string } | { readonly cancelled: true };

export class CertificationError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

export function isExpired(certification: Certification, nowMs: number): boolean {
  return nowMs > certification.expires_at_ms;
}

export function complete(state: SandboxStore, certification: Certification, completion: Completion, nowMs: number): void {
  if (certification.status !== 'INIT') {
    throw new CertificationError(`certification ${certification.id} is already ${certification.status}`, 409);
  }
  if (isExpired(certification, nowMs)) {
    throw new CertificationError(`certification ${certification.id} expired at ${new Date(certification.expires_at_ms).toISOString()}`, 409);
  }
  if ('cancelled' in completion) {
    state.updateCertification(certification, { status: 'CANCELLED', completed_at_ms: nowMs });
  } else if (completion.passed) {
    state.updateCertification(certification, { status: 'PASSED', completed_at_ms: nowMs });
  } else {
    state.updateCertification(certification, { status: 'FAILED', fail_reason: completion.reason || DEFAULT_FAIL_REASON, completed_at_ms: nowMs });
  }
}
