/**
 * datadigital.fincloud.generalsaas.face.check.initialize (活体检测初始化): starts a liveness check, a
 * face verification that names nobody ("DATA_DIGITAL_BIZ_CODE_FACE_CHECK_LIVE，代表活体检测"), and answers
 * its certify_id ("人脸检测流水ID") for ...face.check.query and the web_url ("H5活体检测地址"), which
 * opens the sandbox's hosted certification page as ...face.verification.initialize's does.
 * Sources: the API page https://opendocs.alipay.com/open/03nisu (as linked from go-pay/gopay and
 * yansongda/pay); alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceCheckInitializeModel and
 * ...InitializeResponse (v2) and the v3 models, whose examples the example call takes; the v3 path
 * POST /v3/datadigital/fincloud/generalsaas/face/check/initialize from the v3 docs of the Java, .NET
 * and PHP SDKs.
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceCheckInitializeErrorResponseModel): SYSTEM_ERROR,
 * ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR, ACCOUNT_MONEY_LIMIT_ERROR, INVALID_SWITCH, FILE_SIZE_TO_LARGE; texts in
 * face-business-codes.ts.
 * Where Alipay documents nothing, the sandbox chose: outer_order_no at most 64 characters, as its sibling
 * ...face.verification.initialize has it; page_url ("检测页面url，需要给到终端SDK"), which the App SDK no longer
 * needs, is not answered; ILLEGAL_ARGUMENT_FORMAT for every malformed argument. The request names nobody and
 * carries no file, so no magic identity applies and no input makes the other codes: they come by scenario only.
 */
import { certificationOf, FACE_CHECK, hostedPageLink, NOBODY } from '../flows/face-certification.js';
import { defineApiMethod, success, textField } from './api-method.js';
import { FACE_CHECK_INITIALIZE_ERRORS } from './face-business-codes.js';
import type { ParametersOf } from './schema-types.js';

const bizContentSchema = {
  type: 'object',
  required: ['outer_order_no', 'biz_code'],
  properties: {
    outer_order_no: { type: 'string', minLength: 1, maxLength: 64 },
    biz_code: { enum: ['DATA_DIGITAL_BIZ_CODE_FACE_CHECK_LIVE'] },
  },
} as const;

export const datadigitalFincloudGeneralsaasFaceCheckInitialize = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.check.initialize',
  openApi: 'POST',
  title: '活体检测初始化',
  bizContentSchema,
  businessErrors: FACE_CHECK_INITIALIZE_ERRORS.rows,
  exampleCall: {
    request: { outer_order_no: '2324sasfe', biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_CHECK_LIVE' },
    unique: ['outer_order_no'],
  },
  responseFields: { certify_id: textField, web_url: textField },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'ILLEGAL_ARGUMENT_FORMAT' }],
  handle(bizContent, context) {
    const { outer_order_no, biz_code } = bizContent;
    const certification = certificationOf(context, FACE_CHECK, { order_no: outer_order_no, biz_code }, NOBODY);
    return success({ certify_id: certification.id, web_url: hostedPageLink(context, certification) });
  },
});
