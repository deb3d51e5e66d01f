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
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值,且在23小时有效期内' },
]);

const bizContentSchema = singleIdSchema('certify_id');

export const datadigitalFincloudGeneralsaasFaceCertifyVerify = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.verify',
  openApi: 'POST',
  title: 'H5人脸核身开始认证',
  bizContentSchema,
  businessErrors: errors.rows,
  // Alone, the id is one nobody issued (a documented refusal); the state's certify_id makes it a success.
  exampleCall: {
    request: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' },
    needs: { state: 'a certification was started', params: { flow: 'face-certify', order_no: 'ZGYD201809132323000001234' }, field: 'certify_id' },
  },
  responseFields: { certify_url: textField },
  schemaFailureRules: [{ field: 'certify_id', on: 'any', subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST' }],
  handle(bizContent, context) {
    const link = certifyPageLink(context, FACE_CERTIFY, bizContent.certify_id);
    if ('refused' in link) return refused(errors.refusal('OPEN_CERTIFY_BILL_NOT_EXIST', link.detail));
    return success({ certify_url: link.url });
  },
});
