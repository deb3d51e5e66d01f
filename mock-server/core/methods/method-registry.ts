/**
 * method name → definition. Adding an API is adding its definition file and one line here.
 */
import type { ErrorObject } from 'ajv';
import type { ApiMethodDefinition, Refusal } from './api-method.js';
import { BusinessErrorTable, fieldOrderOf, schemaFailureMapper } from './business-errors.js';
import { compileBizContentSchema, jsonTextFields } from './biz-content.js';
import type { SchemaValidator } from '../validation/schema-validators.js';
import { alipaySystemOauthToken } from './alipay.system.oauth.token.js';
import { alipayOpenAuthTokenApp } from './alipay.open.auth.token.app.js';
import { alipayUserInfoShare } from './alipay.user.info.share.js';
import { datadigitalFincloudGeneralsaasTwometaCheck } from './datadigital.fincloud.generalsaas.twometa.check.js';
import { datadigitalFincloudGeneralsaasMobilethreemetaSimpleCheck } from './datadigital.fincloud.generalsaas.mobilethreemeta.simple.check.js';
import { datadigitalFincloudGeneralsaasMobilethreemetaDetailCheck } from './datadigital.fincloud.generalsaas.mobilethreemeta.detail.check.js';
import { datadigitalFincloudGeneralsaasFaceSourceCertify } from './datadigital.fincloud.generalsaas.face.source.certify.js';
import { alipaySecurityRiskVerifyidentityApply } from './alipay.security.risk.verifyidentity.apply.js';
import { alipayUserAuthZhimaperInnerApply } from './alipay.user.auth.zhimaper.inner.apply.js';
import { alipayUserCertifyOpenInitialize } from './alipay.user.certify.open.initialize.js';
import { alipayUserCertifyOpenCertify } from './alipay.user.certify.open.certify.js';
import { alipayUserCertifyOpenQuery } from './alipay.user.certify.open.query.js';
import { zhimaAuthInfoAuthquery } from './zhima.auth.info.authquery.js';
import { zhimaCustomerCertificationCertify } from './zhima.customer.certification.certify.js';
import { zhimaCustomerCertificationInitialize } from './zhima.customer.certification.initialize.js';
import { zhimaCustomerCertificationQuery } from './zhima.customer.certification.query.js';
import { zhimaCustomerCertificationMaterialCertify } from './zhima.customer.certification.material.certify.js';
import { datadigitalFincloudGeneralsaasFaceCertifyInitialize } from './datadigital.fincloud.generalsaas.face.certify.initialize.js';
import { datadigitalFincloudGeneralsaasFaceCertifyVerify } from './datadigital.fincloud.generalsaas.face.certify.verify.js';
import { datadigitalFincloudGeneralsaasFaceCertifyQuery } from './datadigital.fincloud.generalsaas.face.certify.query.js';
import { datadigitalFincloudGeneralsaasFaceVerificationInitialize } from './datadigital.fincloud.generalsaas.face.verification.initialize.js';
import { datadigitalFincloudGeneralsaasFaceVerificationQuery } from './datadigital.fincloud.generalsaas.face.verification.query.js';
import { datadigitalFincloudGeneralsaasFaceCheckInitialize } from './datadigital.fincloud.generalsaas.face.check.initialize.js';
import { datadigitalFincloudGeneralsaasFaceCheckQuery } from './datadigital.fincloud.generalsaas.face.check.query.js';
import { alipaySecurityRiskVerifyidentityInitialize } from './alipay.security.risk.verifyidentity.initialize.js';
import { alipaySecurityRiskVerifyidentityConfirm } from './alipay.security.risk.verifyidentity.confirm.js';
import { alipayUserCertdocCertverifyPreconsult } from './alipay.user.certdoc.certverify.preconsult.js';
import { alipayUserCertdocCertverifyConsult } from './alipay.user.certdoc.certverify.consult.js';

export interface RegisteredMethod {
  readonly definition: ApiMethodDefinition;
  readonly validateBizContent: SchemaValidator;
  /** The page's documented answer to a schema failure, from the definition's schemaFailureRules. */
  readonly schemaFailure: (errors: readonly ErrorObject[]) => Refusal;
  /** The fields whose JSON text may also arrive as a JSON object (see withJsonText). */
  readonly jsonTextFields: readonly string[];
  /** The 请求参数 in the page's table order. */
  readonly parameterNames: readonly string[];
}

