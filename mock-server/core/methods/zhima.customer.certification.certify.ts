/**
 * zhima.customer.certification.certify (芝麻认证开始认证): a page API, {biz_no} plus the public
 * return_url parameter; the sandbox's page stands in for Zhima's face check.
 * Source: reference §8 (no seed page).
 */
import { certifyPage, ZHIMA_CERTIFICATION } from '../flows/face-certification.js';
import { defineApiMethod, page, refused } from './api-method.js';
import { ZHIMA_STEP, ZHIMA_STEP_ERRORS } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

export const zhimaCustomerCertificationCertify = defineApiMethod<ParametersOf<typeof ZHIMA_STEP.bizContentSchema>>({
  name: 'zhima.customer.certification.certify',
  title: '芝麻认证开始认证',
  page: true,
  ...ZHIMA_STEP,
  businessErrors: ZHIMA_STEP_ERRORS.rows,
  responseFields: {},
  handle(bizContent, context) {
    // Zhima takes return_url as a public parameter of this call, not at initialize.
    const found = certifyPage(context, ZHIMA_CERTIFICATION, bizContent.biz_no, context.parameters.return_url);
    if ('refused' in found) return refused(ZHIMA_STEP_ERRORS.refusal('INVALID_PARAMETER', found.detail));
    return page(found.page);
  },
});
