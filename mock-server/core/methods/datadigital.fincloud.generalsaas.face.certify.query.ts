/**
 * datadigital.fincloud.generalsaas.face.certify.query (H5人脸核身查询记录): the result of a certify_id,
 * passed "T" ("是否通过，通过为T，不通过为F"), "F" until the person passed. fail_reason ("认证错误原因，
 * 扩展字段，默认不返回", example Z1147) comes only after a failed check; identity_info and material_info
 * are "{}" (the v3 model: "刷脸用户的身份信息，目前返回为空"; "一般的认证场景都是返回空").
 * Sources: the API page https://opendocs.alipay.com/open/02zloc; alipay/alipay-sdk-java-all's
 * DatadigitalFincloudGeneralsaasFaceCertifyQueryModel / ...QueryResponse and the v3
 * DatadigitalFincloudGeneralsaasFaceCertifyQueryResponseModel; the v3 path is GET in the current v3
 * docs of the Java, .NET and PHP SDKs (an older Java doc listed POST).
 * Where Alipay documents nothing, the sandbox chose certify-open's codes: OPEN_CERTIFY_BILL_NOT_EXIST
 * 无效的certify_id for an id nobody issued to this app, CERTIFY_ID_EXPIRED 认证已失效 for one nobody
 * finished within its 23 hours (a finished one stays queryable), and SYSTEM_ERROR.
 */
import { FACE_CERTIFY, queryCertification } from '../flows/face-certification.js';
import { defineApiMethod, refused, success } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { singleIdSchema } from './shared-schemas.js';
import { BusinessErrorTable } from './business-errors.js';

/** The codes it borrowed from certify-open; the App face verification and face check, documented no better, answer with them too. */
export const faceCertifyQueryErrors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统有异常,可通过重试来尝试解决' },
  { sub_code: 'OPEN_CERTIFY_BILL_NOT_EXIST', sub_msg: '无效的certify_id', solution: '检查certify_id是否为初始化接口返回的值' },
  { sub_code: 'CERTIFY_ID_EXPIRED', sub_msg: '认证已失效', solution: '重新调用初始化接口获取新的certify_id' },
]);

/** Which of those codes answers why the flow found no certification. */
export const FACE_QUERY_REFUSALS = { unknown: 'OPEN_CERTIFY_BILL_NOT_EXIST', expired: 'CERTIFY_ID_EXPIRED' } as const;

const bizContentSchema = singleIdSchema('certify_id');

export const datadigitalFincloudGeneralsaasFaceCertifyQuery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.query',
  openApi: 'GET',
  title: 'H5人脸核身查询记录',
  bizContentSchema,
  businessErrors: faceCertifyQueryErrors.rows,
  // Alone, the id is one nobody issued (a documented refusal); the state's certify_id makes it a success.
  exampleCall: {
    request: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' },
    needs: { state: 'a certification was started', params: { flow: 'face-certify', order_no: 'ZGYD201809132323000001234' }, field: 'certify_id' },
  },
  responseFields: {
    passed: { type: 'string', enum: ['T', 'F'] },
    fail_reason: { type: 'string', optional: true },
    identity_info: { type: 'string', optional: true },
    material_info: { type: 'string', optional: true },
  },
  schemaFailureRules: [{ field: 'certify_id', on: 'any', subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST' }],
  handle(bizContent, context) {
    const answer = queryCertification(context, FACE_CERTIFY, bizContent.certify_id);
    if ('refused' in answer) return refused(faceCertifyQueryErrors.refusal(FACE_QUERY_REFUSALS[answer.refused], answer.detail));
    const { passed, fail_reason } = answer.result;
    // "目前返回为空": the H5 family hands out no identity, unlike certify-open after a pass.
    return success({ passed: passed ? 'T' : 'F', ...(fail_reason ? { fail_reason } : {}), identity_info: '{}', material_info: '{}' });
  },
});
