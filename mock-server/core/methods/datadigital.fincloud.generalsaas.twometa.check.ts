/**
 * datadigital.fincloud.generalsaas.twometa.check (身份证二要素核验): do this name and resident ID number
 * belong together? match "T" when they name a person the sandbox admits with that name, "F" otherwise.
 * Sources: Alipay's SDK classes DatadigitalFincloudGeneralsaasTwometaCheckModel (biz_code, cert_name,
 * cert_no, cert_type, outer_biz_no) and …Response (certify_id, match) in alipay-sdk-java-all and
 * alipay-sdk-net-all; the required fields as go-pay's client checks them. What no source settled
 * (match's values, lengths, the business codes) is the sandbox's choice, said in element-check.ts.
 */
import { defineApiMethod, success, textField } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { certTypeProperty, checkElements, elementCertifyId, elementCheckExample, elementCheckParts, elementCheckSchema } from './element-check.js';

const NAME = 'datadigital.fincloud.generalsaas.twometa.check';

const bizContentSchema = elementCheckSchema({ cert_type: certTypeProperty }, ['cert_type']);

export const datadigitalFincloudGeneralsaasTwometaCheck = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: NAME,
  title: '身份证二要素核验',
  bizContentSchema,
  ...elementCheckParts,
  exampleCall: elementCheckExample({ biz_code: 'TWO_META', cert_type: 'IDENTITY_CARD' }),
  responseFields: { certify_id: textField, match: { type: 'string', enum: ['T', 'F'] } },
  handle(bizContent, context) {
    const verdict = checkElements(context, bizContent);
    return success({ certify_id: elementCertifyId(context, NAME, bizContent.outer_biz_no), match: verdict.match ? 'T' : 'F' });
  },
});
