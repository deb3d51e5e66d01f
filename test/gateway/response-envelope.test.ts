/**
 * The response envelope: HTTP 200, compact JSON with the node first and sign last, a trace_id header,
 * and signed content that each official SDK's extraction method cuts out and verifies.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { SDK_EXTRACTORS } from '../support/sdk-sign-extractors.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const NODE_KEY = 'alipay_user_certify_open_initialize_response';

function request(bizContent: Record<string, unknown>, overrides: Record<string, string> = {}) {
  return signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE, overrides), biz_content: JSON.stringify(bizContent) });
}

/** A request refused for its signature, whose echoed sign string carries braces, quotes and "sign". */
function trickyRefusal() {
  const signed = request({ ...certifyOpenInitializeExample, outer_order_no: '},"sign":"x"}{{' });
  return { ...signed, body: signed.body.replace('biz_content=', 'biz_content=%20') };
}

function nodeTextOf(answer: GatewayAnswer): string {
  return JSON.stringify(answer.json[NODE_KEY]);
}

function verifiesWithSandboxKey(content: string, signature: string): boolean {
  const key = createPublicKey(sandbox().alipayPublicKeyPem);
  return verify('sha256', Buffer.from(content, 'utf8'), key, Buffer.from(signature, 'base64'));
}

describe('the success envelope', () => {
  it('is HTTP 200 application/json;charset=utf-8 with a trace_id header', async () => {
    const answer = await postForm(sandbox(), request(certifyOpenInitializeExample));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(answer.headers.get('trace_id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is compact JSON: the node first with code and msg leading, sign last', async () => {
    const answer = await postForm(sandbox(), request(certifyOpenInitializeExample));
    expect(Object.keys(answer.json)).toEqual([NODE_KEY, 'sign']);
    expect(answer.text).toMatch(
      /^\{"alipay_user_certify_open_initialize_response":\{"code":"10000","msg":"Success","certify_id":"[0-9a-f]{32}"\},"sign":"[A-Za-z0-9+/=]{344}"\}$/,
    );
  });
});

describe.each([
  ['a success', () => request(certifyOpenInitializeExample)],
  ['a business error', () => request({ ...certifyOpenInitializeExample, biz_code: 'NOPE' })],
  ['an invalid-signature error echoing braces, quotes and "sign"', trickyRefusal],
])('%s response', (_name, makeRequest) => {
  it.each(SDK_EXTRACTORS)('is cut out exactly and verifies with %s', async (_sdk, extract) => {
    const answer = await postForm(sandbox(), makeRequest());
    const content = extract(answer.text, CERTIFY_OPEN_INITIALIZE);
    expect(content).toBe(nodeTextOf(answer));
    expect(verifiesWithSandboxKey(content, answer.json.sign as string)).toBe(true);
  });
});

describe('errors where no app could be identified', () => {
  it('come as an unsigned error_response', async () => {
    const answer = await postForm(sandbox(), request(certifyOpenInitializeExample, { app_id: '2021000000000404' }));
    expect(Object.keys(answer.json)).toEqual(['error_response']);
    expect(answer.json.error_response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-app-id' });
  });

  it('while errors after the app is known are signed under the method\'s node', async () => {
    const answer = await postForm(sandbox(), trickyRefusal());
    expect(Object.keys(answer.json)).toEqual([NODE_KEY, 'sign']);
    expect(answer.json[NODE_KEY]).toMatchObject({ sub_code: 'isv.invalid-signature' });
  });
});

describe('the invalid-signature sub_msg', () => {
  it('shows the gateway\'s own sign string with & written as &amp;, as Alipay does', async () => {
    const params = publicParams(CERTIFY_OPEN_INITIALIZE, { biz_content: '{"outer_order_no":"A1"}' });
    const signed = signedRequest(params);
    const tampered = { ...signed, body: signed.body.replace('A1', 'A2') };
    const node = (await postForm(sandbox(), tampered)).json[NODE_KEY] as Record<string, string>;
    const expected = [
      `app_id=${DEFAULT_APP_ID}`,
      'biz_content={"outer_order_no":"A2"}',
      'charset=utf-8',
      'format=JSON',
      `method=${CERTIFY_OPEN_INITIALIZE}`,
      'sign_type=RSA2',
      `timestamp=${params.timestamp}`,
      'version=1.0',
    ].join('&amp;');
    expect(node).toMatchObject({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
    expect(node.sub_msg).toBe(`验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${expected}`);
  });
});
