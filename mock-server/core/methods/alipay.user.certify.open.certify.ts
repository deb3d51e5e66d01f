/**
 * alipay.user.certify.open.certify (身份认证开始认证): a page API. The merchant sends the user's browser
 * to gateway.do with {certify_id}; Alipay verifies the face in its app, then returns the browser to
 * merchant_config.return_url. The sandbox serves a page that stands in for that check.
 * Source: reference §8 (no seed page); codes as Alipay answers them in practice.
 */
import { CERTIFY_OPEN, certifyPage } from '../flows/face-certification.js';
import { defineApiMethod, page, refused } from './api-method.js';
import { CERTIFY_PAGE_ERRORS, CERTIFY_OPEN_STEP } from './certification-steps.js';
import type { ParametersOf } from './schema-types.js';

export const alipayUserCertifyOpenCertify = defineApiMethod<ParametersOf<typeof CERTIFY_OPEN_STEP.bizContentSchema>>({
  name: 'alipay.user.certify.open.certify',
  title: '身份认证开始认证',
  page: true,
  ...CERTIFY_OPEN_STEP,
  businessErrors: CERTIFY_PAGE_ERRORS.rows,
  responseFields: {},
  handle(bizContent, context) {
    // One code for an unknown id and an expired one: its solution names the 23 hours.
    const found = certifyPage(context, CERTIFY_OPEN, bizContent.certify_id);
    if ('refused' in found) return refused(CERTIFY_PAGE_ERRORS.refusal('OPEN_CERTIFY_BILL_NOT_EXIST', found.detail));
    return page(found.page);
  },
});
