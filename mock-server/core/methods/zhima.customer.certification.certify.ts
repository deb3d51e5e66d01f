/**
 * zhima.customer.certification.certify (芝麻认证开始认证): a page API, {biz_no} plus the public
 * return_url parameter; the sandbox's page stands in for Zhima's face check.
 * Source: reference §8 (no seed page).
 */
import { certifyPage, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, page, refused } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统繁忙,请稍后再试' },
  { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '根据错误码描述修改入参后再重试' },
]);

const bizContentSchema = singleIdSchema('biz_no');

export const zhimaCustomerCertificationCertify = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'zhima.customer.certification.certify',
  title: '芝麻认证开始认证',
  page: true,
  bizContentSchema,
  businessErrors: errors.rows,
  exampleCall: {
    request: { biz_no: 'ZM201612013000000393900404029253' },
    needs: { state: 'a certification was started', params: { flow: 'zhima', order_no: 'ZHIMA201610252323000001' }, field: 'biz_no' },
  },
  responseFields: {},
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    // Zhima takes return_url as a public parameter of this call, not at initialize.
    const step = certifyPage(context, ZHIMA_CERTIFICATION, bizContent.biz_no, context.parameters.return_url);
    if ('refused' in step) return refused(errors.refusal('INVALID_PARAMETER', step.detail));
    return page(step.page);
  },
});
