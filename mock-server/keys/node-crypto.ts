/**
 * The core's cryptography on node:crypto (core/protocol/core-crypto.ts), and what else of RSA and AES the
 * Node side needs: signing responses, and the AES keys apps are given. The browser build runs this
 * same file on its forge shim of node:crypto.
 */
import { createCipheriv, createDecipheriv, hash, randomBytes, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import type { CoreCrypto } from '../core/protocol/core-crypto.js';
import type { SignType } from '../core/protocol/public-parameters.js';
import { signEncodingProblem } from '../core/protocol/signature.js';
import { KeyFormatError, parseAppPublicKey, publicKeyFingerprint } from './rsa-keys.js';

const DIGEST: Readonly<Record<SignType, string>> = { RSA2: 'sha256', RSA: 'sha1' };
const ZERO_IV = Buffer.alloc(16);

export class AesKeyError extends Error {}

/** The key's 16 bytes, from the base64 text Alipay's console shows. */
export function aesKeyBytes(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 16 || key.toString('base64') !== base64Key.trim()) {
    throw new AesKeyError('an AES key is the base64 of 16 random bytes (AES-128), e.g. what POST /__admin/apps/:app_id/aes-key generates');
  }
  return key;
}

export function generateAesKey(): string {
  return randomBytes(16).toString('base64');
}

/** The plaintext is bytes in the request's charset: the SDKs encrypt the text as they encode it. */
export function encryptContent(plaintext: Uint8Array, key: Uint8Array): string {
  const cipher = createCipheriv('aes-128-cbc', key, ZERO_IV);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** The plaintext bytes, or undefined when the ciphertext is not base64 of this key's AES output. */
export function decryptContent(ciphertext: string, key: Uint8Array): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ZERO_IV);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function signContent(content: string | Uint8Array, signType: SignType, key: KeyObject): string {
  return rsaSign(DIGEST[signType], typeof content === 'string' ? Buffer.from(content, 'utf8') : content, key).toString('base64');
}

export const nodeCrypto: CoreCrypto = {
  verify(content, sign, signType, key) {
    const signature = Buffer.from(sign, 'base64');
    // Buffer.from reads base64url and unpadded text too; Alipay's decoder does not (signature.ts). A
    // sign that is its bytes' own standard base64 is fine as it is (every SDK's): only another one
    // takes the slower check.
    if (signature.toString('base64') !== sign && signEncodingProblem(sign) !== undefined) return false;
    if (signature.length === 0) return false;
    try {
      return rsaVerify(DIGEST[signType], content, key as KeyObject, signature);
    } catch {
      return false;
    }
  },
  readPublicKey(text) {
    try {
      const key = parseAppPublicKey(text);
      return { key, fingerprint: publicKeyFingerprint(key) };
    } catch (error) {
      if (error instanceof KeyFormatError) return { problem: error.message };
      throw error;
    }
  },
  encryptContent,
  decryptContent,
  sha256Hex: (text) => hash('sha256', text, 'hex'),
};
