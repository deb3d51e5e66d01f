/**
 * Certifications as the methods of both face-verification flows (alipay.user.certify.open.* and
 * zhima.customer.certification.*) start, find and report them.
 */
import { CERTIFICATION_VALIDITY_MS, isExpired } from '../state/certification-flow.js';
import type { Certification, CertificationKind } from '../state/sandbox-store.js';
import type { MethodContext } from './api-method.js';

export function startCertification(
  context: MethodContext,
  start: Pick<Certification, 'kind' | 'id' | 'order_no' | 'biz_code' | 'identity' | 'return_url' | 'output_facial_picture'>,
): Certification {
  const certification: Certification = {
    ...start,
    app_id: context.appId,
    created_at_ms: context.nowMs,
    expires_at_ms: context.nowMs + CERTIFICATION_VALIDITY_MS,
    status: 'INIT',
  };
  context.state.addCertification(certification);
  return certification;
}

export type Lookup = { readonly found: Certification } | { readonly missing: string };

/** This app's certification by id; another app's is as unknown as one that never existed. */
export function findCertification(context: MethodContext, kind: CertificationKind, id: string, options: { mustBeValid?: boolean } = {}): Lookup {
  const certification = context.state.certification(id);
  if (!certification || certification.kind !== kind || certification.app_id !== context.appId) {
    return { missing: `no ${kind === 'certify-open' ? 'certify_id' : 'biz_no'} ${id} was started by app ${context.appId}` };
  }
  if (options.mustBeValid && isExpired(certification, context.nowMs)) {
    return { missing: `${id} expired at ${new Date(certification.expires_at_ms).toISOString()} (23 hours after it was started)` };
  }
  return { found: certification };
}

/** identity_info as query answers report it: the identity that was checked, as a JSON string. */
export function identityInfo(certification: Certification): string {
  const { cert_type, cert_name, cert_no } = certification.identity;
  return JSON.stringify({ cert_type, cert_name, cert_no });
}
