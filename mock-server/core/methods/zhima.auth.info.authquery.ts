/**
 * zhima.auth.info.authquery (授权查询): has this person authorised the merchant to use Zhima? Queried by
 * name and resident ID number (identity_type 2) or by Alipay user id (identity_type 5). The answer
 * follows the grants alipay.user.auth.zhimaper.inner.apply recorded.
 * Source: the API page in ../shared/seeds.
 */
import { describeResidentIdProblem, residentIdProblem } from '../identity/resident-id.js';
import { memberFor } from '../identity/membership.js';
import { defineApiMethod, refused, success, optionalTextField, type MethodContext, type MethodOutcome } from './api-method.js';
import type { JsonTextOf, ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';

/** identity_param once parsed, as its jsonString schema describes it. */
type IdentityParam = JsonTextOf<typeof bizContentSchema.properties.identity_param>;

const errors = new BusinessErrorTable([
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '请稍后重试' },
  { sub_code: 'ALIPAY_ACCOUNT_NOTCERTIFIE', sub_msg: '你对应的支付宝账号非个人用户或者非身份证认证', solution: '请使用已经实名的支付宝个人用户账户' },
  { sub_code: 'ALIPAY_RELATED_UNKNOWN', sub_msg: '身份信息存疑,无法提供服务', solution: '用户账户存在风险,暂时不能为这个用户提供服务' },
  { sub_code: 'ALIPAY_SIMULATE_ACCOUNT', sub_msg: '身份信息存疑,无法提供服务', solution: '用户账户存在风险,暂时不能为这个用户提供服务' },
  { sub_code: 'CERTNO_WRONG', sub_msg: '证件号错误', solution: '请输入正确的证件号' },
  { sub_code: 'ILLEGAL_ARGUMENT', sub_msg: '参数不合法', solution: '请校验传递的参数是否格式正确' },
  { sub_code: 'NULL_ARGUMENT', sub_msg: '参数为空', solution: '重新校验传递的参数是否正确' },
  { sub_code: 'ZM_ACCOUNT_NOT_EXISTED', sub_msg: '芝麻账户不存在', solution: '请先开通芝麻,开通链接<a>http://xy.alipay.com/personal/reg_auth.htm</a>' },
  { sub_code: 'ZM_ACCOUNT_PAUSE', sub_msg: '该账号暂停服务', solution: '请使用正常状态的芝麻账号' },
  { sub_code: 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', sub_msg: '此支付宝账户ID不存在', solution: '请检查输入的UserId是否为真实的支付宝账户id' },
]);

const bizContentSchema = {
  type: 'object',
  required: ['identity_param', 'identity_type'],
  properties: {
    identity_param: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      jsonString: {
        type: 'object',
        properties: {
          certType: { type: 'string' },
          name: { type: 'string' },
          certNo: { type: 'string' },
          userId: { type: 'string' },
        },
      },
    },
    identity_type: { type: 'string', minLength: 1, maxLength: 10, enum: ['2', '5'] },
    auth_category: { type: 'string', maxLength: 10, enum: ['C2B', 'C2ConB', 'B2B'] },
  },
} as const;

const ALIPAY_USER_ID = /^2088\d{12}$/;

/** Authorized true, with the app's open_id for the person, once inner.apply granted it; else false. */
function authorizationAnswer(context: MethodContext, certNo: string | undefined, name?: string): MethodOutcome {
  const granted = certNo === undefined ? undefined : context.state.authorization(context.appId, certNo);
  if (!granted || (name !== undefined && granted.name !== name)) return success({ authorized: false });
  return success({ authorized: true, open_id: granted.open_id });
}

/** identity_type 2: certType, name and certNo, the number a real resident ID. */
function byCertificate(identity: IdentityParam, context: MethodContext): MethodOutcome {
  const absent = (['certType', 'name', 'certNo'] as const).filter((field) => !identity[field]);
  if (absent.length) return refused(errors.refusal('NULL_ARGUMENT', `identity_type 2 needs identity_param.${absent.join(', identity_param.')}`));
  if (identity.certType !== 'IDENTITY_CARD') {
    return refused(errors.refusal('ILLEGAL_ARGUMENT', `identity_param.certType must be IDENTITY_CARD, not "${identity.certType}"`));
  }
  const certNo = identity.certNo!.toUpperCase();
  const problem = residentIdProblem(certNo);
  if (problem) return refused(errors.refusal('CERTNO_WRONG', describeResidentIdProblem('identity_param.certNo', certNo, problem)));
  if (!memberFor(context.state, context.membership, { cert_no: certNo, name: identity.name! })) {
    return refused(errors.refusal('ZM_ACCOUNT_NOT_EXISTED', 'the scenario closes the world to known people, and no known person has this certNo and name'));
  }
  return authorizationAnswer(context, certNo, identity.name);
}

/** identity_type 5: an Alipay user id, 2088 and 12 digits. */
function byUserId(identity: IdentityParam, context: MethodContext): MethodOutcome {
  if (!identity.userId) return refused(errors.refusal('NULL_ARGUMENT', 'identity_type 5 needs identity_param.userId'));
  const person = context.state.personByUserId(identity.userId);
  if (!ALIPAY_USER_ID.test(identity.userId) || (!person && context.membership === 'closed')) {
    return refused(errors.refusal('ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', `identity_param.userId "${identity.userId}" is no Alipay user id the sandbox knows`));
  }
  return authorizationAnswer(context, person?.cert_no);
}

export const zhimaAuthInfoAuthquery = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'zhima.auth.info.authquery',
  title: '授权查询',
  bizContentSchema,
  businessErrors: errors.rows,
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"33021199003132432"}',
    identity_type: '2',
    auth_category: 'C2B',
  },
  identityField: 'identity_param.certNo',
  // The page's certNo has 17 digits: a real 18-digit one.
  exampleCall: { corrections: { identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"330211199003132437"}' } },
  responseFields: { authorized: { type: 'boolean' }, open_id: optionalTextField },
  schemaFailureRules: [
    { field: '*', on: 'missing', subCode: 'NULL_ARGUMENT' },
    { field: '*', on: 'invalid', subCode: 'ILLEGAL_ARGUMENT' },
  ],
  handle(bizContent, context) {
    const identity = JSON.parse(bizContent.identity_param) as IdentityParam;
    return bizContent.identity_type === '2' ? byCertificate(identity, context) : byUserId(identity, context);
  },
});
