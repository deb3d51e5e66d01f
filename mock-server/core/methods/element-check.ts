/**
 * What the element checks of Alipay's 实名信息核验 products (datadigital.fincloud.generalsaas: 身份证二要素核验,
 * 手机号三要素核验简版 / 详版) share: the request's person read against the people the sandbox knows, and
 * the answer's certify_id, match and isp.
 *
 * The stored sources (Alipay's SDK model and response classes, third-party SDKs) give the fields but not
 * the pages' tables, so these are the sandbox's choices, said once here: match is "T" or "F" like the
 * passed of Alipay's other identity answers; isp is the carrier's Chinese short name by number prefix; the
 * one business code is SYSTEM_ERROR 系统繁忙 as the sibling identity pages write it; lengths are generous.
 */
import { residentIdProblem } from '../identity/resident-id.js';
import { defineApiMethod, success, textField, type ApiMethodDefinition, type ExampleCall, type MethodContext, type MethodOutcome, type SchemaFailureRule } from './api-method.js';
import { BusinessErrorTable } from './business-errors.js';
import { stableHex } from './generated-ids.js';

export const elementCheckErrors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
]);

/**
 * What every element check's definition holds alike: its one code, the field magic identities match on,
 * and no schema failure of its own (no page documents one: isv.invalid-parameter names the field).
 */
export const elementCheckParts = {
  businessErrors: elementCheckErrors.rows,
  identityField: 'cert_no',
  schemaFailureRules: [] as readonly SchemaFailureRule[],
} as const;

/** The example call: no page example was found, so a fixture person, who matches in either world. */
export function elementCheckExample(fields: Readonly<Record<string, string>>): ExampleCall {
  return {
    request: { outer_biz_no: 'ZGYD201809132323000001234', cert_name: '戴乙萍', cert_no: '330203195001030308', ...fields },
    unique: ['outer_biz_no'],
  };
}

/** The request fields every element check carries, as Alipay's model classes name them. */
export const elementCheckProperties = {
  outer_biz_no: { type: 'string', minLength: 1, maxLength: 64 },
  biz_code: { type: 'string', maxLength: 64 },
  cert_name: { type: 'string', minLength: 1, maxLength: 64 },
  cert_no: { type: 'string', minLength: 1, maxLength: 32 },
} as const;

/** An element check's biz_content: the fields every check carries, and its own (`required` among them). */
export function elementCheckSchema<const Own extends Readonly<Record<string, unknown>>, const Required extends keyof Own & string>(own: Own, required: readonly Required[]) {
  return {
    type: 'object',
    required: ['outer_biz_no', 'cert_name', 'cert_no', ...required],
    properties: { ...elementCheckProperties, ...own },
  } as const;
}

export const certTypeProperty = { type: 'string', minLength: 1, maxLength: 32, enum: ['IDENTITY_CARD'] } as const;

/** A mainland mobile number: 11 digits from 1. */
export const phoneProperty = { type: 'string', minLength: 1, maxLength: 11, pattern: '^1\\d{10}$' } as const;

/** The person's elements as the request gives them. */
export interface ClaimedElements {
  readonly outer_biz_no: string;
  readonly cert_name: string;
  readonly cert_no: string;
  readonly phone?: string;
}

/** Which elements differ from the person's, or that no one the sandbox admits has this ID number. */
export type ElementVerdict = { readonly match: true } | { readonly match: false; readonly differing: readonly ('姓名' | '手机号')[]; readonly noRecord: boolean };

/**
 * The verdict on the claimed elements. A known person (fixture, admin-added, first seen earlier) matches
 * only with their own name and mobile; in an open world anyone else matches as given (every well-formed
 * identity is a member); in a closed one nobody else does. membership.ts's memberFor says whether, not
 * which element differs, which the detailed check answers with.
 */
