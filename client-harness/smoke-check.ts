/**
 * A smoke check of the contract against any gateway: each API called with its page's own example,
 * answered with a well-formed envelope whose signature verifies and whose code is 10000 or one the
 * API documents. Meant for Alipay's real sandbox, where no provider state can be set up.
 */
import { documentedError } from '../mock-server/methods/business-errors.js';
import { SUPPORTED_METHODS } from '../mock-server/methods/method-registry.js';
import { AlipayApiError, AlipayClient, AlipayProtocolError, type AlipayClientConfig } from './alipay-client.js';
import type { ApiMethod } from './api-types.js';

const IDENTITY = '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}';

/** One call per API (every one but the page APIs), with the example requests of the API pages (ids made unique per run). */
function smokeCalls(runId: string): Array<[ApiMethod, Record<string, string>]> {
  return [
    ['alipay.user.certify.open.initialize', { outer_order_no: `SMOKE${runId}`, biz_code: 'FACE', identity_param: IDENTITY, merchant_config: '{"return_url":"https://merchant.example/return"}' }],
    ['zhima.customer.certification.material.certify', { transaction_id: `SMOKE${runId}`, product_code: 'w1010100000000002978', biz_code: 'FACE_API', identity_param: IDENTITY, materials: '{"FACIAL_PICTURE_FRONT":"/9j/4AAQSkZJR"}' }],
    ['alipay.user.auth.zhimaper.inner.apply', { cert_no: '330701199901011316', cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' }],
    ['alipay.security.risk.verifyidentity.apply', { biz_id: `smoke_${runId}`, account_id: '330102198807312189', validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}', scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient' }],
    ['zhima.auth.info.authquery', { identity_type: '2', identity_param: '{"certType":"IDENTITY_CARD","name":"张三","certNo":"330211199003132437"}', auth_category: 'C2B' }],
    ['alipay.user.certify.open.query', { certify_id: '0123456789abcdef0123456789abcdef' }],
    ['zhima.customer.certification.initialize', { transaction_id: `SMOKE${runId}`, product_code: 'w1010100000000002978', biz_code: 'FACE', identity_param: IDENTITY }],
    ['zhima.customer.certification.query', { biz_no: 'ZM201612013000000393900404029253' }],
    // No person agreed on an OAuth page here: the documented refusal of an unknown code is the contract.
    ['alipay.system.oauth.token', { grant_type: 'authorization_code', code: '4b203fe6c11548bcabd8da5bb087a83b' }],
    // Nor did a merchant authorize this app: the documented refusal of an unknown app_auth_code is.
    ['alipay.open.auth.token.app', { grant_type: 'authorization_code', code: '1cc19911172e4f8aaa509c8fb5d12F56' }],
  ];
}

export interface SmokeResult {
  readonly method: string;
  readonly ok: boolean;
  readonly answer: string;
}

/** Whether the method documents this code and sub_code (40004 mostly; oauth.token's are 40002). */
function documents(method: string, code: string, subCode: string | undefined): boolean {
  return SUPPORTED_METHODS.some((d) => d.name === method && d.businessErrors.some((r) => r.sub_code === subCode && documentedError(r).code === code));
}

export async function runSmokeCheck(config: AlipayClientConfig, runId = Date.now().toString(36).toUpperCase()): Promise<SmokeResult[]> {
  const client = new AlipayClient({ ...config, verifyResponses: true });
  const results: SmokeResult[] = [];
  for (const [method, bizContent] of smokeCalls(runId)) {
    try {
      const node = await client.call(method, bizContent as never);
      results.push({ method, ok: true, answer: 'code' in node ? `${node.code} ${node.msg}` : 'success (no code, as this API answers)' });
    } catch (error) {
      if (error instanceof AlipayApiError) {
        // A signed, documented refusal honours the contract as much as a success does.
        const ok = documents(method, error.code, error.subCode) || error.code === '20000';
        results.push({ method, ok, answer: `${error.code} ${error.subCode ?? ''} ${error.subMsg ?? ''}`.trim() });
      } else if (error instanceof AlipayProtocolError) {
        results.push({ method, ok: false, answer: error.message });
      } else {
        results.push({ method, ok: false, answer: (error as Error).message });
      }
    }
  }
  return results;
}
