/**
 * alipay.user.certify.open.certify (身份认证开始认证): a page API. The merchant sends the user's browser
 * to gateway.do with {certify_id}; Alipay verifies the face in its app, then returns the browser to
 * merchant_config.return_url. The sandbox serves a page that stands in for that check.
 * Source: reference §8 (no seed page); codes as Alipay answers them in practice.
 */
import { CERTIFY_OPEN, certifyPage } from '../flows/face-certification.js';
import { defineApiMethod, page, refused } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值,且在23小时有效期内' },
]);

const bizContentSchema = singleIdSchema('certify_id');

export const alipayUserCertifyOpenCertify = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.certify.open.certify',
  title: '身份认证开始认证',
  page: true,
  bizContentSchema,
  businessErrors: errors.rows,
  exampleCall: {
    request: { certify_id: '0123456789abcdef0123456789abcdef' },
    needs: { state: 'a certification was started', params: { flow: 'certify-open', order_no: 'ZGYD201809132323000001234' }, field: 'certify_id' },
  },
  responseFields: {},
  schemaFailureRules: [{ field: 'certify_id', on: 'any', subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST' }],
  handle(bizContent, context) {
    // One code for an unknown id and an expired one: its solution names the 23 hours.
    const step = certifyPage(context, CERTIFY_OPEN, bizContent.certify_id);
    if ('refused' in step) return refused(errors.refusal('OPEN_CERTIFY_BILL_NOT_EXIST', step.detail));
    return page(step.page);
  },
});
