/**
 * zhima.customer.certification.material.certify (芝麻认证材料认证): certifies a person from identity
 * information and materials (a face photo for FACE_API) in one call, answering passed "true"/"false".
 * Source: the API page in ../shared/seeds.
 */
import { certifyWithMaterials, personToCertify } from '../flows/face-certification.js';
import { defineApiMethod, textField, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';
import { ZHIMA_MERCHANT_PROPERTIES, ZHIMA_ORDER_PROPERTIES, ZHIMA_ORDER_ROWS, ZHIMA_STEP_ROWS } from './certification-steps.js';

const errors = new BusinessErrorTable([
  ...ZHIMA_STEP_ROWS,
  { sub_code: 'BIZ_ERROR', sub_msg: '业务异常,认证失败', solution: '请根据错误码描述检查错误原因' },
  ...ZHIMA_ORDER_ROWS,
]);

/** The scenes the page names, with the materials each needs. */
const MATERIALS_BY_BIZ_CODE: Readonly<Record<string, readonly string[]>> = {
  FACE_API: ['FACIAL_PICTURE_FRONT'],
};

const bizContentSchema = {
  type: 'object',
  required: ['transaction_id', 'product_code', 'biz_code', 'identity_param', 'materials'],
  properties: {
    ...ZHIMA_ORDER_PROPERTIES,
    materials: { type: 'string', maxLength: 204800, jsonString: { type: 'object', additionalProperties: { type: 'string' } } },
    ...ZHIMA_MERCHANT_PROPERTIES,
  },
} as const;

export const zhimaCustomerCertificationMaterialCertify = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'zhima.customer.certification.material.certify',
  title: '芝麻认证材料认证',
  bizContentSchema,
  businessErrors: errors.rows,
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    transaction_id: 'ZGYD201610252323000001234',
    product_code: 'w1010100000000002978',
    biz_code: 'FACE_API',
    identity_param: '{"identity_type": "CERT_INFO", "cert_type": "IDENTITY_CARD", "cert_name": "收委", "cert_no": "260104197909275964"}',
    materials: '{"FACIAL_PICTURE_FRONT": "/9j/4AAQSkZJR"}',
    merchant_config: '{}',
    ext_biz_param: '{}',
    linked_merchant_id: '2088721630869411',
  },
  identityField: 'identity_param.cert_no',
  // The page's number is in no real region (2601): the same number issued in Hangzhou's Xihu district.
  exampleCall: {
    corrections: { identity_param: '{"identity_type": "CERT_INFO", "cert_type": "IDENTITY_CARD", "cert_name": "收委", "cert_no": "330106197909275965"}' },
    unique: ['transaction_id'],
  },
  responseFields: { biz_no: textField, passed: { type: 'string', enum: ['true', 'false'] }, failed_reason: textField },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'INVALID_PARAMETER' }],
  handle(bizContent, context) {
    const required = MATERIALS_BY_BIZ_CODE[bizContent.biz_code];
    if (!required) {
      return refused(errors.refusal('UNSUPPORTED_BIZ_CODE', `biz_code "${bizContent.biz_code}" is not a scene this API supports; use ${Object.keys(MATERIALS_BY_BIZ_CODE).join(', ')}`));
    }
    const materials = JSON.parse(bizContent.materials) as Record<string, string>;
    const absent = required.filter((name) => !materials[name]);
    if (absent.length) {
      return refused(errors.refusal('INVALID_PARAMETER', `biz_code ${bizContent.biz_code} needs materials.${absent.join(', materials.')}`));
    }
    const checked = personToCertify(bizContent.identity_param);
    if ('problem' in checked) return refused(errors.refusal('INVALID_PARAMETER', checked.problem));
    const record = certifyWithMaterials(context, bizContent.transaction_id);
    return success({ biz_no: record.biz_no, passed: record.passed, failed_reason: record.failed_reason });
  },
});
