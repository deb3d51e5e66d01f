/**
 * alipay.user.certdoc.certverify.preconsult (实名证件信息比对验证预咨询): the app hands over the identity
 * elements a person gave it and gets a verify_id, good for 2 hours, which
 * alipay.user.certdoc.certverify.consult then checks against the person behind an OAuth access token
 * (core/flows/certdoc-verification.ts).
 *
 * Sources: alipay/alipay-sdk-java-all's AlipayUserCertdocCertverifyPreconsultModel (user_name, cert_type
 * "暂仅支持 IDENTITY_CARD", cert_no, mobile, logon_id, ext_info as JSON) and ...PreconsultResponse
 * (verify_id, "有效期为 2 小时"); its v3 path POST /v3/alipay/user/certdoc/certverify/preconsult. No API
 * page with tables was found. The sandbox chose: user_name, cert_type and cert_no required; maximum
 * lengths user_name 64, cert_no 18 (a resident ID number, checked), mobile 11, logon_id 100, ext_info
 * 1024; the codes SYSTEM_ERROR 系统繁忙 and INVALID_PARAMETER 参数有误; a verify_id of 32 hex characters.
 */
import { CERTDOC_VERIFICATIONS, preconsult } from '../flows/certdoc-verification.js';
import { describeResidentIdProblem, residentIdProblem } from '../identity/resident-id.js';
import { defineApiMethod, refused, success, textField } from './api-method.js';
import { BusinessErrorTable, CHOSEN_GENERIC_ROWS } from './business-errors.js';
import type { ParametersOf } from './schema-types.js';
import { jsonObjectField } from './shared-schemas.js';

const errors = new BusinessErrorTable([
  ...CHOSEN_GENERIC_ROWS,
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
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    const { ext_info: _extInfo, ...elements } = bizContent;
    const problem = residentIdProblem(elements.cert_no);
    if (problem) return refused(errors.refusal('INVALID_PARAMETER', describeResidentIdProblem('cert_no', elements.cert_no, problem)));
    return success({ verify_id: preconsult(context, elements).verify_id });
  },
});
