/**
 * The reference client against the real sandbox: it signs (RSA2 and RSA), verifies every response's
 * signature, returns typed results and throws typed errors, and builds page URLs a browser can open.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../fixtures/test-keys.js';
import { reset, useScenario } from '../test/support/admin-client.js';
import { useSandbox } from '../test/support/sandbox-fixture.js';
import { AlipayApiError, AlipayClient, AlipayProtocolError, type AlipayClientConfig } from './alipay-client.js';
import { spareKeyPair } from '../test/support/spare-app-keys.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

function client(config: Partial<AlipayClientConfig> = {}): AlipayClient {
  return new AlipayClient({
    gateway: sandbox().gatewayUrl,
    appId: DEFAULT_APP_ID,
    privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs8, 'utf8'),
    alipayPublicKey: sandbox().alipayPublicKeyPem,
    ...config,
  });
}

const INIT = {
  outer_order_no: 'HARNESS0001',
  biz_code: 'FACE',
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
  merchant_config: '{"return_url":"https://merchant.example/return"}',
} as const;

describe('AlipayClient against the sandbox', () => {
  it('calls, verifies the signature, and returns the typed result', async () => {
    const result = await client().call('alipay.user.certify.open.initialize', INIT);
    expect(result.code).toBe('10000');
    expect(result.certify_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('signs with RSA for an app set up for RSA, and verifies RSA-signed responses', async () => {
    const { privateKey, publicKey } = spareKeyPair();
    await fetch(`${sandbox().url}/__admin/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: '2021000000000901', public_key: publicKey.export({ type: 'spki', format: 'pem' }), sign_type: 'RSA' }),
    });
    const result = await client({ appId: '2021000000000901', privateKey, signType: 'RSA' }).call('zhima.auth.info.authquery', { identity_type: '5', identity_param: '{"userId":"2088202844499224"}' });
    expect(result.authorized).toBe(false);
  });

  it('throws AlipayApiError with code, sub_code and sub_msg for a business error', async () => {
    const error = await client()
      .call('alipay.user.certify.open.query', { certify_id: '0123456789abcdef0123456789abcdef' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlipayApiError);
    expect(error).toMatchObject({ code: '40004', subCode: 'OPEN_CERTIFY_BILL_NOT_EXIST', subMsg: '无效的certify_id', isBusinessError: true });
    expect((error as AlipayApiError).traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('throws AlipayProtocolError when the response\'s sign does not verify', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ outcome: { fault: 'wrong-sign' } }] });
    await expect(client().call('alipay.user.certify.open.initialize', INIT)).rejects.toThrow(AlipayProtocolError);
  });

  it('throws AlipayProtocolError when it trusts another Alipay key', async () => {
    const { publicKey } = spareKeyPair();
    await expect(client({ alipayPublicKey: publicKey }).call('alipay.user.certify.open.initialize', INIT)).rejects.toThrow(/does not verify/);
  });

  it('throws AlipayProtocolError on a non-200 answer and on a cut body', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { call: { nth: 1 } }, outcome: { http_status: 503 } }, { outcome: { fault: 'malformed-json' } }] });
    await expect(client().call('alipay.user.certify.open.initialize', INIT)).rejects.toMatchObject({ status: 503 });
    await expect(client().call('alipay.user.certify.open.initialize', INIT)).rejects.toThrow(/not JSON/);
  });

  it('reads an unsigned error_response (unknown app) as an AlipayApiError', async () => {
    await expect(client({ appId: '2021000000009999' }).call('alipay.user.certify.open.initialize', INIT)).rejects.toMatchObject({ subCode: 'isv.invalid-app-id' });
  });

  it('builds a page URL that opens the hosted certification page', async () => {
    const { certify_id } = await client().call('alipay.user.certify.open.initialize', INIT);
    const response = await fetch(client().pageUrl('alipay.user.certify.open.certify', { certify_id }));
    expect(response.headers.get('content-type')).toBe('text/html;charset=utf-8');
    expect(await response.text()).toContain('<dd id="cert-name">收委</dd>');
  });
});
