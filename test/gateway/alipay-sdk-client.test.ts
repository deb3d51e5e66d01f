/**
 * The real alipay-sdk (Node) against the running sandbox, with response-signature checking on: the
 * sandbox must be indistinguishable from Alipay's gateway to an unmodified official SDK.
 */
import { readFileSync } from 'node:fs';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { adminOf, answered } from '../support/admin-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();

function sdkFor(config: Partial<AlipaySdkConfig> = {}): AlipaySdk {
  return new AlipaySdk({
    appId: DEFAULT_APP_ID,
    privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
    alipayPublicKey: sandbox().alipayPublicKeyPem,
    gateway: sandbox().gatewayUrl,
    ...config,
  });
}

async function registerApp(appId: string, publicKeyPem: string, signType: 'RSA2' | 'RSA'): Promise<void> {
  const response = await answered(adminOf(sandbox()).registerApp({ app_id: appId, public_key: publicKeyPem, sign_type: signType }), 201);
  expect(response.status).toBe(201);
}

describe('alipay-sdk with validateSign: true', () => {
  it('gets certify_id from the page example with the default app (RSA2, PKCS#1 key)', async () => {
    const result = await sdkFor().exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(result.code).toBe('10000');
    expect(result.msg).toBe('Success');
    expect(result.certifyId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('accepts the same app key in PKCS#8 with keyType PKCS8', async () => {
    const sdk = sdkFor({ privateKey: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs8, 'utf8'), keyType: 'PKCS8' });
    const result = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(result.code).toBe('10000');
  });

  it('serves an app registered for RSA (SHA1withRSA) and signs its responses with RSA', async () => {
    const { privateKey, publicKey } = spareKeyPair();
    await registerApp('2021000000000911', publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RSA');
    const sdk = sdkFor({
      appId: '2021000000000911',
      signType: 'RSA',
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    });
    const result = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(result.code).toBe('10000');
    // Signed RSA2 against an app configured for RSA: a readable (RSA2-signed) refusal.
    const asRsa2 = sdkFor({ appId: '2021000000000911', signType: 'RSA2', privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    const refused = await asRsa2.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(refused.subCode).toBe('isv.missing-signature-config');
  });

  it('serves an app registered with the bare base64 key of Alipay\'s console, PKCS#1 encoded', async () => {
    const { privateKey, publicKey } = spareKeyPair();
    const bare = publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    await registerApp('2021000000000912', bare, 'RSA2');
    const sdk = sdkFor({ appId: '2021000000000912', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), keyType: 'PKCS8' });
    const result = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(result.code).toBe('10000');
  });

  it('answers the same outer_order_no from the same app with the same certify_id', async () => {
    const sdk = sdkFor();
    const first = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    const retry = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    const other = await sdk.exec(
      CERTIFY_OPEN_INITIALIZE,
      { bizContent: { ...certifyOpenInitializeExample, outer_order_no: 'ZGYD201809132323000009999' } },
      { validateSign: true },
    );
    expect(retry.certifyId).toBe(first.certifyId);
    expect(other.certifyId).not.toBe(first.certifyId);
  });

  it('gets a signed isv.invalid-method for a method the sandbox does not serve', async () => {
    const result = await sdkFor().exec('alipay.trade.nonexistent.pay', { bizContent: {} }, { validateSign: true });
    expect(result).toMatchObject({ code: '40002', msg: 'Invalid Arguments', subCode: 'isv.invalid-method' });
    expect(result.subMsg).toMatch(/^不存在的方法名/);
  });

  it('gets a signed business error for biz_content that breaks the page\'s table', async () => {
    const result = await sdkFor().exec(
      CERTIFY_OPEN_INITIALIZE,
      { bizContent: { ...certifyOpenInitializeExample, biz_code: 'PALM_PRINT' } },
      { validateSign: true },
    );
    expect(result).toMatchObject({ code: '40004', msg: 'Business Failed', subCode: 'ILLEGAL_ARGUMENT_FORMAT' });
    expect(result.subMsg).toBe('参数异常');
  });

  it('gets an unsigned error_response with isv.invalid-app-id for an app the sandbox does not know', async () => {
    const result = await sdkFor({ appId: '2021009999999999' }).exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample });
    expect(result).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
  });

  it('is refused with isv.invalid-signature when the SDK signs with a key the app did not register', async () => {
    const { privateKey } = spareKeyPair();
    const sdk = sdkFor({ privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    const result = await sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true });
    expect(result).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
    expect(result.subMsg).toMatch(/^验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：/);
  });

  it('fails the SDK\'s own signature check when the client trusts another Alipay public key', async () => {
    const { publicKey } = spareKeyPair();
    const sdk = sdkFor({ alipayPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    await expect(
      sdk.exec(CERTIFY_OPEN_INITIALIZE, { bizContent: certifyOpenInitializeExample }, { validateSign: true }),
    ).rejects.toThrow(/验签失败/);
  });
});
