/**
 * The sandbox's TEST-ONLY certificate authority, with node-forge: a root CA, the sandbox's "Alipay"
 * public-key certificate, and app public-key certificates, shaped like the ones Alipay's console
 * issues. Key pairs come from node:crypto (forge's key generation is slow); forge only builds and
 * signs the certificates. Nothing here runs on a request path.
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface IssuedCertificate {
  readonly certificatePem: string;
}

const ROOT_SUBJECT = [
  { shortName: 'C', value: 'CN' },
  { shortName: 'O', value: 'Alipay Gateway Sandbox' },
  { shortName: 'OU', value: 'Certification Authority (TEST ONLY)' },
  { shortName: 'CN', value: 'Alipay Gateway Sandbox Root CA (TEST ONLY)' },
];

function serialNumber(): string {
  // Positive, 16 bytes, as Alipay's certificates have.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function newCertificate(publicKeyPem: string, subject: forge.pki.CertificateField[], years: number): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = new Date(Date.UTC(2025, 0, 1));
  certificate.validity.notAfter = new Date(Date.UTC(2025 + years, 0, 1));
  certificate.setSubject(subject);
  return certificate;
}

export function issueRootCertificate(rootPublicKeyPem: string, rootPrivateKeyPem: string): IssuedCertificate {
  const certificate = newCertificate(rootPublicKeyPem, ROOT_SUBJECT, 30);
  certificate.setIssuer(ROOT_SUBJECT);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(rootPrivateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate) };
}

/** A public-key certificate for `publicKeyPem`, issued by the root. */
export function issueCertificate(options: {
  publicKeyPem: string;
  commonName: string;
  organization: string;
  rootCertificatePem: string;
  rootPrivateKeyPem: string;
}): IssuedCertificate {
  const certificate = newCertificate(
    options.publicKeyPem,
    [
      { shortName: 'C', value: 'CN' },
      { shortName: 'O', value: options.organization },
      { shortName: 'OU', value: 'Alipay' },
      { shortName: 'CN', value: options.commonName },
    ],
    10,
  );
  certificate.setIssuer(forge.pki.certificateFromPem(options.rootCertificatePem).subject.attributes);
  certificate.setExtensions([{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true }]);
  certificate.sign(forge.pki.privateKeyFromPem(options.rootPrivateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate) };
}
