/**
 * zhima.customer.certification.certify (芝麻认证开始认证): a page API, {biz_no} plus the public
 * return_url parameter; the sandbox's page stands in for Zhima's face check.
 * Source: reference §8 (no seed page).
 */
import { certifyPage, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, page, refused } from './api-method.js';
import { certificationStep, ZHIMA_STEP_ERRORS } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

const step = certificationStep({
  flow: 'zhima',
  idField: 'biz_no',
  exampleId: 'ZM201612013000000393900404029253',
  orderNo: 'ZHIMA201610252323000001',
  malformed: { subCode: 'INVALID_PARAMETER', anyField: true },
});

export const zhimaCustomerCertificationCertify = defineApiMethod<ParametersOf<typeof step.bizContentSchema>>({
  name: 'zhima.customer.certification.certify',
  title: '芝麻认证开始认证',
  page: true,
  ...step,
  businessErrors: ZHIMA_STEP_ERRORS.rows,
  responseFields: {},
  handle(bizContent, context) {
    // Zhima takes return_url as a public parameter of this call, not at initialize.
    const found = certifyPage(context, ZHIMA_CERTIFICATION, bizContent.biz_no, context.parameters.return_url);
    if ('refused' in found) return refused(ZHIMA_STEP_ERRORS.refusal('INVALID_PARAMETER', found.detail));
    return page(found.page);
  },
});
