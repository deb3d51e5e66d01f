/**
 * datadigital.fincloud.generalsaas.face.check.query (活体检测结果查询): the state of a certify_id of
 * ...face.check.initialize, answered as ...face.verification.query answers its own: certify_state
 * "PROCESSING：初始化；SUCCESS：检测成功；FAIL：检测失败", and after a verdict score, meta_info, quality
 * when need_quality_score is Y ("是否需要返回图片质量分，非必填，默认值为N") and alive_photo when
 * need_alive_photo is not N ("如果设置了need_alive_photo的值不为N"). attack_flag ("已废弃") is not answered;
 * need_score and need_attack_result ("该参数已废弃") are taken and ignored.
 * Sources: the API page https://opendocs.alipay.com/open/03nisv (as linked from go-pay/gopay);
 * alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceCheckQueryModel and ...QueryResponse (v2)
 * and the v3 models, whose certify_id example is no id the sandbox issues; the v3 path GET
 * /v3/datadigital/fincloud/generalsaas/face/check/query from the current v3 docs of the Java, .NET and
 * PHP SDKs (an older Java doc listed POST).
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceCheckQueryErrorResponseModel): SYSTEM_ERROR,
 * INVALID_PARAMETER, QUERY_INVALID_CERTIFYID, QUERY_CERTIFYID_EXPIRED (the earlier list had ILLEGAL_ARGUMENT_FORMAT
 * and UNKNOWN_ERROR where INVALID_PARAMETER stands); texts in face-business-codes.ts.
 * Where Alipay documents nothing, the sandbox chose what ...face.verification.query chose: the scores drawn from
 * the certify_id, QUERY_INVALID_CERTIFYID for an unknown id and QUERY_CERTIFYID_EXPIRED for one nobody finished
 * within its 23 hours; and INVALID_PARAMETER for a malformed argument.
 */
import { FACE_CHECK } from '../flows/face-certification.js';
import { defineApiMethod } from './api-method.js';
import { FACE_CHECK_STEP } from './certification-steps.js';
import { answerFaceQuery, asksForPhoto, faceQueryResponseFields } from './datadigital.fincloud.generalsaas.face.verification.query.js';
import { FACE_CHECK_QUERY_ERRORS } from './face-business-codes.js';
import type { ParametersOf } from './schema-types.js';

const yesOrNo = { enum: ['Y', 'N'] } as const;

const bizContentSchema = {
  ...FACE_CHECK_STEP.bizContentSchema,
  properties: {
    ...FACE_CHECK_STEP.bizContentSchema.properties,
    // "needAlivePhoto：Y_O （原始图片）、Y_M（虚化，背景马赛克）、N（不返图）"
    need_alive_photo: { enum: ['Y_O', 'Y_M', 'N'] },
    need_quality_score: yesOrNo,
    need_score: yesOrNo,
    need_attack_result: yesOrNo,
  },
} as const;

export const datadigitalFincloudGeneralsaasFaceCheckQuery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.check.query',
  openApi: 'GET',
  title: '活体检测结果查询',
  ...FACE_CHECK_STEP,
  bizContentSchema,
  exampleCall: { ...FACE_CHECK_STEP.exampleCall, request: { ...FACE_CHECK_STEP.exampleCall.request, need_quality_score: 'Y' } },
  businessErrors: FACE_CHECK_QUERY_ERRORS.rows,
  responseFields: faceQueryResponseFields,
  handle(bizContent, context) {
    return answerFaceQuery(context, FACE_CHECK, FACE_CHECK_QUERY_ERRORS, bizContent.certify_id, {
      quality: bizContent.need_quality_score === 'Y',
      attackFlag: false,
      alivePhoto: asksForPhoto(bizContent.need_alive_photo),
    });
  },
});
