/**
 * Certificate serial numbers as Alipay's public-key-certificate mode uses them (reference §6):
 * md5 hex of the issuer DN (CN first, comma-joined) followed by the serial number in decimal; a root
 * file's SN joins the SNs of its RSA-signed certificates with "_".
 */
import { createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const RSA_SIGNATURE_OID_PREFIX = '1.2.840.113549.1.1';

export function certificatesIn(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

export function certificateSn(pem: string): string {
  const certificate = new X509Certificate(pem);
  const issuer = certificate.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${certificate.serialNumber}`).toString(10);
  return createHash('md5').update(issuer + serial, 'utf8').digest('hex');
}

/** The signature algorithm's OID, read from the DER (node:crypto does not expose it). */
function signatureAlgorithmOid(pem: string): string {
  const der = forge.util.decode64(pem.replace(/-----[^-]+-----|\s/g, ''));
  const certificate = forge.asn1.fromDer(der);
  const algorithm = (certificate.value as forge.asn1.Asn1[])[1]!;
  const oid = (algorithm.value as forge.asn1.Asn1[])[0]!;
  return forge.asn1.derToOid(oid.value as string);
}

export function rootCertificateSn(pemBundle: string): string {
  return certificatesIn(pemBundle)
    .filter((pem) => signatureAlgorithmOid(pem).startsWith(RSA_SIGNATURE_OID_PREFIX))
    .map(certificateSn)
    .join('_');
}

/** The RSA public key a certificate carries, as PEM. */
export function certificatePublicKeyPem(pem: string): string {
  return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
