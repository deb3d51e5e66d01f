/**
 * Consumer contract of the reference client with Alipay's gateway. Every method gets, from its
 * definition alone (contracts/method-interactions.ts), its example answered with success (over v3 too,
 * where it has a path) and with each documented business error; beside those, the cases written here
 * pin what a definition cannot say: a particular bad input and the code it gets, domain states
 * (authorized, passed, failed, expired, over the call limit) and exact answer values. Provider states
 * are in domain words. The pact is written to contracts/pacts/ and verified against the sandbox by
 * contracts/provider.test.ts. Matchers, not literals, stand for signatures, timestamps and generated ids.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MatchersV3, type PactV3, type V3MockServer } from '@pact-foundation/pact';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../fixtures/test-keys.js';
import { interactionPacts } from '../test/support/pact-files.js';
import { type ProviderStateName } from '../contracts/provider-states.js';
import { AlipayApiError, AlipayClient, AlipayV3Error } from './alipay-client.js';
import { gatewayMethod, methodInteractions, type MethodInteraction } from '../contracts/method-interactions.js';
import { openApiPath, type ResponseField } from '../mock-server/core/methods/api-method.js';
import { SUPPORTED_METHODS } from '../mock-server/core/methods/method-registry.js';
import { OPENAPI_V3, OPENAPI_V3_QUERY, TOP_LEVEL_PARAMETER_METHODS, type ApiMethod, type OpenApiMethod, type PageMethod } from './api-types.js';

const { regex, fromProviderState } = MatchersV3;
const PACTS = new URL('../contracts/pacts/', import.meta.url).pathname;
const SIGN = regex(/^[A-Za-z0-9+/]{342}==$/, 'x'.repeat(342) + '==');
// Parsed once, not for each test's client: parsing the PEM costs more than the signature it is for.
const PRIVATE_KEY = createPrivateKey(readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'));
const TIMESTAMP = regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, '2026-11-22 12:00:00');

// Each test's interaction is written on its own and the pact joined after the file (pact-files.ts).
const pacts = interactionPacts({ consumer: 'alipay-reference-client', provider: 'alipay-gateway', logLevel: 'error' });
afterAll(() => pacts.join(PACTS));

/**
 * A test body, then a wait until Pact's mock server has recorded the match. Its Rust core records a
 * request after answering it, and under CPU contention executeTest can look first and report an
 * answered request as never received (pact-foundation/pact-reference#535, pact-js#1835; seen here in
 * CI, two interactions of 65). A request that truly did not arrive still fails, 2 s later.
 */
function thenRecorded(pact: PactV3, body: (server: V3MockServer) => Promise<void>): (server: V3MockServer) => Promise<void> {
  return async (server) => {
    await body(server);
    const core = (pact as unknown as { pact?: { mockServerMatchedSuccessfully?: (port: number) => boolean } }).pact;
    if (typeof core?.mockServerMatchedSuccessfully !== 'function') throw new Error('PactV3 no longer keeps its core where thenRecorded looks for it (see its comment)');
    for (const deadline = Date.now() + 2000; !core.mockServerMatchedSuccessfully(server.port) && Date.now() < deadline; ) await new Promise((done) => setTimeout(done, 5));
  };
}

function clientFor(server: V3MockServer): AlipayClient {
  // Pact's mock server re-serialises JSON, so no response signature can hold in consumer tests;
  // the provider verification and the client's own tests against the sandbox check signatures.
  return new AlipayClient({
    gateway: `${server.url}/gateway.do`,
    appId: DEFAULT_APP_ID,
    privateKey: PRIVATE_KEY,
    verifyResponses: false,
  });
}

