/**
 * Certificate serial numbers as Alipay's public-key-certificate mode uses them (reference §6):
 * md5 hex of the issuer DN (CN first, comma-joined) followed by the serial number in decimal; a root
 * file's SN joins the SNs of its RSA-signed certificates with "_".
 */
import { createHash, X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const RSA_SIGNATURE_OID_PREFIX = '1.2.840.113549.1.1';

function certificatesIn(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

export function certificateSn(pem: string): string {
  const certificate = new X509Certificate(pem);
  const issuer = certificate.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${certificate.serialNumber}`).toString(10);
  return createHash('md5').update(issuer + serial, 'utf8').digest('hex');
}

/** One DER element: where its contents start and end inside the buffer. */
interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function derElementAt(der: Buffer, offset: number): DerElement {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    // Long form: the low bits say how many bytes of length follow.
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  if (start + length > der.length) throw new Error('the certificate\'s DER is truncated');
  return { tag, start, end: start + length };
}

/** An OBJECT IDENTIFIER's contents as dotted text (X.690 §8.19). */
function oidText(bytes: Buffer): string {
  const arcs: number[] = [];
  let arc = 0;
  for (const byte of bytes) {
    arc = arc * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
    else arcs.push(arc);
    arc = 0;
  }
  return arcs.join('.');
}

const DER_SEQUENCE = 0x30;
const DER_OID = 0x06;

/**
 * The signature algorithm's OID (node:crypto does not expose it), read from the DER: Certificate ::=
 * SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { algorithm OID, ... }, signature }.
 */
function signatureAlgorithmOid(pem: string): string {
  // From the PEM itself: the browser build's X509Certificate (on forge) reads RSA certificates only.
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const certificate = derElementAt(der, 0);
  const tbsCertificate = derElementAt(der, certificate.start);
  const algorithm = derElementAt(der, tbsCertificate.end);
  const oid = derElementAt(der, algorithm.start);
  if (certificate.tag !== DER_SEQUENCE || tbsCertificate.tag !== DER_SEQUENCE || algorithm.tag !== DER_SEQUENCE || oid.tag !== DER_OID) {
    throw new Error('the certificate\'s DER is not a Certificate SEQUENCE');
  }
  return oidText(der.subarray(oid.start, oid.end));
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
