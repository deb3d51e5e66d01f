/**
 * AES content encryption: a per-app key set or generated through the admin API; encrypted biz_content
 * decrypted, the answer's node encrypted and signed as the quoted ciphertext; alipay-sdk with
 * needEncrypt: true reads it; a bad ciphertext gets the decryption error the SDKs know.
 */
import { createPublicKey, verify } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptContent, encryptContent } from '../../mock-server/keys/node-crypto.js';
import { adminOf, answered, type Answered } from '../support/admin-client.js';
import { javaExtractor } from '../support/sdk-sign-extractors.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();
const APP_ID = '2021000000002001';
const METHOD = 'alipay.user.certify.open.initialize';
const INIT = {
  outer_order_no: 'AES0001',
  biz_code: 'FACE',
  identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"收委","cert_no":"330106197909275965"}',
  merchant_config: '{"return_url":"https://merchant.example/return"}',
};
const { privateKey, publicKey } = spareKeyPair();
let aesKey: string;

function setAesKey(body: { aes_key?: string }): Promise<Answered> {
  return answered(adminOf(sandbox()).setAesKey(APP_ID, body.aes_key));
}

beforeAll(async () => {
  await adminOf(sandbox()).registerApp({ app_id: APP_ID, public_key: publicKey.export({ type: 'spki', format: 'pem' }) });
  const response = await setAesKey({});
  aesKey = ((await response.json()) as { aes_key: string }).aes_key;
});

function encryptedRequest(bizContent: string, extra: Record<string, string> = {}) {
  return signedRequest({ ...publicParams(METHOD, { app_id: APP_ID }), encrypt_type: 'AES', biz_content: bizContent, ...extra }, { privateKey });
}

describe('the AES key', () => {
  it('is generated when none is sent: base64 of 16 bytes', () => {
    expect(Buffer.from(aesKey, 'base64')).toHaveLength(16);
  });

  it('can be set, and a malformed one is refused with 400', async () => {
    expect((await setAesKey({ aes_key: 'not-a-key' })).status).toBe(400);
    expect((await setAesKey({ aes_key: aesKey })).status).toBe(200);
  });
});

describe('an encrypted call', () => {
  // Without validateSign: alipay-sdk 4's own getSignStr cuts `:"<ciphertext>","sign":"…` out of an
  // encrypted answer (it looks for braces), so its check fails on any encrypted answer, Alipay's
  // included. The next test checks the signature the way the Java SDK cuts it.
  it('passes through alipay-sdk with needEncrypt: true', async () => {
    const sdk = new AlipaySdk({ appId: APP_ID, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), alipayPublicKey: sandbox().alipayPublicKeyPem, gateway: sandbox().gatewayUrl, encryptKey: aesKey });
    const result = await sdk.exec(METHOD, { bizContent: INIT, needEncrypt: true });
    expect(result).toMatchObject({ code: '10000', certifyId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('is answered with the node encrypted, and the signature covers the quoted ciphertext', async () => {
    const key = Buffer.from(aesKey, 'base64');
    const answer = await postForm(sandbox(), encryptedRequest(encryptContent(Buffer.from(JSON.stringify(INIT)), key)));
    const node = answer.json.alipay_user_certify_open_initialize_response as unknown as string;
    expect(typeof node).toBe('string');
    expect(JSON.parse(decryptContent(node, key)!.toString('utf8'))).toMatchObject({ code: '10000', msg: 'Success' });
    const signed = javaExtractor(answer.text, METHOD);
    expect(signed).toBe(JSON.stringify(node));
    expect(verify('sha256', Buffer.from(signed), createPublicKey(sandbox().alipayPublicKeyPem), Buffer.from(answer.json.sign as string, 'base64'))).toBe(true);
  });

  it('with a ciphertext that does not decrypt gets 40003 isv.decryption-error-unknown, plain and signed', async () => {
    const answer = await postForm(sandbox(), encryptedRequest(Buffer.from('certainly not AES output').toString('base64')));
    expect(nodeOf(answer)).toMatchObject({ code: '40003', sub_code: 'isv.decryption-error-unknown', sub_msg: '解密出错, 未知错误' });
    expect(answer.json.sign).toBeTypeOf('string');
  });

  it('with an encrypt_type other than AES gets isv.invalid-encrypt-type', async () => {
    const answer = await postForm(sandbox(), encryptedRequest('x', { encrypt_type: 'DES' }));
    expect(nodeOf(answer)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-encrypt-type' });
  });

  it('from an app with no AES key gets isv.decryption-error-not-valid-encrypt-key', async () => {
    const params = { ...publicParams(METHOD), encrypt_type: 'AES', biz_content: 'abc=' };
    const node = nodeOf(await postForm(sandbox(), signedRequest(params)));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.decryption-error-not-valid-encrypt-key' });
  });
});
