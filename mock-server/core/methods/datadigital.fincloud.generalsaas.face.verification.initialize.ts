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
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceVerificationInitializeErrorResponseModel):
 * SYSTEM_ERROR, ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR, INVALID_SWITCH, INVALID_CERT_INFO, INVALID_INPUT_IMAGE,
 * OVER_RATE_LIMIT, ACCOUNT_MONEY_LIMIT_ERROR; texts in face-business-codes.ts. cert_type's values are the v3 model's
 * ("IDENTITY_CARD：身份证 RESIDENCE_HK_MC：港澳居民居住证 RESIDENCE_TAIWAN：台湾居民居住证").
 * Where Alipay documents nothing, the sandbox chose:
 * - maximum lengths: outer_order_no 64 ("值为64位长度的字母数字组合"), the other text fields 64;
 * - ILLEGAL_ARGUMENT_FORMAT for every argument the schema refuses; INVALID_CERT_INFO for a cert_no that is no
 *   resident ID number, or a residence permit's that is not of its cert_type (a permit's number is a resident ID
 *   number of region 810000 Hong Kong, 820000 Macao or 830000 Taiwan); the other codes come by scenario or by magic
 *   identity;
 * - page_url, which the v3 model marks as no longer maintained in favour of web_url, is not answered.
 */
import { certificationOf, checkedPerson, FACE_VERIFICATION, hostedPageLink } from '../flows/face-certification.js';
import { defineApiMethod, refused, success, textField, type MethodOutcome } from './api-method.js';
import { FACE_VERIFICATION_INITIALIZE_ERRORS } from './face-business-codes.js';
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
    cert_type: { enum: ['IDENTITY_CARD', 'RESIDENCE_HK_MC', 'RESIDENCE_TAIWAN'] },
    cert_name: text64,
    cert_no: text64,
    phone_no: { type: 'string', maxLength: 64 },
    // "国家地区代码，当证件类型为外国人永久居留证时必填": no cert_type listed is that permit.
    nation: { type: 'string', maxLength: 64 },
    // "具体取值为：reserve(保存活体人脸)/never(不保存活体人脸)，不传默认为reserve"
    face_reserve_strategy: { enum: ['reserve', 'never'] },
  },
} as const;

type CertType = (typeof bizContentSchema.properties.cert_type.enum)[number];

/** The regions a residence permit's number begins with (GB 11643 numbers, issued under 81, 82 or 83). */
const PERMIT_REGIONS: Readonly<Record<CertType, readonly string[] | undefined>> = {
  IDENTITY_CARD: undefined,
  RESIDENCE_HK_MC: ['81', '82'],
  RESIDENCE_TAIWAN: ['83'],
};

/** Why cert_no is not a number of this cert_type's, when it is a resident ID number of another region. */
function permitProblem(certType: CertType, certNo: string): string | undefined {
  const regions = PERMIT_REGIONS[certType];
  if (!regions || regions.includes(certNo.slice(0, 2))) return undefined;
  return `cert_no "${certNo}" is no ${certType} number: those begin with ${regions.map((region) => `${region}0000`).join(' or ')}`;
}

const invalidCertInfo = (detail: string): MethodOutcome => refused(FACE_VERIFICATION_INITIALIZE_ERRORS.refusal('INVALID_CERT_INFO', detail));

export const datadigitalFincloudGeneralsaasFaceVerificationInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.verification.initialize',
  openApi: 'POST',
  title: '人脸核身初始化',
  bizContentSchema,
  businessErrors: FACE_VERIFICATION_INITIALIZE_ERRORS.rows,
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
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'ILLEGAL_ARGUMENT_FORMAT' }],
  handle(bizContent, context) {
    const { outer_order_no, biz_code, cert_type, cert_name, cert_no } = bizContent;
    const checked = checkedPerson({ cert_type, cert_name, cert_no }, 'cert_no');
    if ('problem' in checked) return invalidCertInfo(checked.problem);
    const permit = permitProblem(cert_type, cert_no);
    if (permit) return invalidCertInfo(permit);
    const certification = certificationOf(context, FACE_VERIFICATION, { order_no: outer_order_no, biz_code }, checked.person);
    return success({ certify_id: certification.id, web_url: hostedPageLink(context, certification) });
  },
});
