/**
 * AES content encryption (reference §5): biz_content and response nodes encrypted with the app's
 * AES-128 key, CBC mode, an all-zero IV, PKCS#5 padding, base64 text.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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
export function encryptContent(plaintext: Uint8Array, key: Buffer): string {
  const cipher = createCipheriv('aes-128-cbc', key, ZERO_IV);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** The plaintext bytes, or undefined when the ciphertext is not base64 of this key's AES output. */
export function decryptContent(ciphertext: string, key: Buffer): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ZERO_IV);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}
