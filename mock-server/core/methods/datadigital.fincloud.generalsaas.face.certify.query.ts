/**
 * datadigital.fincloud.generalsaas.face.certify.query (H5人脸核身查询记录): the result of a certify_id,
 * passed "T" ("是否通过，通过为T，不通过为F"), "F" until the person passed. fail_reason ("认证错误原因，
 * 扩展字段，默认不返回", example Z1147) comes only after a failed check; identity_info and material_info
 * are "{}" (the v3 model: "刷脸用户的身份信息，目前返回为空"; "一般的认证场景都是返回空").
 * Sources: the API page https://opendocs.alipay.com/open/02zloc; alipay/alipay-sdk-java-all's
 * DatadigitalFincloudGeneralsaasFaceCertifyQueryModel / ...QueryResponse and the v3
 * DatadigitalFincloudGeneralsaasFaceCertifyQueryResponseModel; the v3 path is GET in the current v3
 * docs of the Java, .NET and PHP SDKs (an older Java doc listed POST).
 * Business codes: the documented list of Alipay's v3 SDK model (...FaceCertifyQueryErrorResponseModel): SYSTEM_ERROR,
 * INVALID_PARAMETER, CERTIFY_ID_EXPIRED, OPEN_CERTIFY_BILL_NOT_EXIST, OPEN_CERTIFY_BILL_STATUS_ERROR; texts in
 * face-business-codes.ts. The sandbox pairs them with the flow's failures as certify-open's query, whose code names
 * these are: OPEN_CERTIFY_BILL_NOT_EXIST 无效的certify_id for an id nobody issued to this app, CERTIFY_ID_EXPIRED
 * 认证已失效 for one nobody finished within its 23 hours (a finished one stays queryable), INVALID_PARAMETER for a
 * malformed certify_id; OPEN_CERTIFY_BILL_STATUS_ERROR and SYSTEM_ERROR come by scenario only.
 */
import { FACE_CERTIFY } from '../flows/face-certification.js';
import { defineApiMethod } from './api-method.js';
import { answerQuery, CERTIFY_QUERY_REFUSALS, FACE_CERTIFY_STEP, PASSED_T_F_FIELDS } from './certification-steps.js';
import { FACE_CERTIFY_QUERY_ERRORS } from './face-business-codes.js';
import type { ParametersOf } from './schema-types.js';

export const datadigitalFincloudGeneralsaasFaceCertifyQuery = defineApiMethod<ParametersOf<typeof FACE_CERTIFY_STEP.bizContentSchema>>({
  name: 'datadigital.fincloud.generalsaas.face.certify.query',
  openApi: 'GET',
  title: 'H5人脸核身查询记录',
  ...FACE_CERTIFY_STEP,
  businessErrors: FACE_CERTIFY_QUERY_ERRORS.rows,
  responseFields: PASSED_T_F_FIELDS,
  // "目前返回为空": the H5 family hands out no identity, unlike certify-open after a pass.
  handle: (bizContent, context) =>
    answerQuery(context, FACE_CERTIFY, bizContent.certify_id, { errors: FACE_CERTIFY_QUERY_ERRORS, ...CERTIFY_QUERY_REFUSALS }, ({ passed, fail_reason }) => ({
      passed: passed ? 'T' : 'F',
      ...(fail_reason ? { fail_reason } : {}),
      identity_info: '{}',
      material_info: '{}',
    })),
});
