/**
 * Public-key-certificate mode: certificate SNs computed as Alipay's SDKs compute them (checked against
 * the Node SDK's own vectors), requests carrying app_cert_sn and alipay_root_cert_sn checked, answers
 * carrying alipay_cert_sn, and alipay-sdk configured with certificate paths passing with validateSign.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testCertificatePaths, testKeyPaths } from '../../fixtures/test-keys.js';
import { issueCertificate } from '../../mock-server/keys/certificate-authority.js';
import { certificateSn, rootCertificateSn } from '../../mock-server/keys/certificate-sn.js';
import { adminOf, answered } from '../support/admin-client.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { toolPath } from '../support/required-tools.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPair } from '../support/spare-app-keys.js';
import { certifyOpenInitializeExample } from '../support/certify-open.js';

const sandbox = useSandbox();
const vector = (name: string) => readFileSync(new URL(`../fixtures/alipay-sdk-vectors/${name}`, import.meta.url), 'utf8');
/** certify-open's page example with a real resident ID, as an order of this file's own. */
const INIT = { ...certifyOpenInitializeExample, outer_order_no: 'CERT0001' };

describe('certificate SNs', () => {
  it('match the Node SDK\'s own test vectors', () => {
    expect(certificateSn(vector('appCertPublicKey_2021001161683774.crt'))).toBe('866efef280dec9137a87d047ac446315');
    expect(certificateSn(vector('alipayCertPublicKey_RSA2.crt'))).toBe('7513daaaa48aa3ba2e4018d84402479c');
  });

  it('of a root file join the RSA-signed certificates\' SNs with "_" and skip the others', { tags: ['openssl'] }, () => {
    const ec = spawnSync(toolPath('openssl'), ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=EC root', '-days', '1'], { encoding: 'utf8' });
    expect(ec.status).toBe(0);
    const root = readFileSync(testCertificatePaths.alipayRootCert, 'utf8');
    const alipay = readFileSync(testCertificatePaths.alipayPublicCert, 'utf8');
    expect(rootCertificateSn(`${root}${ec.stdout}${alipay}`)).toBe(`${certificateSn(root)}_${certificateSn(alipay)}`);
  });

  it('tell RSA from other signatures by the algorithm OID read from the DER, as openssl names the algorithm', { tags: ['openssl'] }, () => {
    const ec = spawnSync(toolPath('openssl'), ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=EC root', '-days', '1'], { encoding: 'utf8' });
    const certificates = [readFileSync(testCertificatePaths.alipayRootCert, 'utf8'), vector('alipayCertPublicKey_RSA2.crt'), vector('appCertPublicKey_2021001161683774.crt'), ec.stdout];
    // An OID arc over 127 (113549 in RSA's, 10045 in ECDSA's) takes several bytes: both kinds are here.
    const RSA_SIGNED: Readonly<Record<string, boolean>> = { sha256WithRSAEncryption: true, sha1WithRSAEncryption: true, 'ecdsa-with-SHA256': false };
    const rsaSigned = certificates.map((pem) => {
      const text = spawnSync(toolPath('openssl'), ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' }).stdout;
      const name = /Signature Algorithm: (\S+)/.exec(text)![1]!;
      expect(RSA_SIGNED[name], name).toBeDefined();
      // A root file alone: its SN is the certificate's own when RSA-signed, and empty when skipped.
      expect(rootCertificateSn(pem), name).toBe(RSA_SIGNED[name] ? certificateSn(pem) : '');
      return RSA_SIGNED[name];
    });
    expect(new Set(rsaSigned)).toEqual(new Set([true, false]));
  });
});

function sdkInCertificateMode(appId = DEFAULT_APP_ID, privateKey = readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'), appCertContent?: string): AlipaySdk {
  return new AlipaySdk({
    appId,
    privateKey,
    gateway: sandbox().gatewayUrl,
    ...(appCertContent ? { appCertContent } : { appCertPath: testCertificatePaths.defaultAppCert }),
    alipayPublicCertPath: testCertificatePaths.alipayPublicCert,
    alipayRootCertPath: testCertificatePaths.alipayRootCert,
  });
}

describe('alipay-sdk in certificate mode (appCertPath, alipayPublicCertPath, alipayRootCertPath)', () => {
  it('passes with validateSign: true, with the default app\'s certificate', async () => {
    const result = await sdkInCertificateMode().exec('alipay.user.certify.open.initialize', { bizContent: INIT }, { validateSign: true });
    expect(result).toMatchObject({ code: '10000' });
  });

  it('gets alipay_cert_sn in the answer, between the node and sign', async () => {
    const sn = certificateSn(readFileSync(testCertificatePaths.defaultAppCert, 'utf8'));
    const params = { ...publicParams('alipay.user.certify.open.initialize'), app_cert_sn: sn, alipay_root_cert_sn: rootCertificateSn(readFileSync(testCertificatePaths.alipayRootCert, 'utf8')), biz_content: JSON.stringify(INIT) };
    const answer = await postForm(sandbox(), signedRequest(params));
    expect(Object.keys(answer.json)).toEqual(['alipay_user_certify_open_initialize_response', 'alipay_cert_sn', 'sign']);
    expect(answer.json.alipay_cert_sn).toBe(certificateSn(readFileSync(testCertificatePaths.alipayPublicCert, 'utf8')));
  });

  it('passes for an app registered with a certificate the sandbox issued; that app must then send app_cert_sn', async () => {
    const { privateKey, publicKey } = spareKeyPair();
    const appCert = issueCertificate({
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      commonName: '2088000000000000-2021000000001001',
      organization: 'Cert-mode test app (TEST ONLY)',
      rootCertificatePem: readFileSync(testCertificatePaths.alipayRootCert, 'utf8'),
      rootPrivateKeyPem: readFileSync(testCertificatePaths.rootCaPrivateKey, 'utf8'),
    }).certificatePem;
    const registered = await answered(adminOf(sandbox()).registerApp({ app_id: '2021000000001001', app_cert: appCert }), 201);
    expect(registered.status).toBe(201);
    const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const result = await sdkInCertificateMode('2021000000001001', privateKeyPem, appCert).exec('alipay.user.certify.open.initialize', { bizContent: INIT }, { validateSign: true });
    expect(result.code).toBe('10000');

    const keyMode = new AlipaySdk({ appId: '2021000000001001', privateKey: privateKeyPem, gateway: sandbox().gatewayUrl });
    expect(await keyMode.exec('alipay.user.certify.open.initialize', { bizContent: INIT })).toMatchObject({ code: '40001', subCode: 'isv.missing-app-cert-sn' });
  });

  it('refuses an app certificate the sandbox did not issue with 400', async () => {
    const registered = await answered(adminOf(sandbox()).registerApp({ app_id: '2021000000001002', app_cert: vector('appCertPublicKey_2021001161683774.crt') }), 201);
    expect(registered.status).toBe(400);
    expect(((await registered.json()) as { error: string }).error).toContain("not a certificate issued by the sandbox's root CA");
  });
});

describe('certificate SNs that do not match', () => {
  const rootSn = () => rootCertificateSn(readFileSync(testCertificatePaths.alipayRootCert, 'utf8'));

  it.each([
    ['an app_cert_sn of another certificate', { app_cert_sn: '866efef280dec9137a87d047ac446315' }, /app_cert_sn 866efef280dec9137a87d047ac446315 is not the SN/],
    ['Alipay\'s real root SN', { alipay_root_cert_sn: '687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6' }, /is not the SN of the sandbox's root certificate/],
  ])('%s gets 40002 isv.invalid-parameter saying which', async (_what, change, message) => {
    const sn = certificateSn(readFileSync(testCertificatePaths.defaultAppCert, 'utf8'));
    const params = { ...publicParams('alipay.user.certify.open.initialize'), app_cert_sn: sn, alipay_root_cert_sn: rootSn(), ...change, biz_content: JSON.stringify(INIT) };
    const node = nodeOf(await postForm(sandbox(), signedRequest(params)));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-parameter' });
    expect(node.sub_msg).toMatch(message);
  });
});
