/**
 * The cryptography the platform-neutral core needs, given to it by its platform: Node's is
 * keys/node-crypto.ts (node:crypto), and the browser build runs the same through its forge shim.
 * Response signing has its own interface (ResponseSigner), since the server signs on worker threads.
 */
import type { SignType } from './public-parameters.js';

/** A public key as the platform parsed it (a KeyObject in Node): the core only hands it back to verify. */
export type VerificationKey = object;

/** A public key read from text, with its fingerprint; or why the text is not an RSA public key. */
export type ReadPublicKey = { readonly key: VerificationKey; readonly fingerprint: string } | { readonly problem: string };

export interface CoreCrypto {
  /**
   * RSA2 (SHA256withRSA) or RSA (SHA1withRSA) over `content`, the signature as the request's base64 text:
   * standard base64 only, whitespace skipped, as Alipay's decoder reads it (signature.ts,
   * signEncodingProblem); false for any signature that does not verify.
   */
  verify(content: Uint8Array, sign: string, signType: SignType, key: VerificationKey): boolean;
  /**
   * A public key as a developer pastes it (PEM, or the bare base64 of Alipay's console), with the
   * SHA-256 fingerprint of its SPKI DER, so that two copies of one key compare equal however written.
   */
  readPublicKey(text: string): ReadPublicKey;
  /** AES-128-CBC, all-zero IV, PKCS#5 padding, base64 text (reference §5): an encrypted node. */
  encryptContent(plaintext: Uint8Array, key: Uint8Array): string;
  /** The plaintext bytes, or undefined when the text is not base64 of this key's AES output. */
  decryptContent(ciphertext: string, key: Uint8Array): Uint8Array | undefined;
  /**
   * SHA-256 of the text's UTF-8, as 64 lower-case hex digits: the ids the sandbox derives
   * (methods/generated-ids.ts), given by the platform because its native digest costs a fifth of the
   * core's own (methods/sha256.ts) on every certification a request starts or finds.
   */
  sha256Hex(text: string): string;
}