function publicQuery(method: string) {
  return { app_id: DEFAULT_APP_ID, method, format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', timestamp: TIMESTAMP, version: '1.0', sign: SIGN };
}

type State = { name: ProviderStateName; params?: Record<string, string> };

interface CallCase {
  readonly description: string;
  readonly state: State;
  readonly method: ApiMethod;
  readonly bizContent: Record<string, string>;
  /** A field of biz_content (or a top-level parameter) whose value the provider state supplies (certify_id, biz_no, code). */
  readonly injected?: string;
  readonly answer: { readonly success: Record<string, unknown> } | { readonly error: { code: string; msg: string; sub_code: string; sub_msg: string } };
  /** alipay.system.oauth.token's shape: a success node without code and msg, refusals in error_response. */
  readonly oauthEnvelope?: true;
}

const busy = (sub_msg = '系统繁忙') => ({ code: '40004', msg: 'Business Failed', sub_code: 'SYSTEM_ERROR', sub_msg });
const business = (sub_code: string, sub_msg: string) => ({ error: { code: '40004', msg: 'Business Failed', sub_code, sub_msg } });
const registered: State = { name: 'the app is registered' };

const MATERIAL = {
  transaction_id: 'ZGYD201610252323000001234',
  product_code: 'w1010100000000002978',
  biz_code: 'FACE_API',
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
  materials: '{"FACIAL_PICTURE_FRONT":"/9j/4AAQSkZJR"}',
};
const PERSON = { cert_no: '330701199901011316', cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' };
const CERTIFY_INIT = {
  outer_order_no: 'ZGYD201809132323000001234',
  biz_code: 'FACE',
  identity_param: MATERIAL.identity_param,
  merchant_config: '{"return_url":"https://merchant.example/return"}',
};
const VERIFY = {
  biz_id: 'test_302857831249',
  account_id: '330102198807312189',
  validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}',
  scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient',
};
const AUTHQUERY = { identity_type: '2', identity_param: `{"certType":"IDENTITY_CARD","name":"张三","certNo":"${PERSON.cert_no}"}` };
const ZHIMA_INIT = { transaction_id: 'ZHIMA201610252323000001', product_code: 'w1010100000000002978', biz_code: 'FACE', identity_param: MATERIAL.identity_param };
const CERTIFY_ID = regex(/^[0-9a-f]{32}$/, '2109b5e671aa3ff2eb4851816c65828f');
const BIZ_NO = regex(/^ZM\d{30}$/, 'ZM201612013000000393900404029253');
const TOKEN = regex(/^\d{8}[0-9a-f]{32}$/, '20120823ac6ffaa4d2d84e7384bf983531473993');
const OPEN_ID = regex(/^2088\d{12}$/, '2088202844499224');
const APP_TOKEN = regex(/^\d{6}BB[0-9a-f]{32}$/, '201509BBeff9351ad1874306903e96b91d248a36');
const AUTH_CODE = '4b203fe6c11548bcabd8da5bb087a83b';
const invalidArguments = (sub_code: string, sub_msg: string) => ({ error: { code: '40002', msg: 'Invalid Arguments', sub_code, sub_msg } });
const started = (flow: string, order_no: string, name: ProviderStateName = 'a certification was started', extra: Record<string, string> = {}): State => ({
  name,
  params: { flow, order_no, ...extra },
});

const CASES: readonly CallCase[] = [
  { description: 'a material certification that passes', state: registered, method: 'zhima.customer.certification.material.certify', bizContent: MATERIAL, answer: { success: { biz_no: BIZ_NO, passed: 'true', failed_reason: '认证完成' } } },
  { description: 'a material certification without the face photo', state: registered, method: 'zhima.customer.certification.material.certify', bizContent: { ...MATERIAL, materials: '{}' }, answer: business('INVALID_PARAMETER', '参数有误') },
  { description: 'a material certification in a scene not signed', state: registered, method: 'zhima.customer.certification.material.certify', bizContent: { ...MATERIAL, biz_code: 'SMART_FACE' }, answer: business('UNSUPPORTED_BIZ_CODE', '不支持的认证场景') },
  { description: 'a material certification while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'zhima.customer.certification.material.certify', bizContent: MATERIAL, answer: { error: busy() } },
  { description: 'a material certification failing on a business error', state: { name: 'the certification fails on a business error' }, method: 'zhima.customer.certification.material.certify', bizContent: MATERIAL, answer: business('BIZ_ERROR', '业务异常,认证失败') },
  { description: 'a material certification outside the contract', state: { name: "the merchant's contract does not cover the certification" }, method: 'zhima.customer.certification.material.certify', bizContent: MATERIAL, answer: business('ARRANGEMENT_ERROR', '合约异常') },
  { description: 'a material certification whose order cannot be updated', state: { name: 'the certification order cannot be updated' }, method: 'zhima.customer.certification.material.certify', bizContent: MATERIAL, answer: business('TRANSACTION_ERROR', '交易订单异常') },

  { description: 'an authorization by a member', state: registered, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: PERSON, answer: { success: { access_token: TOKEN, refresh_token: TOKEN, auth_token_type: 'permanent' } } },
  { description: 'an authorization without cert_no', state: registered, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: { ...PERSON, cert_no: '' }, answer: business('CERT_NO_IS_NULL', '证件号码参数为空') },
  { description: 'an authorization without cert_type', state: registered, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: { ...PERSON, cert_type: '' }, answer: business('CERT_TYPE_IS_NULL', '证件类型参数为空') },
  { description: 'an authorization without name', state: registered, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: { ...PERSON, name: '' }, answer: business('NAME_IS_NULL', '姓名参数为空') },
  { description: 'an authorization without mobile', state: registered, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: { ...PERSON, mobile: '' }, answer: business('MOBILE_IS_NULL', '手机号码参数为空') },
  { description: 'an authorization by no member', state: { name: 'no Alipay member has these identity elements' }, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: PERSON, answer: business('NO_USER_ERROR', '身份三要素不存在支付宝认证的个人会员') },
  { description: 'an authorization while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'alipay.user.auth.zhimaper.inner.apply', bizContent: PERSON, answer: { error: busy('系统繁忙') } },

  { description: 'a face verification started', state: registered, method: 'alipay.user.certify.open.initialize', bizContent: CERTIFY_INIT, answer: { success: { certify_id: CERTIFY_ID } } },
  { description: 'a face verification in an unknown scene', state: registered, method: 'alipay.user.certify.open.initialize', bizContent: { ...CERTIFY_INIT, biz_code: 'PALM' }, answer: business('ILLEGAL_ARGUMENT_FORMAT', '参数异常') },
  { description: 'a face verification outside the contract', state: { name: "the merchant's contract does not cover the certification" }, method: 'alipay.user.certify.open.initialize', bizContent: CERTIFY_INIT, answer: business('ARRANGEMENT_STATUS_ERROR', '合约状态异常') },
  { description: 'a face verification while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'alipay.user.certify.open.initialize', bizContent: CERTIFY_INIT, answer: { error: busy() } },
  { description: 'a face verification while the gateway is busy', state: { name: 'the gateway is busy' }, method: 'alipay.user.certify.open.initialize', bizContent: CERTIFY_INIT, answer: { error: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' } } },

  { description: 'an availability query', state: registered, method: 'alipay.security.risk.verifyidentity.apply', bizContent: VERIFY, answer: { success: { is_success: 'true', err_code: '', err_message: '', usable_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}', unusable_product_list: '[]' } } },
  ...(['biz_id', 'account_id', 'validate_product_group', 'scene_code'] as const).map((field): CallCase => ({ description: `an availability query without ${field}`, state: registered, method: 'alipay.security.risk.verifyidentity.apply', bizContent: { ...VERIFY, [field]: '' }, answer: business('USABLE_QUERY_FAIL', `参数${field}为空`) })),
  { description: 'an availability query for a product that does not exist', state: registered, method: 'alipay.security.risk.verifyidentity.apply', bizContent: { ...VERIFY, validate_product_group: '{"id":1,"name":"face"}' }, answer: business('USABLE_QUERY_FAIL', '参数validate_product_group包含的产品参数错误') },
  { description: 'an availability query while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'alipay.security.risk.verifyidentity.apply', bizContent: VERIFY, answer: { error: busy() } },

  { description: 'an authorization query for a person who authorized the app', state: { name: 'identity has authorized the app', params: { cert_no: PERSON.cert_no, name: PERSON.name, mobile: PERSON.mobile } }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: { success: { authorized: true, open_id: OPEN_ID } } },
  { description: 'an authorization query for a person who did not', state: { name: 'identity has not authorized the app' }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: { success: { authorized: false } } },
  { description: 'an authorization query with a 17-digit certNo', state: registered, method: 'zhima.auth.info.authquery', bizContent: { ...AUTHQUERY, identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"33021199003132432"}' }, answer: business('CERTNO_WRONG', '证件号错误') },
  { description: 'an authorization query of an unknown identity_type', state: registered, method: 'zhima.auth.info.authquery', bizContent: { ...AUTHQUERY, identity_type: '3' }, answer: business('ILLEGAL_ARGUMENT', '参数不合法') },
  { description: 'an authorization query without identity_param', state: registered, method: 'zhima.auth.info.authquery', bizContent: { ...AUTHQUERY, identity_param: '' }, answer: business('NULL_ARGUMENT', '参数为空') },
  { description: 'an authorization query by a user id that is none', state: registered, method: 'zhima.auth.info.authquery', bizContent: { identity_type: '5', identity_param: '{"userId":"12345"}' }, answer: business('ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', '此支付宝账户ID不存在') },
  { description: 'an authorization query for a person without Zhima', state: { name: 'the person has no Zhima account' }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: business('ZM_ACCOUNT_NOT_EXISTED', '芝麻账户不存在') },
  { description: 'an authorization query for a paused account', state: { name: "the person's Zhima account is paused" }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: business('ZM_ACCOUNT_PAUSE', '该账号暂停服务') },
  { description: 'an authorization query for an account not ID-verified', state: { name: "the person's Alipay account is not ID-verified" }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: business('ALIPAY_ACCOUNT_NOTCERTIFIE', '你对应的支付宝账号非个人用户或者非身份证认证') },
  { description: 'an authorization query for a doubtful identity', state: { name: "the person's identity is doubtful" }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: business('ALIPAY_RELATED_UNKNOWN', '身份信息存疑,无法提供服务') },
  { description: 'an authorization query for a simulated account', state: { name: 'the person is suspected of using a simulated account' }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: business('ALIPAY_SIMULATE_ACCOUNT', '身份信息存疑,无法提供服务') },
  { description: 'an authorization query while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'zhima.auth.info.authquery', bizContent: AUTHQUERY, answer: { error: busy() } },

  { description: 'a query of a passed face verification', state: started('certify-open', 'Q0001', 'the certification passed'), method: 'alipay.user.certify.open.query', bizContent: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' }, injected: 'certify_id', answer: { success: { passed: 'T', identity_info: regex(/^\{.*\}$/, '{}'), material_info: '{}' } } },
  { description: 'a query of a failed face verification', state: started('certify-open', 'Q0002', 'the certification failed', { reason: 'Z1147' }), method: 'alipay.user.certify.open.query', bizContent: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' }, injected: 'certify_id', answer: { success: { passed: 'F', identity_info: '{}', material_info: '{}', fail_reason: 'Z1147' } } },
  { description: 'a query of a certify_id nobody finished within its 23 hours', state: started('certify-open', 'Q0003', 'the certification expired unfinished'), method: 'alipay.user.certify.open.query', bizContent: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' }, injected: 'certify_id', answer: business('CERTIFY_ID_EXPIRED', '认证已失效') },
  { description: 'a face verification query over the app\'s call limit', state: { name: 'the app is over its call limit' }, method: 'alipay.user.certify.open.query', bizContent: { certify_id: '0123456789abcdef0123456789abcdef' }, answer: { error: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.unknow-error', sub_msg: '服务暂不可用（网关自身的未知错误）' } } },
  { description: 'a query of an unknown certify_id', state: registered, method: 'alipay.user.certify.open.query', bizContent: { certify_id: '0123456789abcdef0123456789abcdef' }, answer: business('OPEN_CERTIFY_BILL_NOT_EXIST', '无效的certify_id') },
  { description: 'a face verification query while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'alipay.user.certify.open.query', bizContent: { certify_id: '0123456789abcdef0123456789abcdef' }, answer: { error: busy() } },

  { description: 'a Zhima certification started', state: registered, method: 'zhima.customer.certification.initialize', bizContent: ZHIMA_INIT, answer: { success: { biz_no: BIZ_NO } } },
  { description: 'a Zhima certification with a bad identity', state: registered, method: 'zhima.customer.certification.initialize', bizContent: { ...ZHIMA_INIT, identity_param: '{}' }, answer: business('INVALID_PARAMETER', '参数有误') },
  { description: 'a Zhima certification in an unknown scene', state: registered, method: 'zhima.customer.certification.initialize', bizContent: { ...ZHIMA_INIT, biz_code: 'PALM' }, answer: business('UNSUPPORTED_BIZ_CODE', '不支持的认证场景') },
  { description: 'a Zhima certification outside the contract', state: { name: "the merchant's contract does not cover the certification" }, method: 'zhima.customer.certification.initialize', bizContent: ZHIMA_INIT, answer: business('ARRANGEMENT_ERROR', '合约异常') },
  { description: 'a Zhima certification whose order cannot be updated', state: { name: 'the certification order cannot be updated' }, method: 'zhima.customer.certification.initialize', bizContent: ZHIMA_INIT, answer: business('TRANSACTION_ERROR', '交易订单异常') },
  { description: 'a Zhima certification while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'zhima.customer.certification.initialize', bizContent: ZHIMA_INIT, answer: { error: busy() } },
  { description: 'a query of a passed Zhima certification', state: started('zhima', 'Z0001', 'the certification passed'), method: 'zhima.customer.certification.query', bizContent: { biz_no: 'ZM201612013000000393900404029253' }, injected: 'biz_no', answer: { success: { passed: 'true', identity_info: regex(/^\{.*\}$/, '{}'), attribute_info: '{}', channel_statuses: '[{"channel_type":"FACE","success":true}]' } } },
  { description: 'a query of a failed Zhima certification', state: started('zhima', 'Z0002', 'the certification failed', { reason: 'Z1147' }), method: 'zhima.customer.certification.query', bizContent: { biz_no: 'ZM201612013000000393900404029253' }, injected: 'biz_no', answer: { success: { passed: 'false', failed_reason: 'Z1147', identity_info: '{}', attribute_info: '{}', channel_statuses: '[{"channel_type":"FACE","success":false}]' } } },
  { description: 'a query of an unknown biz_no', state: registered, method: 'zhima.customer.certification.query', bizContent: { biz_no: 'ZM201612013000000393900404029253' }, answer: business('INVALID_PARAMETER', '参数有误') },
  { description: 'a Zhima query while Alipay is busy', state: { name: 'Alipay is busy' }, method: 'zhima.customer.certification.query', bizContent: { biz_no: 'ZM201612013000000393900404029253' }, answer: { error: busy('系统繁忙') } },

  { description: 'a token for the auth code of an OAuth redirect', state: { name: 'the person agreed on the OAuth page' }, method: 'alipay.system.oauth.token', bizContent: { grant_type: 'authorization_code', code: AUTH_CODE }, injected: 'code', oauthEnvelope: true, answer: { success: { user_id: OPEN_ID, open_id: OPEN_ID, access_token: TOKEN, expires_in: 1296000, refresh_token: TOKEN, re_expires_in: 2592000, auth_start: TIMESTAMP } } },
  { description: 'an app_auth_token for the code of a merchant\'s authorization', state: { name: 'a merchant authorized the app', params: { auth_app_id: '2021000000000101' } }, method: 'alipay.open.auth.token.app', bizContent: { grant_type: 'authorization_code', code: '1cc19911172e4f8aaa509c8fb5d12F56' }, injected: 'code', answer: { success: { user_id: OPEN_ID, auth_app_id: '2021000000000101', app_auth_token: APP_TOKEN, app_refresh_token: APP_TOKEN, expires_in: '31536000', re_expires_in: '32140800' } } },
  { description: 'an app_auth_token for an app_auth_code that was never issued', state: registered, method: 'alipay.open.auth.token.app', bizContent: { grant_type: 'authorization_code', code: '1cc19911172e4f8aaa509c8fb5d12F56' }, answer: business('AUTH_CODE_NOT_EXIST', 'auth_code不存在') },
  { description: 'a token for an auth code that was never issued', state: registered, method: 'alipay.system.oauth.token', bizContent: { grant_type: 'authorization_code', code: AUTH_CODE }, oauthEnvelope: true, answer: invalidArguments('isv.code-invalid', '授权码code无效') },
  { description: 'a token refresh with a refresh token that is none', state: registered, method: 'alipay.system.oauth.token', bizContent: { grant_type: 'refresh_token', refresh_token: '201208134b203fe6c11548bcabd8da5bb087a83b' }, oauthEnvelope: true, answer: invalidArguments('isv.refresh-token-invalid', '刷新令牌refresh_token无效') },
];

/** What a state supplies: one field (the hand-written cases), or several (a derived call's id and its auth_token). */
type Injected = string | readonly string[] | undefined;

const injectedNames = (injected: Injected): readonly string[] => (injected === undefined ? [] : typeof injected === 'string' ? [injected] : injected);

/** Parameters as the pact records them: literal, or, for those a state supplies, generated from its value. */
function withInjected(parameters: Readonly<Record<string, string>>, injected: Injected) {
  const names = injectedNames(injected);
  return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, names.includes(name) ? fromProviderState(`\${${name}}`, value) : value]));
}

/** biz_content as the pact records it: literal, or, where a state supplies an id, generated from it. */
function bizContentInPact(bizContent: Readonly<Record<string, string>>, injected: Injected) {
  const example = JSON.stringify(bizContent);
  const names = injectedNames(injected).filter((name) => name in bizContent);
  if (!names.length) return example;
  return fromProviderState(JSON.stringify({ ...bizContent, ...Object.fromEntries(names.map((name) => [name, `\${${name}}`])) }), example);
}

interface GatewayCall {
  readonly method: string;
  readonly request: Readonly<Record<string, string>>;
  /** Public parameters beside the protocol's own (auth_token), in the URL. */
  readonly publicParameters?: Readonly<Record<string, string>>;
  readonly injected?: Injected;
}

/** The HTTP method its definition gives a gateway.do call: GET for a page a browser opens, POST otherwise. */
function gatewayVerb(method: string): 'GET' | 'POST' {
  const definition = SUPPORTED_METHODS.find((d) => d.name === method);
  if (!definition) throw new Error(`${method} is not a method the sandbox serves`);
  return gatewayMethod(definition);
}

/** A gateway.do request: the public parameters in the URL, the business ones in a form body (POST) or the URL too (GET). */
function gatewayRequest(c: GatewayCall, verb: 'GET' | 'POST', topLevel: boolean) {
  const business = topLevel ? withInjected(c.request, c.injected) : { biz_content: bizContentInPact(c.request, c.injected) };
  const query = { ...publicQuery(c.method), ...withInjected(c.publicParameters ?? {}, c.injected) };
  if (verb === 'GET') return { method: verb, path: '/gateway.do', query: { ...query, ...business } };
  return {
    method: verb,
    path: '/gateway.do',
    query,
    headers: { 'Content-Type': regex(/^application\/x-www-form-urlencoded(;.*)?$/, 'application/x-www-form-urlencoded;charset=utf-8') },
    contentType: 'application/x-www-form-urlencoded',
    body: business,
  };
}

const JSON_TYPE = { 'Content-Type': regex(/^application\/json(;.*)?$/, 'application/json;charset=utf-8') };
const HTML_TYPE = { 'Content-Type': regex(/^text\/html(;.*)?$/, 'text/html;charset=utf-8') };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A field's matcher, or an object field's matchers field by field. */
type FieldMatcher = ReturnType<typeof MatchersV3.string> | ReturnType<typeof MatchersV3.number> | ReturnType<typeof MatchersV3.boolean> | ReturnType<typeof regex> | { readonly [name: string]: FieldMatcher };

/** A response field as the pact matches it: by the values the page lists, or by its type. */
function fieldMatcher(field: ResponseField): FieldMatcher {
  if (field.enum) return regex(new RegExp(`^(${field.enum.map(escapeRegex).join('|')})$`), field.enum[0]!);
  if (field.type === 'number') return MatchersV3.number(1);
  if (field.type === 'boolean') return MatchersV3.boolean(true);
  if (field.fields) return fieldMatchers(field.fields);
  return MatchersV3.string('example');
}

const fieldMatchers = (fields: Readonly<Record<string, ResponseField>>): Record<string, FieldMatcher> => Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldMatcher(field)]));

/** A derived interaction's answer in the pact: the node under its key and a sign, a v3 body, or a page. */
function derivedResponse(i: MethodInteraction) {
  if (i.answer.kind === 'page') return { status: 200, headers: HTML_TYPE };
  if (i.parametersAt === 'v3') return { status: 200, headers: JSON_TYPE, body: i.answer.kind === 'success' ? fieldMatchers(i.answer.fields) : {} };
  const node = i.answer.kind === 'success' ? { ...(i.successWithCode ? { code: '10000', msg: 'Success' } : {}), ...fieldMatchers(i.answer.fields) } : i.answer.error;
  return { status: 200, headers: JSON_TYPE, body: { [i.nodeKey]: node, sign: SIGN } };
}

/** What the reference client makes of a derived interaction's answer. */
async function checkDerived(i: MethodInteraction, server: V3MockServer): Promise<void> {
  const client = clientFor(server);
  if (i.answer.kind === 'page') {
    expect((await fetch(client.pageUrl(i.method as PageMethod, i.request as never))).status).toBe(200);
    return;
  }
  if (i.parametersAt === 'v3') {
    expect(await client.callV3(i.method as OpenApiMethod, i.request as never)).toBeTypeOf('object');
    return;
  }
  const call = client.call(i.method as ApiMethod, i.request as never, i.publicParameters);
  if (i.answer.kind === 'success') {
    const node = (await call) as Record<string, unknown>;
    for (const [name, field] of Object.entries(i.answer.fields)) expect(typeof node[name]).toBe(field.type);
    return;
  }
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AlipayApiError);
  expect(error).toMatchObject({ code: i.answer.error.code, subCode: i.answer.error.sub_code, subMsg: i.answer.error.sub_msg });
}

const AUTHORIZATION = regex(/^ALIPAY-SHA256withRSA app_id=[0-9A-Za-z_-]+,nonce=[0-9a-f-]{36},timestamp=\d{13},sign=[A-Za-z0-9+/=]+$/, `ALIPAY-SHA256withRSA app_id=${DEFAULT_APP_ID},nonce=00000000-0000-4000-8000-000000000000,timestamp=1790000000000,sign=${'x'.repeat(342)}==`);

const JSON_BODY = { 'Content-Type': regex(/^application\/json(;.*)?$/, 'application/json') };

/** A v3 POST: the JSON body, and the query where the API takes parameters there (no body when those are all). */
function openApiPost(method: string, recorded: ReturnType<typeof withInjected>) {
  const inQuery = OPENAPI_V3_QUERY[method as OpenApiMethod] ?? [];
  const query = Object.fromEntries(Object.entries(recorded).filter(([name]) => inQuery.includes(name)));
  const body = Object.fromEntries(Object.entries(recorded).filter(([name]) => !inQuery.includes(name)));
  const hasBody = !inQuery.length || Object.keys(body).length > 0;
  return {
    ...(inQuery.length ? { query } : {}),
    ...(hasBody ? { body, contentType: 'application/json' } : {}),
    headers: { Authorization: AUTHORIZATION, ...(hasBody ? JSON_BODY : {}) },
  };
}

/** A v3 request: the parameters as the query of a GET or the JSON body of a POST, as the definition's HTTP method says. */
function openApiRequest(method: string, verb: 'GET' | 'POST', parameters: Readonly<Record<string, string>>, injected: Injected) {
  const recorded = withInjected(parameters, injected);
  const parts = verb === 'GET' ? { query: recorded, headers: { Authorization: AUTHORIZATION } } : openApiPost(method, recorded);
  return { method: verb, path: openApiPath(method), ...parts };
}

describe('the reference client\'s contract with the gateway', () => {
  it.each(CASES.map((c) => [c.description, c] as const))('%s', async (_description, c) => {
    const success = 'success' in c.answer;
    const nodeKey = !success && c.oauthEnvelope ? 'error_response' : `${c.method.replaceAll('.', '_')}_response`;
    const node = 'success' in c.answer ? { ...(c.oauthEnvelope ? {} : { code: '10000', msg: 'Success' }), ...c.answer.success } : c.answer.error;
    const topLevel = TOP_LEVEL_PARAMETER_METHODS.includes(c.method);
    const pact = pacts.next();
    pact
      .given(c.state.name, c.state.params)
      .uponReceiving(c.description)
      .withRequest(gatewayRequest({ method: c.method, request: c.bizContent, injected: c.injected }, gatewayVerb(c.method), topLevel))
      .willRespondWith({ status: 200, headers: JSON_TYPE, body: { [nodeKey]: node, sign: SIGN } });
    await pact.executeTest(thenRecorded(pact, async (server) => {
      const call = clientFor(server).call(c.method, c.bizContent as never);
      if ('success' in c.answer) {
        expect(await call).toMatchObject(c.oauthEnvelope ? { access_token: expect.any(String) } : { code: '10000', msg: 'Success' });
      } else {
        const error = await call.then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(AlipayApiError);
        expect(error).toMatchObject({ code: c.answer.error.code, subCode: c.answer.error.sub_code, subMsg: c.answer.error.sub_msg });
      }
    }));
  });

  const V3_CASES: ReadonlyArray<{ description: string; state: State; method: OpenApiMethod; parameters: Record<string, string>; injected?: string; status: number; body: Record<string, unknown> }> = [
    { description: 'a face verification started over OpenAPI v3', state: registered, method: 'alipay.user.certify.open.initialize', parameters: CERTIFY_INIT, status: 200, body: { certify_id: CERTIFY_ID } },
    { description: 'a v3 query of a passed face verification', state: started('certify-open', 'V3Q0001', 'the certification passed'), method: 'alipay.user.certify.open.query', parameters: { certify_id: '2109b5e671aa3ff2eb4851816c65828f' }, injected: 'certify_id', status: 200, body: { passed: 'T', identity_info: regex(/^\{.*\}$/, '{}'), material_info: '{}' } },
    { description: 'a token over v3 for the auth code of an OAuth redirect', state: { name: 'the person agreed on the OAuth page' }, method: 'alipay.system.oauth.token', parameters: { grant_type: 'authorization_code', code: AUTH_CODE }, injected: 'code', status: 200, body: { user_id: OPEN_ID, open_id: OPEN_ID, access_token: TOKEN, expires_in: 1296000, refresh_token: TOKEN, re_expires_in: 2592000, auth_start: TIMESTAMP } },
    { description: 'a v3 query of an unknown certify_id', state: registered, method: 'alipay.user.certify.open.query', parameters: { certify_id: '0123456789abcdef0123456789abcdef' }, status: 400, body: { code: 'OPEN_CERTIFY_BILL_NOT_EXIST', message: '无效的certify_id', links: [{ link: regex(/^https:\/\/\S+$/, 'https://opendocs.alipay.com/common/02km9f'), desc: '解决方案' }] } },
  ];

  it.each(V3_CASES.map((c) => [c.description, c] as const))('%s', async (_description, c) => {
    const pact = pacts.next();
    pact
      .given(c.state.name, c.state.params)
      .uponReceiving(c.description)
      .withRequest(openApiRequest(c.method, OPENAPI_V3[c.method], c.parameters, c.injected))
      .willRespondWith({ status: c.status, headers: JSON_TYPE, body: c.body });
    await pact.executeTest(thenRecorded(pact, async (server) => {
      const call = clientFor(server).callV3(c.method, c.parameters as never);
      if (c.status === 200) {
        expect(await call).toBeTypeOf('object');
      } else {
        const error = await call.then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(AlipayV3Error);
        expect(error).toMatchObject({ status: c.status, code: c.body.code });
      }
    }));
  });
});

describe('the interactions every method gets from its definition', () => {
  it.each(methodInteractions(SUPPORTED_METHODS).map((i) => [i.description, i] as const))('%s', async (_description, i) => {
    const injected = [...(i.injected ? [i.injected] : []), ...(i.publicInjected ?? [])];
    const request = i.parametersAt === 'v3' ? openApiRequest(i.method, i.httpMethod, i.request, injected) : gatewayRequest({ ...i, injected }, i.httpMethod, i.parametersAt === 'top-level');
    const pact = pacts.next();
    pact.given(i.state.name, i.state.params).uponReceiving(i.description).withRequest(request).willRespondWith(derivedResponse(i));
    await pact.executeTest(thenRecorded(pact, (server) => checkDerived(i, server)));
  });
});