export type MethodRegistry = ReadonlyMap<string, RegisteredMethod>;

export const SUPPORTED_METHODS: readonly ApiMethodDefinition[] = [
  zhimaCustomerCertificationMaterialCertify,
  alipayUserAuthZhimaperInnerApply,
  alipayUserCertifyOpenInitialize,
  alipaySecurityRiskVerifyidentityApply,
  zhimaAuthInfoAuthquery,
  // The sibling methods of the two face-verification flows (reference §8).
  alipayUserCertifyOpenCertify,
  alipayUserCertifyOpenQuery,
  zhimaCustomerCertificationInitialize,
  zhimaCustomerCertificationCertify,
  zhimaCustomerCertificationQuery,
  // The H5 face check (人脸核身 H5), the third family of the face-certification flow.
  datadigitalFincloudGeneralsaasFaceCertifyInitialize,
  datadigitalFincloudGeneralsaasFaceCertifyVerify,
  datadigitalFincloudGeneralsaasFaceCertifyQuery,
  // The App face verification (人脸核身 App) and its liveness-only check, families of the same flow.
  datadigitalFincloudGeneralsaasFaceVerificationInitialize,
  datadigitalFincloudGeneralsaasFaceVerificationQuery,
  datadigitalFincloudGeneralsaasFaceCheckInitialize,
  datadigitalFincloudGeneralsaasFaceCheckQuery,
  // The user_id that authquery's identity_type 5 takes comes from here.
  alipaySystemOauthToken,
  // The app_auth_token of a third-party (ISV) app calling for a merchant comes from here.
  alipayOpenAuthTokenApp,
  // Log in with Alipay: what a person's OAuth grant lets the app know of them.
  alipayUserInfoShare,
  // 核身 after apply: initialize's verify page, then confirm's result.
  alipaySecurityRiskVerifyidentityInitialize,
  alipaySecurityRiskVerifyidentityConfirm,
  // 实名证件信息比对验证: elements first, then their check against the person behind an id_verify token.
  alipayUserCertdocCertverifyPreconsult,
  alipayUserCertdocCertverifyConsult,
  // The element checks of 实名信息核验: name and ID number, and with a mobile number.
  datadigitalFincloudGeneralsaasTwometaCheck,
  datadigitalFincloudGeneralsaasMobilethreemetaSimpleCheck,
  datadigitalFincloudGeneralsaasMobilethreemetaDetailCheck,
  // 纯服务端人脸核身: a face picture uploaded as multipart/form-data, compared on the server.
  datadigitalFincloudGeneralsaasFaceSourceCertify,
];

/** Two methods may share a kind of record only by keeping the same one (one declaration, imported). */
function checkRecordKinds(definitions: readonly ApiMethodDefinition[]): void {
  const declared = new Map<string, { readonly name: string }>();
  for (const kind of definitions.flatMap((d) => d.keeps ?? [])) {
    if (declared.has(kind.name) && declared.get(kind.name) !== kind) throw new Error(`two different kinds of record are named ${kind.name}`);
    declared.set(kind.name, kind);
  }
}

export function createMethodRegistry(definitions: readonly ApiMethodDefinition[] = SUPPORTED_METHODS): MethodRegistry {
  checkRecordKinds(definitions);
  return new Map(definitions.map((definition) => [definition.name, registered(definition)]));
}

function registered(definition: ApiMethodDefinition): RegisteredMethod {
  // Compiled on the method's first call: a start answers its first request without compiling every schema.
  let validate: SchemaValidator | undefined;
  return {
    definition,
    get validateBizContent() {
      return (validate ??= compileBizContentSchema(definition.bizContentSchema));
    },
    schemaFailure: schemaFailureMapper(new BusinessErrorTable(definition.businessErrors), fieldOrderOf(definition.bizContentSchema), definition.schemaFailureRules),
    jsonTextFields: jsonTextFields(definition.bizContentSchema),
    parameterNames: fieldOrderOf(definition.bizContentSchema),
  };
}
