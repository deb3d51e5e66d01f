/**
 * alipay.user.certdoc.certverify.preconsult (实名证件信息比对验证预咨询): the app hands over the identity
 * elements a person gave it and gets a verify_id, good for 2 hours, which
 * alipay.user.certdoc.certverify.consult then checks against the person behind an OAuth access token
 * (core/flows/certdoc-verification.ts).
 *
 * Sources: alipay/alipay-sdk-java-all's AlipayUserCertdocCertverifyPreconsultModel (user_name, cert_type
 * "暂仅支持 IDENTITY_CARD", cert_no, mobile, logon_id, ext_info as JSON) and ...PreconsultResponse
 * (verify_id, "有效期为 2 小时"); its v3 path POST /v3/alipay/user/certdoc/certverify/preconsult. Business codes: the
 * documented list of Alipay's v3 SDK model (AlipayUserCertdocCertverifyPreconsultErrorResponseModel): SYSTEM_ERROR,
 * ILLEGAL_ARGUMENT, REQUIRED_PARAM_MISSING, GUARDIAN_LIMIT_ERROR, CERT_TYPE_INVALID. No API page with tables was found.
 * The sandbox chose: user_name, cert_type and cert_no required (as go-pay's client checks them); maximum lengths
 * user_name 64, cert_no 18 (a resident ID number, checked), mobile 11, logon_id 100, ext_info 1024; a verify_id of 32
 * hex characters; the codes' texts: SYSTEM_ERROR 系统繁忙 as Alipay's verifyidentity.apply page writes it, the others
 * its own; the pairings: REQUIRED_PARAM_MISSING for a required field absent or empty, CERT_TYPE_INVALID for a cert_type
 * other than IDENTITY_CARD, ILLEGAL_ARGUMENT for any other malformed field and a cert_no that is no resident ID
 * number; GUARDIAN_LIMIT_ERROR comes by scenario or by magic identity.
 */
import { CERTDOC_VERIFICATIONS, preconsult } from '../flows/certdoc-verification.js';
import { describeResidentIdProblem, residentIdProblem } from '../identity/resident-id.js';
import { defineApiMethod, refused, success, textField, type DocumentedBusinessError, type SchemaFailureRule } from './api-method.js';
import { BusinessErrorTable, CHOSEN_GENERIC_ROWS, documentedRows } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';
import { jsonObjectField } from './shared-schemas.js';

/** The rows both certdoc APIs' lists have, in the sandbox's words but SYSTEM_ERROR's. */
export const CERTDOC_ROWS: Readonly<Record<'SYSTEM_ERROR' | 'ILLEGAL_ARGUMENT' | 'REQUIRED_PARAM_MISSING' | 'GUARDIAN_LIMIT_ERROR', DocumentedBusinessError>> = {
  SYSTEM_ERROR: documentedRows(CHOSEN_GENERIC_ROWS, 'SYSTEM_ERROR')[0]!,
  ILLEGAL_ARGUMENT: { sub_code: 'ILLEGAL_ARGUMENT', sub_msg: '参数不合法', solution: '检查参数是否按照规定传入,修改后重试' },
  REQUIRED_PARAM_MISSING: { sub_code: 'REQUIRED_PARAM_MISSING', sub_msg: '缺少必填参数', solution: '传入全部必填参数后重试' },
  GUARDIAN_LIMIT_ERROR: { sub_code: 'GUARDIAN_LIMIT_ERROR', sub_msg: '用户受监护人限制', solution: '该用户须经监护人同意后方可使用此服务' },
};

/** Both APIs' mapping of the schema's failures: an absent field, else a malformed one. */
export const CERTDOC_FAILURE_RULES: readonly SchemaFailureRule[] = [
  { field: '*', on: 'missing', subCode: 'REQUIRED_PARAM_MISSING' },
  { field: '*', on: 'invalid', subCode: 'ILLEGAL_ARGUMENT' },
];

const errors = new BusinessErrorTable([
  CERTDOC_ROWS.SYSTEM_ERROR,
  CERTDOC_ROWS.ILLEGAL_ARGUMENT,
  CERTDOC_ROWS.REQUIRED_PARAM_MISSING,
  CERTDOC_ROWS.GUARDIAN_LIMIT_ERROR,
  { sub_code: 'CERT_TYPE_INVALID', sub_msg: '证件类型不支持', solution: 'cert_type暂仅支持IDENTITY_CARD(身份证)' },
]);

const bizContentSchema = {
  type: 'object',
  required: ['user_name', 'cert_type', 'cert_no'],
  properties: {
    user_name: { type: 'string', minLength: 1, maxLength: 64 },
    cert_type: { type: 'string', enum: ['IDENTITY_CARD'] },
    cert_no: { type: 'string', minLength: 1, maxLength: 18 },
    mobile: { type: 'string', maxLength: 11 },
    logon_id: { type: 'string', maxLength: 100 },
    ext_info: jsonObjectField(1024),
  },
} as const;

export const alipayUserCertdocCertverifyPreconsult = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certdoc.certverify.preconsult',
  openApi: 'POST',
  title: '实名证件信息比对验证预咨询',
  bizContentSchema,
  keeps: [CERTDOC_VERIFICATIONS],
  businessErrors: errors.rows,
  identityField: 'cert_no',
  // No page shows a request: the elements of the model's fields, with a real resident ID number.
  exampleCall: { request: { user_name: '张三', cert_type: 'IDENTITY_CARD', cert_no: '330106197909275965', mobile: '13800138000' } },
  responseFields: { verify_id: textField },
  schemaFailureRules: [{ field: 'cert_type', on: 'invalid', subCode: 'CERT_TYPE_INVALID' }, ...CERTDOC_FAILURE_RULES],
  handle(bizContent, context) {
    const { ext_info: _extInfo, ...elements } = bizContent;
    const problem = residentIdProblem(elements.cert_no);
    if (problem) return refused(errors.refusal('ILLEGAL_ARGUMENT', describeResidentIdProblem('cert_no', elements.cert_no, problem)));
    return success({ verify_id: preconsult(context, elements).verify_id });
  },
});
