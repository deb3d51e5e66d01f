/**
 * datadigital.fincloud.generalsaas.face.certify.verify (H5人脸核身开始认证): answers the certify_url
 * ("返回用于唤起刷脸页面的url") the merchant opens in the person's browser. Alipay's link opens its face
 * check; the sandbox's opens its hosted certification page (GET /__sandbox/certifications/<certify_id>
 * on the address the call reached), where the tester passes or fails the person, who is then sent to
 * merchant_config.return_url.
 * Sources: the API page https://opendocs.alipay.com/open/02zlob; alipay/alipay-sdk-java-all's
 * DatadigitalFincloudGeneralsaasFaceCertifyVerifyModel (certify_id) and ...VerifyResponse (certify_url),
 * and its v3 docs (POST /v3/datadigital/fincloud/generalsaas/face/certify/verify).
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceCertifyVerifyErrorResponseModel): SYSTEM_ERROR
 * and INVALID_PARAMETER (the earlier list: SYSTEM_ERROR, ILLEGAL_ARGUMENT_FORMAT, UNKNOWN_ERROR); their texts in
 * face-business-codes.ts.
 * Where Alipay documents nothing, the sandbox chose: certify_id at most 32 characters (the ids it issues), and
 * INVALID_PARAMETER, the list's only code for a bad request, for a malformed certify_id, an unknown one and one
 * past its 23 hours.
 */
import { certifyPageLink, FACE_CERTIFY } from '../flows/face-certification.js';
import { defineApiMethod, refused, success, textField } from './api-method.js';
import { FACE_CERTIFY_STEP } from './certification-steps.js';
import { FACE_CERTIFY_VERIFY_ERRORS } from './face-business-codes.js';
import type { ParametersOf } from './schema-types.js';

export const datadigitalFincloudGeneralsaasFaceCertifyVerify = defineApiMethod<ParametersOf<typeof FACE_CERTIFY_STEP.bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.verify',
  openApi: 'POST',
  title: 'H5人脸核身开始认证',
  ...FACE_CERTIFY_STEP,
  businessErrors: FACE_CERTIFY_VERIFY_ERRORS.rows,
  responseFields: { certify_url: textField },
  handle(bizContent, context) {
    const link = certifyPageLink(context, FACE_CERTIFY, bizContent.certify_id);
    if ('refused' in link) return refused(FACE_CERTIFY_VERIFY_ERRORS.refusal('INVALID_PARAMETER', link.detail));
    return success({ certify_url: link.url });
  },
});