export function checkElements(context: MethodContext, claimed: ClaimedElements): ElementVerdict {
  const certNo = claimed.cert_no.toUpperCase();
  if (residentIdProblem(certNo)) return { match: false, differing: [], noRecord: true };
  const stored = context.state.person(certNo);
  const known = context.membership === 'closed' && stored?.source === 'authorization' ? undefined : stored;
  if (!known) return context.membership === 'open' ? { match: true } : { match: false, differing: [], noRecord: true };
  const differing = [
    ...(known.name === claimed.cert_name ? [] : (['姓名'] as const)),
    ...(claimed.phone === undefined || known.mobile === '' || known.mobile === claimed.phone ? [] : (['手机号'] as const)),
  ];
  return differing.length ? { match: false, differing, noRecord: false } : { match: true };
}

/** The check's 认证单据号: the same order of the same app names the same check. */
export function elementCertifyId(context: MethodContext, method: string, outerBizNo: string): string {
  return stableHex(32, 'element-check', method, context.appId, outerBizNo);
}

const CARRIER_PREFIXES: readonly (readonly [string, readonly string[]])[] = [
  ['移动', ['134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159', '172', '178', '182', '183', '184', '187', '188', '195', '197', '198']],
  ['联通', ['130', '131', '132', '145', '155', '156', '166', '167', '171', '175', '176', '185', '186', '196']],
  ['电信', ['133', '149', '153', '173', '174', '177', '180', '181', '189', '190', '191', '193', '199']],
  ['广电', ['192']],
];

/** The carrier of a mobile number by its first three digits (未知 for a prefix no carrier has). */
export function carrierOf(phone: string): string {
  const prefix = phone.slice(0, 3);
  return CARRIER_PREFIXES.find(([, prefixes]) => prefixes.includes(prefix))?.[0] ?? '未知';
}

/** The detailed check's detail: 一致, 查无记录, or which elements differ (姓名不一致, 姓名、手机号不一致). */
export function verdictDetail(verdict: ElementVerdict): string {
  if (verdict.match) return '一致';
  return verdict.noRecord ? '查无记录' : `${verdict.differing.join('、')}不一致`;
}

/** The answer fields of both mobile three-element checks (简版 and 详版 list the same four). */
export const mobileThreeMetaResponseFields = {
  certify_id: textField,
  match: { type: 'string', enum: ['T', 'F'] },
  isp: textField,
  detail: textField,
} as const;

/** Either mobile three-element check's answer to the claimed elements. */
export function mobileThreeMetaAnswer(context: MethodContext, method: string, claimed: ClaimedElements & { readonly phone: string }): MethodOutcome {
  const verdict = checkElements(context, claimed);
  return success({
    certify_id: elementCertifyId(context, method, claimed.outer_biz_no),
    match: verdict.match ? 'T' : 'F',
    isp: carrierOf(claimed.phone),
    detail: verdictDetail(verdict),
  });
}

/** A mobile three-element check (简版 or 详版): they differ only in name, title and whether cert_type is taken. */
export function defineMobileThreeMetaCheck(check: {
  readonly name: string;
  readonly title: string;
  /** elementCheckSchema with phone required: what the handler's ClaimedElements and phone are read from. */
  readonly bizContentSchema: ReturnType<typeof elementCheckSchema<{ readonly phone: typeof phoneProperty }, 'phone'>>;
  readonly exampleFields: Readonly<Record<string, string>>;
}): ApiMethodDefinition {
  return defineApiMethod<ClaimedElements & { readonly phone: string }>({
    name: check.name,
    title: check.title,
    bizContentSchema: check.bizContentSchema,
    ...elementCheckParts,
    exampleCall: elementCheckExample({ biz_code: 'MOBILE_3_META', phone: '15646280645', ...check.exampleFields }),
    responseFields: mobileThreeMetaResponseFields,
    handle: (bizContent, context) => mobileThreeMetaAnswer(context, check.name, bizContent),
  });
}
