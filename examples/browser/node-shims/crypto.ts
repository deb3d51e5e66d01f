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

export function createHash(_algorithm: 'sha256') {
  const md = forge.md.sha256.create();
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

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}
