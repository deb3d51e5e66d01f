/**
 * alipay.security.risk.verifyidentity.apply (核身可用性查询接口): before an identity check, asks which of
 * the wanted verification products (payment password, face, ...) can be used for an account.
 * Source: the API page in ../shared/seeds.
 */
import { defineApiMethod, textField, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { jsonObjectField } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

interface Product {
  id?: number | string;
  name: string;
  uuid?: string;
}

const PRODUCT_PARAMETER_ERROR = '参数validate_product_group包含的产品参数错误';

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统异常,建议稍后重试或联系技术支持人员解决' },
  { sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数biz_id为空', solution: '调整参数,重试' },
  { sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数account_id为空', solution: '调整参数,重试' },
  { sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数validate_product_group为空', solution: '调整参数,重试' },
  { sub_code: 'USABLE_QUERY_FAIL', sub_msg: '参数scene_code为空', solution: '调整参数,重试' },
  { sub_code: 'USABLE_QUERY_FAIL', sub_msg: PRODUCT_PARAMETER_ERROR, solution: '修改产品名称,重试' },
]);

/** A verification product as the page writes one: {"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}. */
const productSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    id: { type: ['integer', 'string'] },
    name: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
    uuid: { type: 'string' },
  },
} as const;

const bizContentSchema = {
  type: 'object',
  required: ['biz_id', 'account_id', 'validate_product_group', 'scene_code'],
  properties: {
    biz_id: { type: 'string', minLength: 1, maxLength: 128 },
    account_name: { type: 'string', maxLength: 128 },
    account_id: { type: 'string', minLength: 1, maxLength: 128 },
    account_type: { type: 'string', maxLength: 32, enum: ['ALIPAY_USERID', 'CERT'] },
    validate_product_group: {
      type: 'string',
      minLength: 1,
      maxLength: 10000,
      // One product, as in the page's example, or a list of them.
      jsonString: { anyOf: [productSchema, { type: 'array', minItems: 1, items: productSchema }] },
    },
    scene_code: { type: 'string', minLength: 1, maxLength: 128 },
    biz_params: jsonObjectField(5000),
  },
} as const;

/** apply's fields as its page bounds them: initialize and confirm, whose pages have no tables, take theirs from here. */
export const APPLY_FIELDS = bizContentSchema.properties;

/** The products as the answer lists them: id and name, without the request's uuid. */
function listed(group: Product | Product[]): string {
  const strip = ({ id, name }: Product) => (id === undefined ? { name } : { id, name });
  return JSON.stringify(Array.isArray(group) ? group.map(strip) : strip(group));
}

export const alipaySecurityRiskVerifyidentityApply = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.security.risk.verifyidentity.apply',
  title: '核身可用性查询接口',
  bizContentSchema,
  businessErrors: errors.rows,
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    biz_id: 'test_302857831249',
    account_name: '张三',
    account_id: '330102198807312189',
    account_type: 'ALIPAY_USERID',
    validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD","uuid":"2ac7745f2151420ea168476b0675010a"}',
    scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient',
    biz_params: '{"sms_code":"test","qrcode_expired_time":604800}',
  },
  identityField: 'account_id',
  exampleCall: { unique: ['biz_id'] },
  responseFields: { is_success: textField, err_code: textField, err_message: textField, usable_product_group: textField, unusable_product_list: textField },
  schemaFailureRules: [
    { field: 'biz_id', on: 'missing', subCode: 'USABLE_QUERY_FAIL', subMsg: '参数biz_id为空' },
    { field: 'account_id', on: 'missing', subCode: 'USABLE_QUERY_FAIL', subMsg: '参数account_id为空' },
    { field: 'validate_product_group', on: 'missing', subCode: 'USABLE_QUERY_FAIL', subMsg: '参数validate_product_group为空' },
    { field: 'validate_product_group.*', on: 'any', subCode: 'USABLE_QUERY_FAIL', subMsg: PRODUCT_PARAMETER_ERROR },
    { field: 'scene_code', on: 'missing', subCode: 'USABLE_QUERY_FAIL', subMsg: '参数scene_code为空' },
  ],
  handle(bizContent) {
    const group = JSON.parse(bizContent.validate_product_group) as Product | Product[];
    // Normal behaviour: every wanted product is usable. Scenarios choose otherwise.
    return success({
      is_success: 'true',
      err_code: '',
      err_message: '',
      usable_product_group: listed(group),
      unusable_product_list: '[]',
    });
  },
});
