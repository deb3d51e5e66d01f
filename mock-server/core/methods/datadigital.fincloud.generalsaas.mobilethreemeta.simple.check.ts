/**
 * datadigital.fincloud.generalsaas.mobilethreemeta.simple.check (手机号三要素核验简版): do this name, resident ID number
 * and mobile number belong together? match "T" when they name a person the sandbox admits with that name
 * and mobile, "F" otherwise; detail says which element differs, isp names the carrier.
 * Sources: Alipay's SDK classes DatadigitalFincloudGeneralsaasMobilethreemetaSimpleCheckModel (biz_code,
 * cert_name, cert_no, cert_type, outer_biz_no, phone) and …Response (certify_id, detail, isp, match) in
 * alipay-sdk-java-all and alipay-sdk-net-all; the required fields as go-pay's client checks them. What no
 * source settled (match's values, detail's wording, lengths, the business codes) is the sandbox's choice,
 * said in element-check.ts.
 */
import { certTypeProperty, defineMobileThreeMetaCheck, elementCheckSchema, phoneProperty } from './element-check.js';

export const datadigitalFincloudGeneralsaasMobilethreemetaSimpleCheck = defineMobileThreeMetaCheck({
  name: 'datadigital.fincloud.generalsaas.mobilethreemeta.simple.check',
  title: '手机号三要素核验简版',
  bizContentSchema: elementCheckSchema({ cert_type: certTypeProperty, phone: phoneProperty }, ['phone']),
  exampleFields: { cert_type: 'IDENTITY_CARD' },
});
