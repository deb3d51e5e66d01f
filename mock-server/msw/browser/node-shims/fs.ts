/**
 * node:fs for the browser build: the few shipped files the sandbox core reads (test-only keys and
 * certificates, fixture people, the scenario schema) are bundled in and found by file name. Nothing is written.
 */
import alipayPrivateKey from '../../../../fixtures/keys/alipay-sandbox.private-key.pkcs8.pem';
import alipayPublicKey from '../../../../fixtures/keys/alipay-sandbox.public-key.pem';
import appPrivateKeyPkcs1 from '../../../../fixtures/keys/default-app.private-key.pkcs1.pem';
import appPrivateKeyPkcs8 from '../../../../fixtures/keys/default-app.private-key.pkcs8.pem';
import appPublicKey from '../../../../fixtures/keys/default-app.public-key.pem';
import alipayPublicCert from '../../../../fixtures/certs/alipayCertPublicKey_RSA2.crt';
import alipayRootCert from '../../../../fixtures/certs/alipayRootCert.crt';
import defaultAppCert from '../../../../fixtures/certs/appCertPublicKey_2021000000000001.crt';
import fixturePeople from '../../../../fixtures/identities/fixture-people.json' with { type: 'json' };
import scenarioSchema from '../../../../scenarios/scenario.schema.json' with { type: 'json' };

const FILES: Readonly<Record<string, string>> = {
  'alipay-sandbox.private-key.pkcs8.pem': alipayPrivateKey,
  'alipay-sandbox.public-key.pem': alipayPublicKey,
  'default-app.private-key.pkcs1.pem': appPrivateKeyPkcs1,
  'default-app.private-key.pkcs8.pem': appPrivateKeyPkcs8,
  'default-app.public-key.pem': appPublicKey,
  'alipayCertPublicKey_RSA2.crt': alipayPublicCert,
  'alipayRootCert.crt': alipayRootCert,
  'appCertPublicKey_2021000000000001.crt': defaultAppCert,
  'fixture-people.json': JSON.stringify(fixturePeople),
  'scenario.schema.json': JSON.stringify(scenarioSchema),
};

export function readFileSync(path: string | URL): string {
  const name = String(path).split('/').pop()!;
  const text = FILES[name];
  if (text === undefined) throw new Error(`${name} is not bundled into the browser build`);
  return text;
}

export const existsSync = (): boolean => false;
const inMemoryOnly = (): never => {
  throw new Error('the browser sandbox keeps its state in memory');
};
export const constants = { O_RDONLY: 0 };
export const copyFileSync = inMemoryOnly;
export const truncateSync = inMemoryOnly;
export const writeFileSync = inMemoryOnly;
export const openSync = inMemoryOnly;
export const fsyncSync = inMemoryOnly;
export const closeSync = inMemoryOnly;
export const unlinkSync = inMemoryOnly;
export const mkdirSync = (): void => undefined;
export const watchFile = (): void => undefined;
export const unwatchFile = (): void => undefined;
