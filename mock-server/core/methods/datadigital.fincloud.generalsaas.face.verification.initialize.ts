/**
 * datadigital.fincloud.generalsaas.face.verification.initialize (人脸核身初始化), the App flavour of
 * 人脸核身: starts a face verification of the person named by the top-level cert_type, cert_name and
 * cert_no, and answers the certify_id ("认证单据号") that ...face.verification.query takes and the
 * web_url ("H5人脸核身地址") where the person does the check. Alipay's link opens its face check; the
 * sandbox's opens its hosted certification page (GET /__sandbox/certifications/<certify_id> on the
 * address the call reached), where the tester passes or fails the person.
 * Sources: the API page https://opendocs.alipay.com/open/04jg6r (as linked from go-pay/gopay and
 * smartwalle/alipay); alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceVerificationInitializeModel
 * and ...InitializeResponse (v2) and the v3 models of the same names, whose examples the example call
 * takes; the v3 path POST /v3/datadigital/fincloud/generalsaas/face/verification/initialize from the
 * v3 docs of the Java, .NET and PHP SDKs.
 * Where Alipay documents nothing, the sandbox chose:
 * - maximum lengths: outer_order_no 64 ("值为64位长度的字母数字组合"), the other text fields 64;
 * - cert_type: only IDENTITY_CARD; the documented residence permits (RESIDENCE_HK_MC, RESIDENCE_TAIWAN)
 *   are refused as malformed, the sandbox checking resident ID numbers only;
 * - page_url, which the v3 model marks as no longer maintained in favour of web_url, is not answered;
 * - business codes: no source gives this page's 错误码 table, so it answers with the nearest documented
 *   family's, certify-open's initialize (SYSTEM_ERROR, ILLEGAL_ARGUMENT_FORMAT, ARRANGEMENT_STATUS_ERROR).
 */
import { certificationOf, checkedPerson, FACE_VERIFICATION, hostedPageLink } from '../flows/face-certification.js';
import { CERTIFY_INITIALIZE_ERRORS } from './certification-steps.js';
import { defineApiMethod, refused, success, textField } from './api-method.js';
import type { ParametersOf } from './schema-types.js';

const text64 = { type: 'string', minLength: 1, maxLength: 64 } as const;

const bizContentSchema = {
  type: 'object',
  required: ['outer_order_no', 'biz_code', 'identity_type', 'cert_type', 'cert_name', 'cert_no'],
  properties: {
    outer_order_no: text64,
    // "人脸核身具体类型目前仅支持：DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION"
    biz_code: { enum: ['DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION'] },
    // "认证类型，固定值为：CERT_INFO"
    identity_type: { const: 'CERT_INFO' },
    cert_type: { enum: ['IDENTITY_CARD'] },
    cert_name: text64,
    cert_no: text64,
    phone_no: { type: 'string', maxLength: 64 },
    // "国家地区代码，当证件类型为外国人永久居留证时必填": no such cert_type is taken here.
    nation: { type: 'string', maxLength: 64 },
    // "具体取值为：reserve(保存活体人脸)/never(不保存活体人脸)，不传默认为reserve"
    face_reserve_strategy: { enum: ['reserve', 'never'] },
  },
} as const;

export const datadigitalFincloudGeneralsaasFaceVerificationInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.verification.initialize',
  openApi: 'POST',
  title: '人脸核身初始化',
  bizContentSchema,
  businessErrors: CERTIFY_INITIALIZE_ERRORS.rows,
  identityField: 'cert_no',
  // The v3 model's examples; its cert_no 131128199004234511 fails the GB 11643 check, so a real one stands in.
  exampleCall: {
    request: {
      outer_order_no: 'dsdfaeradsfasdf23234234sdf',
      biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION',
      identity_type: 'CERT_INFO',
      cert_type: 'IDENTITY_CARD',
      cert_name: '张三',
      cert_no: '330106197909275965',
    },
    unique: ['outer_order_no'],
  },
  responseFields: { certify_id: textField, web_url: textField },
  // As certify-open's page: one code for every malformed argument.
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'ILLEGAL_ARGUMENT_FORMAT' }],
  handle(bizContent, context) {
    const { outer_order_no, biz_code, cert_type, cert_name, cert_no } = bizContent;
    const checked = checkedPerson({ cert_type, cert_name, cert_no }, 'cert_no');
    if ('problem' in checked) return refused(CERTIFY_INITIALIZE_ERRORS.refusal('ILLEGAL_ARGUMENT_FORMAT', checked.problem));
    const certification = certificationOf(context, FACE_VERIFICATION, { order_no: outer_order_no, biz_code }, checked.person);
    return success({ certify_id: certification.id, web_url: hostedPageLink(context, certification) });
  },
});
