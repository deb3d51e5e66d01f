/**
 * The face-verification lifecycle the families share: alipay.user.certify.open.* (certify_id,
 * outer_order_no), zhima.customer.certification.* (biz_no, transaction_id), the H5 face check
 * datadigital.fincloud.generalsaas.face.certify.* (certify_id, outer_order_no), and the App face
 * verification datadigital.fincloud.generalsaas.face.verification.* and its liveness-only sibling
 * ...face.check.* (certify_id, outer_order_no). An initialize call starts a certification, the
 * certify call's page shows it to the person (the H5 family's verify answers a certify_url, the App
 * families' initialize a web_url, that opens the same page), the query reports it. It
 * is valid for 23 hours and finished once, by the person on the hosted page or by a test
 * (POST /__admin/certifications/:id/complete). zhima.customer.certification.material.certify
 * certifies in one call and keeps its answer under its transaction_id.
 *
 * The flow answers in no family's words: each method file maps what it gets here onto its own
 * documented codes and answer fields.
 */
import { describeResidentIdProblem, residentIdProblem } from '../identity/resident-id.js';
import type { MethodContext } from '../methods/api-method.js';
import { stableHex, zhimaBizNo } from '../methods/generated-ids.js';
import { certificationPage, hostedPagePath } from '../pages/certification-page.js';
import type { Certification, CertificationKind, MaterialCertification, SandboxStore } from '../state/sandbox-store.js';

/** The records this flow keeps, for the methods that answer from them. */
export type { Certification, MaterialCertification } from '../state/sandbox-store.js';

/** "certifyId认证有效期为23小时以内有效" (Alipay's support answer on OPEN_CERTIFY_BILL_NOT_EXIST). */
const CERTIFICATION_VALIDITY_MS = 23 * 3600 * 1000;

/** The reason a failed check gets when none is given: Alipay's code for a face that does not match. */
const DEFAULT_FAIL_REASON = 'Z1147';

/** What sets one family apart from the others in the lifecycle they share. */
export interface FaceCertificationFamily {
  /** The kind its certifications are kept as: an id of one family is unknown to the others' methods. */
  readonly kind: CertificationKind;
  /** What its parameters and messages call a certification's id. */
  readonly idName: 'certify_id' | 'biz_no';
  /** Whether its query refuses an id nobody finished in time, or answers it as not passed. */
  readonly expiredQuery: 'refused' | 'answered';
  /** The id a new certification of this app's order gets; the same order always gets the same one. */
  issueId(context: MethodContext, orderNo: string): string;
}

/**
 * A family whose order is outer_order_no and whose id is a certify_id of 32 hex characters, like the
 * H5 page's example 2109b5e671aa3ff2eb4851816c65828f. Its query refuses an id nobody finished in time:
 * CERTIFY_ID_EXPIRED 认证已失效, as Alipay's easysdk tests record certify-open's query of an old
 * certify_id; the other families document no code for it and answer as certify-open does. The id's own
 * name (`idSalt`) keeps the same order number of two families apart.
 */
function certifyIdFamily(kind: CertificationKind, idSalt: string): FaceCertificationFamily {
  return {
    kind,
    idName: 'certify_id',
    expiredQuery: 'refused',
    issueId: (context, outerOrderNo) => stableHex(32, idSalt, context.appId, outerOrderNo),
  };
}

export const CERTIFY_OPEN = certifyIdFamily('certify-open', 'certify_id');

export const ZHIMA_CERTIFICATION: FaceCertificationFamily = {
  kind: 'zhima-certification',
  idName: 'biz_no',
  // Zhima documents no code for an old biz_no; it stays "not passed".
  expiredQuery: 'answered',
  issueId: (context, transactionId) => zhimaBizNo(context.nowMs, context.appId, 'certification', transactionId),
};

export const FACE_CERTIFY = certifyIdFamily('face-certify', 'face_certify_id');

export const FACE_VERIFICATION = certifyIdFamily('face-verification', 'face_verification_certify_id');

