/**
 * alipay.user.auth.zhimaper.inner.apply (芝麻个人征信基于支付宝的协议授权): a person's name, resident ID
 * number and mobile must match an Alipay member; the merchant then gets tokens for Zhima APIs, and
 * zhima.auth.info.authquery answers authorized true for this person and app from then on.
 * Source: the API page in ../shared/seeds.
 */
import { describeResidentIdProblem, residentIdProblem } from '../identity/resident-id.js';
import { detailsMismatch, memberFor } from '../identity/membership.js';
import type { Authorization, Person } from '../state/sandbox-store.js';
import { defineApiMethod, textField, refused, success, optionalTextField, type MethodContext } from './api-method.js';
import type { ParametersOf } from './schema-types.js';
import { BusinessErrorTable } from './business-errors.js';
import { alipayToken, alipayUserId } from './generated-ids.js';

const errors = new BusinessErrorTable([
  { sub_code: 'CERT_NO_IS_NULL', sub_msg: '证件号码参数为空', solution: '请填写证件号码' },
  { sub_code: 'CERT_TYPE_IS_NULL', sub_msg: '证件类型参数为空', solution: '请填写证件类型' },
  { sub_code: 'NAME_IS_NULL', sub_msg: '姓名参数为空', solution: '请填写姓名参数' },
  { sub_code: 'MOBILE_IS_NULL', sub_msg: '手机号码参数为空', solution: '请填写手机号码参数' },
  { sub_code: 'NO_USER_ERROR', sub_msg: '身份三要素不存在支付宝认证的个人会员', solution: '请让用户先开通一个认证的支付宝账号' },
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '请稍后重试' },
]);

const bizContentSchema = {
  type: 'object',
  required: ['cert_no', 'cert_type', 'name', 'mobile'],
  properties: {
    cert_no: { type: 'string', minLength: 1, maxLength: 32 },
    cert_type: { type: 'string', minLength: 1, maxLength: 32, enum: ['IDENTITY_CARD'] },
    name: { type: 'string', minLength: 1, maxLength: 16 },
    mobile: { type: 'string', minLength: 1, maxLength: 16 },
    linked_merchant_id: { type: 'string', maxLength: 16 },
  },
} as const;

export const alipayUserAuthZhimaperInnerApply = defineApiMethod<ParametersOf<typeof bizContentSchema>>({
  name: 'alipay.user.auth.zhimaper.inner.apply',
  title: '芝麻个人征信基于支付宝的协议授权',
  bizContentSchema,
  businessErrors: errors.rows,
  // The page's own request example (its Java sample's setBizContent), verbatim.
  pageExample: {
    cert_no: '330701199901011311',
    cert_type: 'IDENTITY_CARD',
    name: '张三',
    mobile: '13588111111',
    linked_merchant_id: '2088721630869411',
  },
  identityField: 'cert_no',
  // The page's number has a wrong check digit (…1311 → …1316).
  exampleCall: { corrections: { cert_no: '330701199901011316' } },
  responseFields: { access_token: textField, refresh_token: textField, auth_token_type: optionalTextField },
  schemaFailureRules: [
    { field: 'cert_no', on: 'missing', subCode: 'CERT_NO_IS_NULL' },
    { field: 'cert_type', on: 'missing', subCode: 'CERT_TYPE_IS_NULL' },
    { field: 'name', on: 'missing', subCode: 'NAME_IS_NULL' },
    { field: 'mobile', on: 'missing', subCode: 'MOBILE_IS_NULL' },
  ],
  handle(bizContent, context) {
    // A number that cannot be a resident ID belongs to no Alipay member.
    const problem = residentIdProblem(bizContent.cert_no);
    if (problem) return refused(errors.refusal('NO_USER_ERROR', describeResidentIdProblem('cert_no', bizContent.cert_no, problem)));
    // "需要对姓名、身份账号、手机号和支付宝实名认证信息作匹配,否则授权失败" (the page), in either world.
    const mismatch = detailsMismatch(context.state, bizContent);
    if (mismatch) return refused(errors.refusal('NO_USER_ERROR', mismatch));
    const member = memberFor(context.state, context.membership, bizContent);
    if (!member) {
      return refused(errors.refusal('NO_USER_ERROR', 'the scenario closes the world to known people, and no known person has this cert_no, name and mobile'));
    }
    const granted = context.state.authorization(context.appId, member.cert_no) ?? grant(context, member);
    return success({ access_token: granted.access_token, refresh_token: granted.refresh_token, auth_token_type: 'permanent' });
  },
});

/** Records the person's authorization of this app; a repeated apply gets the same tokens back. */
function grant(context: MethodContext, member: Person): Authorization {
  if (!context.state.person(member.cert_no)) context.state.addPerson(member);
  const person = [context.appId, member.cert_no];
  const authorization: Authorization = {
    app_id: context.appId,
    cert_no: member.cert_no,
    name: member.name,
    user_id: member.user_id,
    open_id: alipayUserId(context.appId, member.user_id),
    access_token: alipayToken(context.nowMs, 'access', ...person),
    refresh_token: alipayToken(context.nowMs, 'refresh', ...person),
    granted_at: new Date(context.nowMs).toISOString(),
  };
  context.state.grant(authorization);
  return authorization;
}
