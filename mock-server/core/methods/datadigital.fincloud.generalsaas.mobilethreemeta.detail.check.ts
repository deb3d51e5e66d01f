/**
 * datadigital.fincloud.generalsaas.mobilethreemeta.detail.check (手机号三要素核验详版): do this name, resident ID number
 * and mobile number belong together? match "T" when they name a person the sandbox admits with that name
 * and mobile, "F" otherwise; detail says which element differs, isp names the carrier.
 * Sources: Alipay's SDK classes DatadigitalFincloudGeneralsaasMobilethreemetaDetailCheckModel (biz_code,
 * cert_name, cert_no, outer_biz_no, phone) and …Response (certify_id, detail, isp, match) in
 * alipay-sdk-java-all and alipay-sdk-net-all; the required fields as go-pay's client checks them. What no
 * source settled (match's values, detail's wording, lengths, the business codes) is the sandbox's choice,
 * said in element-check.ts.
 */
import { defineMobileThreeMetaCheck, elementCheckSchema, phoneProperty } from './element-check.js';

export const datadigitalFincloudGeneralsaasMobilethreemetaDetailCheck = defineMobileThreeMetaCheck({
  name: 'datadigital.fincloud.generalsaas.mobilethreemeta.detail.check',
  title: '手机号三要素核验详版',
  bizContentSchema: elementCheckSchema({ phone: phoneProperty }, ['phone']),
  exampleFields: {},
});