/** Liveness only: the person shows a live face and no identity is compared. */
export const FACE_CHECK = certifyIdFamily('face-check', 'face_check_certify_id');

/** Why a certify or query call gets no certification; the method names it with its own documented code. */
export interface Refused {
  readonly refused: 'unknown' | 'expired';
  readonly detail: string;
}

/** The person an identity_param names, as a certification keeps them. */
export type CertifiedPerson = Certification['identity'];

/** What a liveness check keeps as its person: it names nobody, and no identity is compared. */
export const NOBODY: CertifiedPerson = { cert_type: '', cert_name: '', cert_no: '' };

/** identity_param's person with cert_no's check character upper-cased, or why cert_no is no resident ID. */
export function personToCertify(identityParam: string): { readonly person: CertifiedPerson } | { readonly problem: string } {
  return checkedPerson(JSON.parse(identityParam) as CertifiedPerson, 'identity_param.cert_no');
}

/** The person with cert_no's check character upper-cased, or why cert_no (at `field`) is no resident ID. */
export function checkedPerson(person: CertifiedPerson, field: string): { readonly person: CertifiedPerson } | { readonly problem: string } {
  const { cert_type, cert_name, cert_no } = person;
  const problem = residentIdProblem(cert_no);
  if (problem) return { problem: describeResidentIdProblem(field, cert_no, problem) };
  return { person: { cert_type, cert_name, cert_no: cert_no.toUpperCase() } };
}

/** What an initialize call asks for; return_url and output_facial_picture come from certify-open's merchant_config. */
export type CertificationStart = Pick<Certification, 'order_no' | 'biz_code' | 'return_url' | 'output_facial_picture'> & { readonly identity_param: string };

/** The certification of this app's order: a retried initialize continues it instead of starting another. */
export function startCertification(
  context: MethodContext,
  family: FaceCertificationFamily,
  start: CertificationStart,
): { readonly started: Certification } | { readonly problem: string } {
  const { identity_param, ...order } = start;
  const checked = personToCertify(identity_param);
  if ('problem' in checked) return checked;
  return { started: certificationOf(context, family, order, checked.person) };
}

/** The certification of this app's order for a person already checked (NOBODY for a liveness check). */
export function certificationOf(context: MethodContext, family: FaceCertificationFamily, order: Omit<CertificationStart, 'identity_param'>, person: CertifiedPerson): Certification {
  return context.state.certificationForOrder(family.kind, context.appId, order.order_no) ?? addCertification(context, family, order, person);
}

function addCertification(context: MethodContext, family: FaceCertificationFamily, order: Omit<CertificationStart, 'identity_param'>, person: CertifiedPerson): Certification {
  const { order_no, biz_code, ...merchantChoices } = order;
  const certification: Certification = {
    kind: family.kind,
    id: family.issueId(context, order_no),
    order_no,
    biz_code,
    identity: person,
    ...merchantChoices,
    app_id: context.appId,
    created_at_ms: context.nowMs,
    expires_at_ms: context.nowMs + CERTIFICATION_VALIDITY_MS,
    status: 'INIT',
  };
  context.state.addCertification(certification);
  return certification;
}

export function isExpired(certification: Certification, nowMs: number): boolean {
  return nowMs > certification.expires_at_ms;
}

/** This app's certification by id; another app's, or the other family's, is as unknown as one never started. */
export function findCertification(
  context: MethodContext,
  family: FaceCertificationFamily,
  id: string,
  options: { readonly mustBeValid?: boolean } = {},
): { readonly found: Certification } | Refused {
  const certification = context.state.certification(id);
  if (!certification || certification.kind !== family.kind || certification.app_id !== context.appId) {
    return { refused: 'unknown', detail: `no ${family.idName} ${id} was started by app ${context.appId}` };
  }
  if (options.mustBeValid && isExpired(certification, context.nowMs)) {
    return { refused: 'expired', detail: `${id} expired at ${new Date(certification.expires_at_ms).toISOString()} (23 hours after it was started)` };
  }
  return { found: certification };
}

