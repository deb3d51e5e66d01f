/**
 * Parsing the RSA keys apps register and the sandbox signs with. Keys are parsed once into KeyObjects;
 * nothing on the request path sees PEM text again.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export class KeyFormatError extends Error {}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]+$/;

function parseDerPublicKey(der: Buffer): KeyObject | undefined {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

function isDerPrivateKey(der: Buffer): boolean {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return true;
    } catch {
      // not this encoding
    }
  }
  return false;
}

function requireRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyFormatError(`the key is ${key.asymmetricKeyType ?? 'not an asymmetric'} key; Alipay apps use RSA keys`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) throw new KeyFormatError(`the RSA key has ${bits} bits; Alipay requires at least 1024 (2048 for RSA2)`);
  return key;
}

/**
 * An app's public key as the admin API receives it: PEM (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"),
 * or the bare base64 body that Alipay's console shows. A private key is refused, never echoed back.
 */
export function parseAppPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (!trimmed) throw new KeyFormatError('public_key is empty');
  const label = PEM_LABEL.exec(trimmed)?.[1];
  if (label) {
    if (label.includes('PRIVATE')) {
      throw new KeyFormatError('public_key holds a PRIVATE key; register the app\'s PUBLIC key and keep the private key to yourself');
    }
    if (label === 'CERTIFICATE') {
      throw new KeyFormatError('public_key holds a certificate; send the public key (certificate mode is not supported yet)');
    }
    try {
      return requireRsa(createPublicKey(trimmed));
    } catch (error) {
      if (error instanceof KeyFormatError) throw error;
      throw new KeyFormatError(`public_key is a PEM block labelled "${label}" that does not parse as an RSA public key`);
    }
  }
  if (!BASE64_BODY.test(trimmed)) {
    throw new KeyFormatError('public_key is neither PEM nor base64: paste the PEM text or the base64 key from Alipay\'s console');
  }
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
  // Checked first: node:crypto would happily derive a public key from a private one.
  if (isDerPrivateKey(der)) {
    throw new KeyFormatError('public_key holds a PRIVATE key; register the app\'s PUBLIC key and keep the private key to yourself');
  }
  const key = parseDerPublicKey(der);
  if (key) return requireRsa(key);
  throw new KeyFormatError('public_key is base64 but not an RSA public key (expected SPKI or PKCS#1 DER)');
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * SHA-256 of the key's SPKI DER in hex, what `openssl pkey -pubin -outform DER | openssl dgst -sha256`
 * prints: the same for a key however it is written (PKCS#1 or SPKI, PEM or bare base64).
 */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** An RSA private key from its PEM text (PKCS#1 or PKCS#8). */
export function parsePrivateKey(pem: string): KeyObject {
  return requireRsa(createPrivateKey(pem));
}
