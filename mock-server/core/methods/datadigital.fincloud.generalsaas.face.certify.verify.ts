/**
 * datadigital.fincloud.generalsaas.face.certify.verify (H5人脸核身开始认证): answers the certify_url
 * ("返回用于唤起刷脸页面的url") the merchant opens in the person's browser. Alipay's link opens its face
 * check; the sandbox's opens its hosted certification page (GET /__sandbox/certifications/<certify_id>
 * on the address the call reached), where the tester passes or fails the person, who is then sent to
 * merchant_config.return_url.
 * Sources: the API page https://opendocs.alipay.com/open/02zlob; alipay/alipay-sdk-java-all's
 * DatadigitalFincloudGeneralsaasFaceCertifyVerifyModel (certify_id) and ...VerifyResponse (certify_url),
 * and its v3 docs (POST /v3/datadigital/fincloud/generalsaas/face/certify/verify).
 * Where Alipay documents nothing, the sandbox chose: certify_id at most 32 characters (the ids it
 * issues), and certify-open's codes SYSTEM_ERROR and OPEN_CERTIFY_BILL_NOT_EXIST 无效的certify_id for an
 * unknown certify_id or one past its 23 hours.
 */
import { certifyPageLink, FACE_CERTIFY } from '../flows/face-certification.js';
import { defineApiMethod, refused, success, textField } from './api-method.js';
import { CERTIFY_PAGE_ERRORS, FACE_CERTIFY_STEP } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

export const datadigitalFincloudGeneralsaasFaceCertifyVerify = defineApiMethod<ParametersOf<typeof FACE_CERTIFY_STEP.bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.verify',
  openApi: 'POST',
  title: 'H5人脸核身开始认证',
  ...FACE_CERTIFY_STEP,
  businessErrors: CERTIFY_PAGE_ERRORS.rows,
  responseFields: { certify_url: textField },
  handle(bizContent, context) {
    const link = certifyPageLink(context, FACE_CERTIFY, bizContent.certify_id);
    if ('refused' in link) return refused(CERTIFY_PAGE_ERRORS.refusal('OPEN_CERTIFY_BILL_NOT_EXIST', link.detail));
    return success({ certify_url: link.url });
  },
});
