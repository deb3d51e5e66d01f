/**
 * 实名证件信息比对验证: the app first hands Alipay the identity elements a person told it
 * (alipay.user.certdoc.certverify.preconsult: name, ID number, mobile, logon id) and gets a verify_id;
 * then, with the access token of that person's OAuth grant (scope id_verify), asks whether the
 * elements are the person's own (alipay.user.certdoc.certverify.consult). This flow owns the record
 * both methods share; the person behind a token comes from user-authorizations.ts.
 *
 * A verify_id is good for 2 hours ("有效期为 2 小时", AlipayUserCertdocCertverifyPreconsultResponse),
 * on the business clock. The sandbox's choices: a person's Alipay logon id is their mobile number
 * (Alipay's logon ids are a mobile or an email; the sandbox's people have no email); the ID number is
 * compared with its check character upper-cased.
 */
import { stableHex } from '../methods/generated-ids.js';
import type { MethodContext } from '../methods/api-method.js';
import { recordKind } from '../state/record-collection.js';
import type { Person } from '../state/sandbox-store.js';

/** The elements preconsult takes, as its request names them. */
export interface CertdocElements {
  readonly user_name: string;
  readonly cert_type: string;
  readonly cert_no: string;
  readonly mobile?: string;
  readonly logon_id?: string;
}

export interface CertdocVerification extends CertdocElements {
  readonly verify_id: string;
  readonly app_id: string;
  readonly created_at_ms: number;
  readonly expires_at_ms: number;
}

export const CERTDOC_VERIFICATIONS = recordKind<CertdocVerification>({
  name: 'certdoc_verifications',
  key: (record) => record.verify_id,
});

export const VERIFY_ID_VALIDITY_MS = 2 * 3600_000;

/** A new verify_id for these elements: every preconsult is a check of its own, so it is never reused. */
export function preconsult(context: MethodContext, elements: CertdocElements): CertdocVerification {
  const records = context.state.records(CERTDOC_VERIFICATIONS);
  const verifyId = stableHex(32, 'certdoc_verify_id', context.appId, String(context.nowMs), globalThis.crypto.randomUUID());
  const record: CertdocVerification = { ...elements, cert_no: elements.cert_no.toUpperCase(), verify_id: verifyId, app_id: context.appId, created_at_ms: context.nowMs, expires_at_ms: context.nowMs + VERIFY_ID_VALIDITY_MS };
  records.put(record);
  return record;
}

export type PreconsultLookup = { readonly found: CertdocVerification } | { readonly refused: 'unknown' | 'expired'; readonly detail: string };

/** This app's verify_id, within its 2 hours; another app's is as unknown as one never issued. */
export function findPreconsult(context: MethodContext, verifyId: string): PreconsultLookup {
  const record = context.state.records(CERTDOC_VERIFICATIONS).get(verifyId);
  if (!record || record.app_id !== context.appId) return { refused: 'unknown', detail: `no verify_id ${verifyId} was issued to app ${context.appId} by alipay.user.certdoc.certverify.preconsult` };
  if (context.nowMs > record.expires_at_ms) return { refused: 'expired', detail: `verify_id ${verifyId} expired at ${new Date(record.expires_at_ms).toISOString()}, 2 hours after preconsult; preconsult again` };
  return { found: record };
}

/** The elements in the order the answer lists them, with the words fail_reason uses for each. */
const ELEMENT_WORDS: ReadonlyArray<readonly [keyof CertdocElements, string]> = [
  ['user_name', '姓名'],
  ['cert_type', '证件类型'],
  ['cert_no', '证件号'],
  ['mobile', '手机号'],
  ['logon_id', '登录名'],
];

function personValue(person: Person, element: keyof CertdocElements): string {
  if (element === 'user_name') return person.name;
  if (element === 'logon_id') return person.mobile;
  return person[element];
}

export interface ElementComparison {
  readonly passed: boolean;
  /** The preconsult's fields that differ from the person's, in the request's order. */
  readonly failParams: readonly string[];
  /** "姓名不一致", or "姓名、手机号不一致" where several differ. */
  readonly failReason?: string;
}

/** The preconsult's elements against the person's own; an element preconsult was not given is not compared. */
export function compareElements(record: CertdocVerification, person: Person): ElementComparison {
  const differing = ELEMENT_WORDS.filter(([element]) => {
    const given = record[element];
    return given !== undefined && given !== personValue(person, element);
  });
  if (!differing.length) return { passed: true, failParams: [] };
  return { passed: false, failParams: differing.map(([element]) => element), failReason: `${differing.map(([, words]) => words).join('、')}不一致` };
}
