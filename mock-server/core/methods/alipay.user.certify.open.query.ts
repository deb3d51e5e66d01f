/**
 * alipay.user.certify.open.query (身份认证记录查询): the result of a certify_id. passed is "T" once the
 * person passed, and "F" otherwise, including before they tried ("F认证不通过或者还没有认证").
 * A certify_id nobody finished within its 23 hours answers CERTIFY_ID_EXPIRED 认证已失效, as Alipay's
 * easysdk tests record it for the old ids they query; a finished one stays queryable. material_info
 * is "{}" ("一般的认证场景都是返回空") unless the merchant asked for the live face
 * (merchant_config.out_put_facial_picture) and the person passed a check with a face in it.
 * Source: reference §8 (no seed page); the v3 models of Alipay's PHP SDK for the field descriptions.
 */
import { defineApiMethod } from './api-method.js';
import { answerQuery, CERTIFY_OPEN_STEP, CERTIFY_QUERY_ERRORS, CERTIFY_QUERY_REFUSALS, PASSED_T_F_FIELDS } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';
import { CERTIFY_OPEN, type Certification } from '../flows/face-certification.js';
import { SYNTHETIC_FACE_JPEG_BASE64 } from '../identity/synthetic-face-picture.js';

/** The checks with a face in them: the person's live face is what material_info can carry. */
const FACE_CHECKS = new Set(['FACE', 'CERT_PHOTO_FACE', 'SMART_FACE']);

/** The attachments of a finished check: the live face, where the merchant asked for it; else "{}". */
function materialInfo(certification: Certification): string {
  const withFace = certification.status === 'PASSED' && certification.output_facial_picture && FACE_CHECKS.has(certification.biz_code);
  return withFace ? JSON.stringify({ FACIAL_PICTURE_FRONT: SYNTHETIC_FACE_JPEG_BASE64 }) : '{}';
}

export const alipayUserCertifyOpenQuery = defineApiMethod<ParametersOf<typeof CERTIFY_OPEN_STEP.bizContentSchema>>({
  name: 'alipay.user.certify.open.query',
  openApi: 'GET',
  title: '身份认证记录查询',
  ...CERTIFY_OPEN_STEP,
  businessErrors: CERTIFY_QUERY_ERRORS.rows,
  responseFields: PASSED_T_F_FIELDS,
  handle: (bizContent, context) =>
    answerQuery(context, CERTIFY_OPEN, bizContent.certify_id, { errors: CERTIFY_QUERY_ERRORS, ...CERTIFY_QUERY_REFUSALS }, ({ certification, passed, identity_info, fail_reason }) => ({
      passed: passed ? 'T' : 'F',
      identity_info,
      material_info: materialInfo(certification),
      ...(fail_reason ? { fail_reason } : {}),
    })),
});