/**
 * The certify call's page, for an id still within its 23 hours. A return_url given here (Zhima takes
 * it as a public parameter of this call) replaces the one an unfinished certification had.
 */
export function certifyPage(context: MethodContext, family: FaceCertificationFamily, id: string, returnUrl?: string): { readonly page: string } | Refused {
  const lookup = findCertification(context, family, id, { mustBeValid: true });
  if ('refused' in lookup) return lookup;
  const certification = lookup.found;
  if (returnUrl !== undefined && returnUrl !== certification.return_url && certification.status === 'INIT') {
    context.state.updateCertification(certification, { return_url: returnUrl });
  }
  return { page: certificationPage(certification) };
}

/**
 * The address of the page for an id still within its 23 hours, for a family whose certify call answers
 * a link (certify_url) rather than the page: on the origin the call reached, or the sandbox's own path
 * where the adapter does not tell it.
 */
export function certifyPageLink(context: MethodContext, family: FaceCertificationFamily, id: string): { readonly url: string } | Refused {
  const lookup = findCertification(context, family, id, { mustBeValid: true });
  if ('refused' in lookup) return lookup;
  return { url: hostedPageLink(context, lookup.found) };
}

/** The hosted page of a certification on the origin the call reached (the sandbox's own path where unknown). */
export function hostedPageLink(context: MethodContext, certification: Certification): string {
  return `${context.origin ?? ''}${hostedPagePath(certification.id)}`;
}

/** A query's answer before a family names and spells its fields. */
export interface CertificationResult {
  readonly certification: Certification;
  readonly passed: boolean;
  /** The person got as far as a verdict, passed or failed; cancelled or not yet tried is not finished. */
  readonly finished: boolean;
  /** The identity that was checked, as a JSON string; "{}" until the person passed. */
  readonly identity_info: string;
  readonly fail_reason?: string;
}

/** What a query reports of an id: a finished certification stays queryable after its 23 hours. */
export function queryCertification(context: MethodContext, family: FaceCertificationFamily, id: string): { readonly result: CertificationResult } | Refused {
  const lookup = findCertification(context, family, id);
  if ('refused' in lookup) return lookup;
  const certification = lookup.found;
  if (family.expiredQuery === 'refused' && certification.status === 'INIT' && isExpired(certification, context.nowMs)) {
    return { refused: 'expired', detail: `${family.idName} ${certification.id} was not finished within 23 hours (expired ${new Date(certification.expires_at_ms).toISOString()}); start a new one` };
  }
  return { result: resultOf(certification) };
}

function resultOf(certification: Certification): CertificationResult {
  const passed = certification.status === 'PASSED';
  return {
    certification,
    passed,
    finished: passed || certification.status === 'FAILED',
    identity_info: passed ? identityInfo(certification) : '{}',
    ...(certification.fail_reason ? { fail_reason: certification.fail_reason } : {}),
  };
}

function identityInfo(certification: Certification): string {
  const { cert_type, cert_name, cert_no } = certification.identity;
  return JSON.stringify({ cert_type, cert_name, cert_no });
}

export type Completion = { readonly passed: true } | { readonly passed: false; readonly reason?: string } | { readonly cancelled: true };

export class CertificationError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** The person's (or a test's) verdict, once, and only while the certification is within its 23 hours. */
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

/**
 * material.certify's verdict for this app's transaction_id: the materials are not judged, so the
 * person passes; a retried transaction_id gets the answer it got the first time.
 */
export function certifyWithMaterials(context: MethodContext, transactionId: string): MaterialCertification {
  const earlier = context.state.materialCertification(context.appId, transactionId);
  if (earlier) return earlier;
  const record: MaterialCertification = {
    app_id: context.appId,
    transaction_id: transactionId,
    biz_no: zhimaBizNo(context.nowMs, context.appId, transactionId),
    passed: 'true',
    failed_reason: '认证完成',
    certified_at_ms: context.nowMs,
  };
  context.state.addMaterialCertification(record);
  return record;
}
