/**
 * What the calls that name one certification by its id share, whichever family they belong to: the
 * certify step (a page, or a link to one) and the query step take {certify_id} or {biz_no}, their
 * example needs a certification started first, and a malformed id is refused with a code of the family.
 * certify-open's tables live here too; face-business-codes.ts reads from them the rows the face
 * families' lists share with certify-open.
 */
import { queryCertification, startCertification, type CertificationResult, type CertificationStart, type FaceCertificationFamily } from '../flows/face-certification.js';
import { refused, success, textField, optionalTextField, type MethodContext, type MethodOutcome, type SchemaFailureRule } from './api-method.js';
import { BusinessErrorTable } from './business-errors.js';
import { certInfoIdentityParam, jsonObjectField, singleIdSchema } from './shared-schemas.js';

const SYSTEM_BUSY = { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' } as const;

/** certify-open's initialize codes, from its page. */
export const CERTIFY_INITIALIZE_ERRORS = new BusinessErrorTable([
  SYSTEM_BUSY,
  { sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常', solution: '检查参数是否按照规定传入,检查参数是否合法' },
  { sub_code: 'ARRANGEMENT_STATUS_ERROR', sub_msg: '合约状态异常', solution: '请确认商户合约是否有效' },
]);

/** The certification pages' example person with a resident ID that is one (Hangzhou's Xihu district). */
export const EXAMPLE_IDENTITY_PARAM = '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}';

/** A merchant_config whose return_url a browser can be sent back to. */
export const EXAMPLE_MERCHANT_CONFIG = '{"return_url":"https://merchant.example/return"}';

/** How an initialize refuses: its table, and its code for a malformed argument or a cert_no that is no resident ID. */
export interface InitializeCodes {
  readonly errors: BusinessErrorTable;
  readonly malformed: string;
}

export const CERTIFY_OPEN_INITIALIZE_CODES: InitializeCodes = { errors: CERTIFY_INITIALIZE_ERRORS, malformed: 'ILLEGAL_ARGUMENT_FORMAT' };

/** What a page's merchant_config gives its certification: where to send the person back, and whether to hand out the face. */
export type MerchantChoices = Pick<CertificationStart, 'return_url' | 'output_facial_picture'>;

/** The request fields every such initialize reads. */
interface OuterOrderRequest {
  readonly outer_order_no: string;
  readonly biz_code: string;
  readonly identity_param: string;
  readonly merchant_config: string;
}

/**
 * The definition parts of an initialize whose order is outer_order_no and whose id is certify_id
 * (certify-open and the H5 face check): the person in identity_param, the certify_id it answers (or
 * the family's one code for every malformed argument), and what the page's merchant_config gives the
 * certification.
 */
export function outerOrderInitialize(family: FaceCertificationFamily, codes: InitializeCodes, merchantChoices: (merchantConfig: string) => MerchantChoices) {
  const rule: SchemaFailureRule = { field: '*', on: 'any', subCode: codes.malformed };
  return {
    businessErrors: codes.errors.rows,
    identityField: 'identity_param.cert_no',
    responseFields: { certify_id: textField },
    schemaFailureRules: [rule],
    handle(bizContent: OuterOrderRequest, context: MethodContext): MethodOutcome {
      const { outer_order_no, biz_code, identity_param, merchant_config } = bizContent;
      const started = startCertification(context, family, { order_no: outer_order_no, biz_code, identity_param, ...merchantChoices(merchant_config) });
      if ('problem' in started) return refused(codes.errors.refusal(codes.malformed, started.problem));
      return success({ certify_id: started.started.id });
    },
  };
}

/**
 * biz_content of such an initialize, with certify-open's fields and lengths (the H5 face check's page
 * takes the same): the order, the scene, the person with an optional phone_no, merchant_config with
 * where to send them back and whether to keep their face, and a photo to compare the face with. Each
 * page gives its biz_code, its return_url and what else its merchant_config takes.
 */
export function outerOrderInitializeSchema<const BizCode extends object, const ReturnUrl extends object, const MerchantConfigExtra extends object = Record<never, never>>(
  bizCode: BizCode,
  returnUrl: ReturnUrl,
  merchantConfigExtra: MerchantConfigExtra = {} as MerchantConfigExtra,
) {
  return {
    type: 'object',
    required: ['outer_order_no', 'biz_code', 'identity_param', 'merchant_config'],
    properties: {
      outer_order_no: { type: 'string', minLength: 1, maxLength: 32 },
      biz_code: bizCode,
      identity_param: certInfoIdentityParam(4096, { phone_no: { type: 'string' } }),
      merchant_config: {
        type: 'string',
        maxLength: 4096,
        jsonString: {
          type: 'object',
          required: ['return_url'],
          properties: { return_url: returnUrl, face_reserve_strategy: { enum: ['reserve', 'never'] }, ...merchantConfigExtra },
        },
      },
      face_contrast_picture: { type: 'string', maxLength: 1048576 },
    },
  } as const;
}

/** certify-open's codes for its certify page: one for an unknown id and an expired one, whose solution names the 23 hours. */
export const CERTIFY_PAGE_ERRORS = new BusinessErrorTable([
  SYSTEM_BUSY,
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值,且在23小时有效期内' },
]);

/** certify-open's codes for its query, which tells an expired id from an unknown one. */
export const CERTIFY_QUERY_ERRORS = new BusinessErrorTable([
  SYSTEM_BUSY,
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值' },
  { sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效', solution: '重新调用初始化接口获取新的certify_id' },
]);

/** The codes every step of Zhima's certification answers with: one for a malformed field and one for its outage. */
export const ZHIMA_STEP_ROWS = [
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统繁忙,请稍后再试' },
  { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '根据错误码描述修改入参后再重试' },
] as const;

/** The codes of Zhima's steps that open an order (initialize, material.certify): the contract, the order, the scene. */
export const ZHIMA_ORDER_ROWS = [
  { sub_code: 'ARRANGEMENT_ERROR', sub_msg: '合约异常', solution: '请确定的产品码正确,合约已经生效,并且包含此业务的权限' },
  { sub_code: 'TRANSACTION_ERROR', sub_msg: '交易订单异常', solution: '交易订单更新失败,请稍后重新发起' },
  { sub_code: 'UNSUPPORTED_BIZ_CODE', sub_msg: '不支持的认证场景', solution: '请使用已签约的认证场景' },
] as const;

export const ZHIMA_STEP_ERRORS = new BusinessErrorTable(ZHIMA_STEP_ROWS);

/** What Zhima's steps that open an order take first, all required: the order, the product, the scene, the person. */
export const ZHIMA_ORDER_PROPERTIES = {
  // "值为32位长度的字母数字下划线组合"
  transaction_id: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_]+$' },
  product_code: { type: 'string', minLength: 1, maxLength: 32 },
  biz_code: { type: 'string', minLength: 1, maxLength: 32 },
  identity_param: certInfoIdentityParam(204800),
} as const;

/** The merchant's own settings those steps take after what each adds: all optional. */
export const ZHIMA_MERCHANT_PROPERTIES = {
  merchant_config: jsonObjectField(1024),
  ext_biz_param: jsonObjectField(2048),
  linked_merchant_id: { type: 'string', maxLength: 16 },
} as const;

/** Which of a table's codes answers a query that finds no certification: none by that id, or one nobody finished in time. */
export interface QueryRefusals {
  readonly errors: BusinessErrorTable;
  readonly unknown: string;
  readonly expired: string;
}

/** A query's answer: the fields `answer` makes of the certification found, or the family's refusal. */
export function answerQuery(context: MethodContext, family: FaceCertificationFamily, id: string, refusals: QueryRefusals, answer: (result: CertificationResult) => Readonly<Record<string, unknown>>): MethodOutcome {
  const found = queryCertification(context, family, id);
  if ('refused' in found) return refused(refusals.errors.refusal(refusals[found.refused], found.detail));
  return success(answer(found.result));
}

/** The fields of a passed "T"/"F" query (certify-open's, and the H5 face check's that borrows its page). */
export const PASSED_T_F_FIELDS = {
  passed: { type: 'string', enum: ['T', 'F'] },
  fail_reason: optionalTextField,
  identity_info: optionalTextField,
  material_info: optionalTextField,
} as const;

/** Which of certify-open's query codes answers why the flow found no certification. */
export const CERTIFY_QUERY_REFUSALS = { unknown: 'OPEN_CERTIFY_BILL_NOT_EXIST', expired: 'CERTIFY_ID_EXPIRED' } as const;

/** The code a malformed id is refused with; `anyField` where the family answers every malformed field so. */
interface Malformed {
  readonly subCode: string;
  readonly anyField?: boolean;
}

/**
 * The definition parts of a step that names a certification: its schema, its example call (with `exampleId`
 * from the page or one nobody issued, refused alone; the provider state 'a certification was started'
 * starts `orderNo` in `flow` and puts its id in the field) and its schema-failure rule.
 */
function certificationStep<const Field extends string>(flow: string, idField: Field, exampleId: string, orderNo: string, malformed: Malformed) {
  const rule: SchemaFailureRule = { field: malformed.anyField ? '*' : idField, on: 'any', subCode: malformed.subCode };
  return {
    bizContentSchema: singleIdSchema(idField),
    exampleCall: {
      request: { [idField]: exampleId },
      needs: { state: 'a certification was started', params: { flow, order_no: orderNo }, field: idField },
    },
    schemaFailureRules: [rule],
  };
}

const H5_CERTIFY_ID = '2109b5e671aa3ff2eb4851816c65828f';
/** INVALID_PARAMETER for every malformed field: Zhima's steps, and the H5 face check's and the liveness check's. */
const INVALID_PARAMETER: Malformed = { subCode: 'INVALID_PARAMETER', anyField: true };

/** Each family's steps that name a certification, as its certify and query definitions spread them. */
export const CERTIFY_OPEN_STEP = certificationStep('certify-open', 'certify_id', '0123456789abcdef0123456789abcdef', 'ZGYD201809132323000001234', { subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST' });
export const ZHIMA_STEP = certificationStep('zhima', 'biz_no', 'ZM201612013000000393900404029253', 'ZHIMA201610252323000001', INVALID_PARAMETER);
export const FACE_CERTIFY_STEP = certificationStep('face-certify', 'certify_id', H5_CERTIFY_ID, 'ZGYD201809132323000001234', INVALID_PARAMETER);
export const FACE_VERIFICATION_STEP = certificationStep('face-verification', 'certify_id', H5_CERTIFY_ID, 'dsdfaeradsfasdf23234234sdf', { subCode: 'ILLEGAL_ARGUMENT_FORMAT', anyField: true });
export const FACE_CHECK_STEP = certificationStep('face-check', 'certify_id', H5_CERTIFY_ID, '2324sasfe', INVALID_PARAMETER);
