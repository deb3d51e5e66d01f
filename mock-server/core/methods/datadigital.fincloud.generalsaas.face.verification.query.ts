/**
 * datadigital.fincloud.generalsaas.face.verification.query (人脸核身结果查询): the state of a certify_id of
 * ...face.verification.initialize. certify_state is "PROCESSING：初始化；SUCCESS：认证通过；FAIL：认证不通过":
 * PROCESSING until the person reaches a verdict on the page web_url opened (a cancelled check stays
 * PROCESSING, as no verdict was reached), then SUCCESS or FAIL. Once there is a verdict the answer
 * carries score ("double值，活体检测结果分数"), quality ("double值，人脸图片质量分"), meta_info
 * ("人脸认证元数据信息": device_type, the device's system, "h5" as the hosted page is a web page),
 * attack_flag ("本次认证是否存在安全风险", "false": the sandbox sees no attack) and, when need_alive_photo
 * asks for it, alive_photo ("base64过后的图片").
 * Sources: the API page https://opendocs.alipay.com/open/04jg6s (as linked from go-pay/gopay and
 * smartwalle/alipay); alipay/alipay-sdk-java-all's DatadigitalFincloudGeneralsaasFaceVerificationQueryModel,
 * ...QueryResponse and OpenCertifyMetaInfo (v2) and the v3 models; device_type's values (harmony, ios,
 * android, h5) from smartwalle/alipay's MetaInfo; the v3 path GET
 * /v3/datadigital/fincloud/generalsaas/face/verification/query from the v3 docs of the Java, .NET and PHP SDKs.
 * Where Alipay documents nothing, the sandbox chose:
 * - score and quality are deterministic from the certify_id: a passed check scores 80 to 100, a failed
 *   one 10 to 60, and quality is 60 to 100 either way, each with two decimals;
 * - alive_photo is one grey pixel (a PNG), the sandbox keeping no face;
 * - the codes, the documented list of Alipay's v3 SDK model (...FaceVerificationQueryErrorResponseModel): UNKNOWN_ERROR,
 *   ILLEGAL_ARGUMENT_FORMAT, QUERY_INVALID_CERTIFYID, QUERY_CERTIFYID_EXPIRED, SYSTEM_ERROR, ACCOUNT_NOT_AVAILABLE,
 *   SDK_VERSION_NOT_SUPPORT (texts in face-business-codes.ts), paired with the flow by their names:
 *   QUERY_INVALID_CERTIFYID for an id nobody issued to this app, QUERY_CERTIFYID_EXPIRED for one nobody finished
 *   within its 23 hours (a finished one stays queryable), ILLEGAL_ARGUMENT_FORMAT for a malformed argument; the
 *   others come by scenario only.
 */
import { FACE_VERIFICATION, type Certification, type CertificationResult, type FaceCertificationFamily } from '../flows/face-certification.js';
import { defineApiMethod, optionalTextField, type MethodContext, type MethodOutcome, type ResponseField } from './api-method.js';
import type { BusinessErrorTable } from './business-errors.js';
import { answerQuery, FACE_VERIFICATION_STEP } from './certification-steps.js';
import { APP_QUERY_REFUSALS, FACE_VERIFICATION_QUERY_ERRORS } from './face-business-codes.js';
import { stableHex } from './generated-ids.js';
import type { ParametersOf } from './schema-types.js';

const bizContentSchema = {
  ...FACE_VERIFICATION_STEP.bizContentSchema,
  properties: {
    ...FACE_VERIFICATION_STEP.bizContentSchema.properties,
    // "是否需要返回活体结果图片，默认为N（不返图）"
    need_alive_photo: { type: 'string', maxLength: 8 },
  },
} as const;

/** The fields both App queries answer with (face.check's quality comes only when asked for). */
export const faceQueryResponseFields: Readonly<Record<string, ResponseField>> = {
  certify_state: { type: 'string', enum: ['PROCESSING', 'SUCCESS', 'FAIL'] },
  score: optionalTextField,
  quality: optionalTextField,
  meta_info: { type: 'object', fields: { device_type: { type: 'string', enum: ['harmony', 'ios', 'android', 'h5'] } }, optional: true },
  alive_photo: optionalTextField,
};

/** A 1×1 grey PNG: the sandbox keeps no face, and a client decoding the photo gets a real image. */
const ALIVE_PHOTO = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==';

/** A number in [from, to) drawn from the certification, so that every query of it answers the same. */
function drawn(certification: Certification, purpose: string, from: number, to: number): string {
  const fraction = Number.parseInt(stableHex(8, purpose, certification.id), 16) / 0x1_0000_0000;
  return (from + fraction * (to - from)).toFixed(2);
}

/** What the App queries answer besides certify_state, once the person reached a verdict. */
export interface VerdictDetails {
  readonly quality: boolean;
  readonly alivePhoto: boolean;
  readonly attackFlag: boolean;
}

function verdictFields(result: CertificationResult, details: VerdictDetails): Record<string, unknown> {
  const { certification, passed } = result;
  return {
    score: passed ? drawn(certification, 'face_score', 80, 100) : drawn(certification, 'face_score', 10, 60),
    ...(details.quality ? { quality: drawn(certification, 'face_quality', 60, 100) } : {}),
    meta_info: { device_type: 'h5' },
    ...(details.attackFlag ? { attack_flag: 'false' } : {}),
    ...(details.alivePhoto ? { alive_photo: ALIVE_PHOTO } : {}),
  };
}

/** certify_state and, after a verdict, its details; a cancelled or untried check is still PROCESSING. */
function stateFields(result: CertificationResult, details: VerdictDetails): Record<string, unknown> {
  if (!result.finished) return { certify_state: 'PROCESSING' };
  return { certify_state: result.passed ? 'SUCCESS' : 'FAIL', ...verdictFields(result, details) };
}

/** An App query of `family`'s certify_id: its state, or the code of `errors` for an unknown or expired id. */
export function answerFaceQuery(context: MethodContext, family: FaceCertificationFamily, errors: BusinessErrorTable, certifyId: string, details: VerdictDetails): MethodOutcome {
  return answerQuery(context, family, certifyId, { errors, ...APP_QUERY_REFUSALS }, (result) => stateFields(result, details));
}

/** "如果设置了need_alive_photo的值不为N" (face.check's query): any value but N asks for the photo. */
export const asksForPhoto = (needAlivePhoto: string | undefined): boolean => needAlivePhoto !== undefined && needAlivePhoto !== 'N';

export const datadigitalFincloudGeneralsaasFaceVerificationQuery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.verification.query',
  openApi: 'GET',
  title: '人脸核身结果查询',
  ...FACE_VERIFICATION_STEP,
  bizContentSchema,
  businessErrors: FACE_VERIFICATION_QUERY_ERRORS.rows,
  responseFields: { ...faceQueryResponseFields, attack_flag: { type: 'string', enum: ['true', 'false'], optional: true } },
  handle(bizContent, context) {
    return answerFaceQuery(context, FACE_VERIFICATION, FACE_VERIFICATION_QUERY_ERRORS, bizContent.certify_id, { quality: true, attackFlag: true, alivePhoto: asksForPhoto(bizContent.need_alive_photo) });
  },
});
