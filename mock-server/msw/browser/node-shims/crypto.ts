/**
 * The part of node:crypto the sandbox engine uses, on node-forge, for the browser build of the msw
 * example. Slow next to node:crypto (tens of signatures a second) and fine for a page that makes a
 * call when a developer clicks; the Node paths never load it.
 */
import { Buffer } from 'buffer';
import forge from 'node-forge';

type ForgePrivate = forge.pki.rsa.PrivateKey;
type ForgePublic = forge.pki.rsa.PublicKey;

export class KeyObject {
  readonly asymmetricKeyType = 'rsa';
  constructor(
    readonly type: 'private' | 'public',
    readonly key: ForgePrivate | ForgePublic,
  ) {}

  get asymmetricKeyDetails(): { modulusLength: number } {
    return { modulusLength: (this.key as ForgePublic).n.bitLength() };
  }

  export(_options: { type: string; format: string }): string {
    const publicKey = this.type === 'private' ? forge.pki.setRsaPublicKey((this.key as ForgePrivate).n, (this.key as ForgePrivate).e) : (this.key as ForgePublic);
    return forge.pki.publicKeyToPem(publicKey);
  }
}

function pemText(input: unknown): string {
  if (typeof input === 'string') return input;
  const { key } = input as { key: string | Uint8Array };
  if (typeof key === 'string') return key;
  throw new Error('the browser build reads PEM keys only');
}

export function createPrivateKey(input: unknown): KeyObject {
  return new KeyObject('private', forge.pki.privateKeyFromPem(pemText(input)));
}

export function createPublicKey(input: unknown): KeyObject {
  const pem = pemText(input);
  const key = pem.includes('RSA PUBLIC KEY') ? forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(forge.util.decode64(pem.replace(/-----[^-]+-----|\s/g, '')))) : forge.pki.publicKeyFromPem(pem);
  return new KeyObject('public', key);
}

function digestOf(algorithm: string, data: Uint8Array): forge.md.MessageDigest {
  const md = algorithm.toLowerCase().includes('sha1') ? forge.md.sha1.create() : forge.md.sha256.create();
  md.update(forge.util.binary.raw.encode(data));
  return md;
}

export function sign(algorithm: string, data: Uint8Array, key: KeyObject): Buffer {
  return Buffer.from((key.key as ForgePrivate).sign(digestOf(algorithm, data)), 'binary');
}

export function verify(algorithm: string, data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  const publicKey = key.type === 'private' ? forge.pki.setRsaPublicKey((key.key as ForgePrivate).n, (key.key as ForgePrivate).e) : (key.key as ForgePublic);
  try {
    return publicKey.verify(digestOf(algorithm, data).digest().bytes(), forge.util.binary.raw.encode(signature));
  } catch {
    return false;
  }
}

export function createHash(algorithm: 'sha256' | 'md5') {
  const md = algorithm === 'md5' ? forge.md.md5.create() : forge.md.sha256.create();
  return {
    update(text: string) {
      md.update(text, 'utf8');
      return this;
    },
    digest(encoding?: 'hex') {
      const hex = md.digest().toHex();
      return encoding === 'hex' ? hex : Buffer.from(hex, 'hex');
    },
  };
}

/** The one-shot digest (node:crypto's hash): the ids' SHA-256 (CoreCrypto.sha256Hex). */
export function hash(algorithm: 'sha256' | 'md5', text: string, _outputEncoding: 'hex'): string {
  const md = algorithm === 'md5' ? forge.md.md5.create() : forge.md.sha256.create();
  return md.update(text, 'utf8').digest().toHex();
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

export function randomBytes(size: number): Buffer {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(size)));
}

/** Certificates, as far as certificate mode reads them: issuer, serial number, public key. */
export class X509Certificate {
  readonly #certificate: forge.pki.Certificate;

  constructor(pem: string | Uint8Array) {
    this.#certificate = forge.pki.certificateFromPem(String(pem));
  }

  get issuer(): string {
    return this.#certificate.issuer.attributes.map((a) => `${a.shortName}=${String(a.value)}`).join('\n');
  }

  get serialNumber(): string {
    return this.#certificate.serialNumber.toUpperCase();
  }

  get publicKey(): KeyObject {
    return new KeyObject('public', this.#certificate.publicKey as ForgePublic);
  }

  verify(issuerKey: KeyObject): boolean {
    const pki = forge.pki as unknown as { getTBSCertificate(certificate: forge.pki.Certificate): forge.asn1.Asn1 };
    const tbs = forge.asn1.toDer(pki.getTBSCertificate(this.#certificate)).getBytes();
    const md = forge.md.sha256.create().update(tbs);
    try {
      return (issuerKey.key as ForgePublic).verify(md.digest().bytes(), this.#certificate.signature as string);
    } catch {
      return false;
    }
  }
}

/** AES-128-CBC, as content encryption uses it. */
function aes(mode: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array) {
  const cipher = (mode === 'encrypt' ? forge.cipher.createCipher : forge.cipher.createDecipher)('AES-CBC', forge.util.createBuffer(forge.util.binary.raw.encode(key)));
  cipher.start({ iv: forge.util.binary.raw.encode(iv) });
  let input = Buffer.alloc(0);
  return {
    update(data: string | Uint8Array, encoding?: BufferEncoding): Buffer {
      input = Buffer.concat([input, typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : Buffer.from(data)]);
      return Buffer.alloc(0);
    },
    final(): Buffer {
      cipher.update(forge.util.createBuffer(input.toString('binary')));
      if (!cipher.finish()) throw new Error('bad decrypt');
      return Buffer.from(cipher.output.getBytes(), 'binary');
    },
  };
}

export const createCipheriv = (_algorithm: string, key: Uint8Array, iv: Uint8Array) => aes('encrypt', key, iv);
export const createDecipheriv = (_algorithm: string, key: Uint8Array, iv: Uint8Array) => aes('decrypt', key, iv);
