/**
 * The TEST-ONLY keys, certificates and fixture people shipped with the package, read from its files
 * for a sandbox on Node (the browser build bundles the same texts).
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_APP_ID, testCertificatePaths, testKeyPaths } from '../../fixtures/test-keys.js';
import { loadFixturePeople } from './fixture-people.js';
import { parsePrivateKey } from '../keys/rsa-keys.js';
import type { SandboxResources } from '../sandbox-assembly.js';

const text = (path: string) => readFileSync(path, 'utf8');

/** The sandbox's "Alipay" private key (TEST-ONLY), what it signs answers with. */
export function readAlipayPrivateKey(): KeyObject {
  return parsePrivateKey(text(testKeyPaths.alipayPrivateKey));
}

export function readShippedResources(): SandboxResources {
  return {
    alipayPublicKeyPem: text(testKeyPaths.alipayPublicKey),
    alipayPublicKeyPath: testKeyPaths.alipayPublicKey,
    alipayPublicCertPem: text(testCertificatePaths.alipayPublicCert),
    alipayRootCertPem: text(testCertificatePaths.alipayRootCert),
    defaultApp: {
      appId: DEFAULT_APP_ID,
      signType: 'RSA2',
      privateKeyPkcs1Path: testKeyPaths.defaultAppPrivateKeyPkcs1,
      privateKeyPkcs8Path: testKeyPaths.defaultAppPrivateKeyPkcs8,
      publicKeyPath: testKeyPaths.defaultAppPublicKey,
      privateKeyPem: text(testKeyPaths.defaultAppPrivateKeyPkcs1),
      publicKeyPem: text(testKeyPaths.defaultAppPublicKey),
      certificatePem: text(testCertificatePaths.defaultAppCert),
    },
    fixturePeople: loadFixturePeople(),
  };
}
