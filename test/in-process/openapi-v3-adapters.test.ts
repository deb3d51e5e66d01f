/**
 * OpenAPI v3 in-process: the undici MockAgent answers alipay-sdk's curl() (signatures both ways checked
 * by the SDK), and the msw handlers answer a fetch to https://openapi.alipay.com/v3/..., through the
 * same engine as the HTTP server; an upload's multipart body reaches the engine through either as sent.
 */
import { createPrivateKey, createVerify, randomUUID, sign } from 'node:crypto';
import { AlipayFormData, AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMswSandbox, type MswSandbox } from '../../mock-server/msw/index.js';
import { createMockAgentSandbox, type MockAgentSandbox } from '../../mock-server/undici/index.js';
import { SYNTHETIC_FACE_JPEG_BASE64 } from '../../mock-server/core/identity/synthetic-face-picture.js';
import { multipartBody, TEST_BOUNDARY, v3Authorization } from '../support/multipart-upload.js';

const INITIALIZE = '/v3/alipay/user/certify/open/initialize';
const SOURCE_CERTIFY = '/v3/datadigital/fincloud/generalsaas/face/source/certify';
const FACE_JPEG = Buffer.from(SYNTHETIC_FACE_JPEG_BASE64, 'base64');
const PERSON = { outer_biz_no: 'V3UPLOAD', cert_type: 'IDENTITY_CARD', cert_name: '戴乙萍', cert_no: '330203195001030308' };
const BODY = { outer_order_no: 'V3INPROC', biz_code: 'FACE', identity_param: { identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '收委', cert_no: '330106197909275965' }, merchant_config: { return_url: 'https://m.example/r' } };
let agent: MockAgentSandbox;
let msw: MswSandbox;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  agent = await createMockAgentSandbox();
  msw = await createMswSandbox();
  server = setupServer(...msw.handlers);
  server.listen({ onUnhandledRequest: 'bypass' });
});
afterAll(() => server.close());

describe('v3 through the undici MockAgent', () => {
  it('serves alipay-sdk curl() for initialize and query, its signature check passing', async () => {
    const sdk = new AlipaySdk({ appId: agent.defaultApp.appId, privateKey: agent.defaultApp.privateKeyPem, alipayPublicKey: agent.alipayPublicKeyPem, proxyAgent: agent.mockAgent });
    const started = await sdk.curl<{ certify_id: string }>('POST', INITIALIZE, { body: BODY });
    const query = await sdk.curl<{ passed: string }>('GET', '/v3/alipay/user/certify/open/query', { query: { certify_id: started.data.certify_id } });
    expect(query.data.passed).toBe('F');
    expect(agent.requests({ method: 'alipay.user.certify.open.query' })).toHaveLength(1);
  });

  it("hands curl()'s multipart upload (a stream) to the engine whole: the picture compared, an oversized one refused", async () => {
    const sdk = new AlipaySdk(agent.alipaySdkOptions());
    const upload = (picture: Buffer) => {
      const form = new AlipayFormData();
      for (const [name, value] of Object.entries(PERSON)) form.addField(name, value);
      form.addFile('file_content', 'face.jpg', picture);
      return sdk.curl<Record<string, string>>('POST', SOURCE_CERTIFY, { form });
    };
    expect((await upload(FACE_JPEG)).data).toMatchObject({ passed: 'T', score: '95.0' });
    const large = Buffer.concat([FACE_JPEG, Buffer.alloc(1024 * 1024 + 1 - FACE_JPEG.length)]);
    const refused = await upload(large).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(AlipayRequestError);
    expect(refused).toMatchObject({ responseHttpStatus: 400, code: 'FILE_SIZE_TO_LARGE' });
  });
});

describe('v3 through the msw handlers', () => {
  it('answers a signed fetch to openapi.alipay.com with a body whose headers verify with the Alipay key', async () => {
    const body = JSON.stringify({ ...BODY, outer_order_no: 'V3MSW' });
    const authString = `app_id=${msw.defaultApp.appId},nonce=${randomUUID()},timestamp=${Date.now()}`;
    const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${INITIALIZE}\n${body}\n`), createPrivateKey(msw.defaultApp.privateKeyPem)).toString('base64');
    const response = await fetch(`https://openapi.alipay.com${INITIALIZE}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `ALIPAY-SHA256withRSA ${authString},sign=${signature}` }, body });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toHaveProperty('certify_id');
    const signed = `${response.headers.get('alipay-timestamp')}\n${response.headers.get('alipay-nonce')}\n${text}\n`;
    expect(createVerify('sha256').update(signed).verify(msw.alipayPublicKeyPem, response.headers.get('alipay-signature')!, 'base64')).toBe(true);
  });

  it('hands a multipart upload to the engine as sent: the data part verified, the picture compared', async () => {
    const data = JSON.stringify(PERSON);
    const app = { appId: msw.defaultApp.appId, privateKey: msw.defaultApp.privateKeyPem };
    const response = await fetch(`https://openapi.alipay.com${SOURCE_CERTIFY}`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${TEST_BOUNDARY}`, authorization: v3Authorization(SOURCE_CERTIFY, data, app) },
      body: multipartBody(TEST_BOUNDARY, { data }, [{ name: 'file_content', filename: 'face.jpg', bytes: FACE_JPEG }]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ passed: 'T', score: '95.0' });
  });
});
