/**
 * RSA-2048 key pairs for the apps a test registers beside the default one, and for "a key that is not
 * the app's": taken in turn from 48 test-only keys committed in keys/spare-app-keys.pkcs8.pem.
 * Generating a key pair took 179 ms of CPU on the 2-core machine, and the suite generated about 80
 * (some 14 CPU-s of a 130 CPU-s `npm test`); a key's freshness is not what any test is about. Tests of
 * key generation itself (the keys command, the console's new app) still generate.
 *
 * In turn per process: the test files of one vitest worker share this module (isolate: false), and
 * no file takes anywhere near 48, so the keys one file gets are distinct.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PEMS = readFileSync(new URL('./keys/spare-app-keys.pkcs8.pem', import.meta.url), 'utf8').match(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/g) ?? [];
let taken = 0;

/** The next spare key pair, as generateKeyPairSync('rsa', { modulusLength: 2048 }) returns one. */
export function spareKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey(PEMS[taken++ % PEMS.length]!);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The next spare key pair as PEM text: the public key SPKI, the private key PKCS#1 or PKCS#8. */
export function spareKeyPairPem(privateKeyType: 'pkcs1' | 'pkcs8'): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = spareKeyPair();
  return {
    privateKey: privateKey.export({ type: privateKeyType, format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
