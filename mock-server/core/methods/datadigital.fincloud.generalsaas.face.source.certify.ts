/**
 * datadigital.fincloud.generalsaas.face.source.certify (纯服务端人脸核身, 权威核验源的核验接口): the merchant's
 * server uploads a face picture with the person's name and resident ID number, and Alipay compares it with
 * the authoritative source photo; passed "T" or "F" comes back at once, with certify_no.
 *
 * Sources: alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceSourceCertifyRequest (an
 * AlipayUploadRequest: cert_name, cert_no, cert_type "大陆身份证：IDENTITY_CARD", outer_biz_no, phone,
 * reserved "true：需要留底；false：无需留底", liveness_strategy OFF / CHECK, security_strategy ON / OFF, nation
 * as top-level text parameters, and file_content "二进制流图片，大小限制1M" as a file) and …Response
 * (certify_no, passed "T：通过；F：不通过", quality and score "double值", mismatch_reason); the same fields in
 * alipay-sdk-python-all and alipay-sdk-net-all; the required fields as go-pay's v3 client checks them
 * (outer_biz_no, cert_type, cert_no, cert_name). The v3 SDKs document POST
 * /v3/datadigital/fincloud/generalsaas/face/source/certify with a multipart body: the fields as JSON in a
 * `data` part and file_content as a file part (core/engine/openapi-v3.ts reads it); a JSON body without the
 * picture is served there too, since the picture is optional here.
 *
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceSourceCertifyErrorResponseModel): SYSTEM_ERROR,
 * ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, FILE_SIZE_TO_LARGE, INVALID_SWITCH; texts in
 * face-business-codes.ts.
 *
 * Where no source settled it, the sandbox chose (said in the README too):
 * - file_content is optional: without a picture only the name and ID number are checked (passed, no
 *   score or quality), as integrators describe the API answering;
 * - a picture passes when it is a JPEG or PNG (by its first bytes) of a person the element checks admit
 *   (core/methods/element-check.ts); one that is neither fails with quality and score 0;
 * - mismatch_reason's texts, the scores, and maximum lengths as the element checks have them;
 * - ILLEGAL_ARGUMENT_FORMAT for every malformed parameter, FILE_SIZE_TO_LARGE for a picture over the 1M; the other
 *   codes come by scenario or by magic identity.
 */
import { pictureFormat } from '../identity/picture-format.js';
import { defineApiMethod, success, textField, optionalTextField, type MethodContext, type MethodOutcome } from './api-method.js';
import { documentedError } from './business-errors.js';
import { certTypeProperty, checkElements, elementCertifyId, elementCheckProperties, phoneProperty } from './element-check.js';
import { FACE_SOURCE_CERTIFY_ERRORS } from './face-business-codes.js';
import type { ParametersOf } from './schema-types.js';

const NAME = 'datadigital.fincloud.generalsaas.face.source.certify';

const bizContentSchema = {
  type: 'object',
  required: ['outer_biz_no', 'cert_type', 'cert_no', 'cert_name'],
  properties: {
    outer_biz_no: elementCheckProperties.outer_biz_no,
    cert_type: certTypeProperty,
    cert_no: elementCheckProperties.cert_no,
    cert_name: elementCheckProperties.cert_name,
    phone: phoneProperty,
    // A Java Boolean, written as text by every SDK.
    reserved: { type: 'string', enum: ['true', 'false'] },
    liveness_strategy: { type: 'string', enum: ['OFF', 'CHECK'] },
    security_strategy: { type: 'string', enum: ['ON', 'OFF'] },
    nation: { type: 'string', maxLength: 32 },
  },
} as const;

type Parameters = ParametersOf<typeof bizContentSchema>;

/** The 1M of the model's "大小限制1M", read as a mebibyte. */
const PICTURE_MAX_BYTES = 1024 * 1024;

/** The sandbox's scores: what a clear match, and an unreadable picture, read as. */
const PASSED_SCORES = { quality: '90.0', score: '95.0' } as const;
const UNREADABLE_SCORES = { quality: '0', score: '0' } as const;

function answer(context: MethodContext, parameters: Parameters): MethodOutcome {
  const certify_no = elementCertifyId(context, NAME, parameters.outer_biz_no);
  const verdict = checkElements(context, parameters);
  if (!verdict.match) {
    return success({ certify_no, passed: 'F', mismatch_reason: verdict.noRecord ? '查无此人' : '姓名与身份证号不一致' });
  }
  const picture = context.files?.file_content;
  if (!picture) return success({ certify_no, passed: 'T' });
  if (!pictureFormat(picture.bytes)) {
    return success({ certify_no, passed: 'F', ...UNREADABLE_SCORES, mismatch_reason: '人脸图片无法识别，请上传JPEG或PNG格式的正面人脸照片' });
  }
  return success({ certify_no, passed: 'T', ...PASSED_SCORES });
}

export const datadigitalFincloudGeneralsaasFaceSourceCertify = defineApiMethod<Parameters>({
  name: NAME,
  title: '纯服务端人脸核身',
  bizContentSchema,
  // An upload API: Java's AlipayUploadRequest sends its text parameters beside the file, not in biz_content.
  parametersAt: 'top-level',
  openApi: 'POST',
  uploads: { file_content: { maxBytes: PICTURE_MAX_BYTES, stated: '1M', overBound: documentedError(FACE_SOURCE_CERTIFY_ERRORS.row('FILE_SIZE_TO_LARGE')) } },
  businessErrors: FACE_SOURCE_CERTIFY_ERRORS.rows,
  identityField: 'cert_no',
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'ILLEGAL_ARGUMENT_FORMAT' }],
  exampleCall: {
    request: { outer_biz_no: 'ZGYD201809132323000001234', cert_type: 'IDENTITY_CARD', cert_name: '戴乙萍', cert_no: '330203195001030308' },
    unique: ['outer_biz_no'],
  },
  responseFields: {
    certify_no: textField,
    passed: { type: 'string', enum: ['T', 'F'] },
    quality: optionalTextField,
    score: optionalTextField,
    mismatch_reason: optionalTextField,
  },
  handle: (parameters, context) => answer(context, parameters),
});
