/**
 * The shipped TEST-ONLY keys, certificates and fixture people, bundled into the browser build as text
 * (esbuild's text loader): what the Node entry reads from the package's files.
 */
import { DEFAULT_APP_ID } from '../../../fixtures/default-app.js';
import alipayPrivateKey from '../../../fixtures/keys/alipay-sandbox.private-key.pkcs8.pem';
import alipayPublicKey from '../../../fixtures/keys/alipay-sandbox.public-key.pem';
import appPrivateKeyPkcs1 from '../../../fixtures/keys/default-app.private-key.pkcs1.pem';
import appPublicKey from '../../../fixtures/keys/default-app.public-key.pem';
import alipayPublicCert from '../../../fixtures/certs/alipayCertPublicKey_RSA2.crt';
import alipayRootCert from '../../../fixtures/certs/alipayRootCert.crt';
import defaultAppCert from '../../../fixtures/certs/appCertPublicKey_2021000000000001.crt';
import fixturePeople from '../../../fixtures/identities/fixture-people.json' with { type: 'json' };
import type { SandboxResources } from '../../sandbox-assembly.js';
import type { Person } from '../../core/state/sandbox-store.js';

export const ALIPAY_PRIVATE_KEY_PEM: string = alipayPrivateKey;

export const BUNDLED_RESOURCES: SandboxResources = {
  alipayPublicKeyPem: alipayPublicKey,
  alipayPublicKeyPath: 'fixtures/keys/alipay-sandbox.public-key.pem',
  alipayPublicCertPem: alipayPublicCert,
  alipayRootCertPem: alipayRootCert,
  defaultApp: {
    appId: DEFAULT_APP_ID,
    signType: 'RSA2',
    privateKeyPkcs1Path: 'fixtures/keys/default-app.private-key.pkcs1.pem',
    privateKeyPkcs8Path: 'fixtures/keys/default-app.private-key.pkcs8.pem',
    publicKeyPath: 'fixtures/keys/default-app.public-key.pem',
    privateKeyPem: appPrivateKeyPkcs1,
    publicKeyPem: appPublicKey,
    certificatePem: defaultAppCert,
  },
  fixturePeople: fixturePeople as Person[],
};
