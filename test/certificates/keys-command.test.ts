/**
 * `keys generate` and `keys ca`: TEST-ONLY key pairs and certificates, registered with a running
 * sandbox, and an alipay-sdk configuration that works as printed.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlipaySdk } from 'alipay-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { testCertificatePaths } from '../../fixtures/test-keys.js';
import { certificateSn, rootCertificateSn } from '../../mock-server/keys/certificate-sn.js';
import { runCliAsync } from '../support/cli-process.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { certifyOpenInitializeExample } from '../support/certify-open.js';

const sandbox = useSandbox();
const dir = mkdtempSync(join(tmpdir(), 'sandbox-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** certify-open's page example with a real resident ID, as an order of this file's own. */
const INIT = { ...certifyOpenInitializeExample, outer_order_no: 'KEYS0001' };

describe('keys generate', () => {
  it('writes a key pair in every form, registers it, and prints an alipay-sdk configuration that works', async () => {
    const out = join(dir, 'plain');
    const run = await runCliAsync(['keys', 'generate', '--app-id', '2021000000003001', '--out', out, '--register', sandbox().url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const pkcs1 = readFileSync(join(out, 'app-private-key.pkcs1.pem'), 'utf8');
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(readFileSync(join(out, 'app-private-key.pkcs8.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const bare = readFileSync(join(out, 'app-public-key.base64.txt'), 'utf8').trim();
    const publicKey = createPublicKey({ key: Buffer.from(bare, 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(createPrivateKey(pkcs1)).export({ type: 'spki', format: 'pem' }));
    expect(run.stdout).toContain("appId: '2021000000003001'");
    expect(run.stdout).toContain(`gateway: '${sandbox().gatewayUrl}'`);
    expect(run.stdout).toContain('TEST-ONLY');

    const alipay = new AlipaySdk({ appId: '2021000000003001', privateKey: pkcs1, alipayPublicKey: sandbox().alipayPublicKeyPem, gateway: sandbox().gatewayUrl });
    expect((await alipay.exec('alipay.user.certify.open.initialize', { bizContent: INIT }, { validateSign: true })).code).toBe('10000');
  });

  it('with --certificate issues an app certificate from the sandbox\'s CA and registers the app in certificate mode', async () => {
    const out = join(dir, 'cert');
    const run = await runCliAsync(['keys', 'generate', '--app-id', '2021000000003002', '--out', out, '--certificate', '--register', sandbox().url]);
    expect(run.status).toBe(0);
    const certificatePath = join(out, 'appCertPublicKey_2021000000003002.crt');
    expect(run.stdout).toContain('appCertPath:');
    expect(run.stdout).toContain('alipayRootCertPath:');
    const alipay = new AlipaySdk({
      appId: '2021000000003002',
      privateKey: readFileSync(join(out, 'app-private-key.pkcs1.pem'), 'utf8'),
      appCertPath: certificatePath,
      alipayPublicCertPath: testCertificatePaths.alipayPublicCert,
      alipayRootCertPath: testCertificatePaths.alipayRootCert,
      gateway: sandbox().gatewayUrl,
    });
    expect((await alipay.exec('alipay.user.certify.open.initialize', { bizContent: INIT }, { validateSign: true })).code).toBe('10000');
  });

  it('refuses an --out that looks like a place for production keys', async () => {
    const run = await runCliAsync(['keys', 'generate', '--out', join(dir, 'prod', 'keys')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('looks like a place for production keys');
  });
});

describe('keys ca', () => {
  it('writes a root CA and an Alipay public-key certificate it issued', async () => {
    const out = join(dir, 'ca');
    expect((await runCliAsync(['keys', 'ca', '--out', out])).status).toBe(0);
    const root = readFileSync(join(out, 'alipayRootCert.crt'), 'utf8');
    const alipay = readFileSync(join(out, 'alipayCertPublicKey_RSA2.crt'), 'utf8');
    expect(new X509Certificate(alipay).verify(new X509Certificate(root).publicKey)).toBe(true);
    expect(rootCertificateSn(root)).toMatch(/^[0-9a-f]{32}$/);
    expect(certificateSn(alipay)).not.toBe(certificateSn(readFileSync(testCertificatePaths.alipayPublicCert, 'utf8')));
  });
});
