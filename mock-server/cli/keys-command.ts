/**
 * `alipay-sandbox keys`: key pairs and certificates for the sandbox, TEST-ONLY.
 *
 *   keys generate [--app-id ID] [--out DIR] [--sign-type RSA2|RSA] [--certificate] [--register URL]
 *     an app key pair in PKCS#1 and PKCS#8 PEM plus the bare base64 public key of Alipay's console,
 *     with --certificate an app public-key certificate issued by the sandbox's CA; with --register the
 *     app is registered with a running sandbox; prints a ready alipay-sdk configuration.
 *   keys ca --out DIR
 *     a new root CA and "Alipay" public-key certificate, as fixtures/certs/ was made.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { testCertificatePaths, testKeyPaths } from '../../fixtures/test-keys.js';
import { AdminClientError, createAdminClient } from '../core/admin/admin-client.js';
import { issueCertificate, issueRootCertificate } from '../keys/certificate-authority.js';
import { UsageError } from './usage-error.js';

export const usage = `usage: alipay-sandbox keys generate [--app-id ID] [--out DIR] [--sign-type RSA2|RSA] [--certificate] [--register URL]
       alipay-sandbox keys ca --out DIR

keys generate: a TEST-ONLY app key pair in PKCS#1 and PKCS#8 PEM plus the bare base64 public key of
Alipay's console, written to --out (default sandbox-keys/<app_id>/); prints an alipay-sdk configuration.
  --app-id ID          the app (default 2021000000009001)
  --sign-type RSA2|RSA the app's sign type (default RSA2)
  --certificate        also issue an app public-key certificate from the sandbox's TEST-ONLY CA
  --register URL       register the app with the sandbox running at URL (e.g. http://127.0.0.1:8976)

keys ca: a new TEST-ONLY root CA and "Alipay" public-key certificate, as fixtures/certs/ was made.
  --out DIR            where to write them
`;

/** Nothing this command writes may look like, or land beside, a production key. */
function checkedOutDir(path: string): string {
  if (/(^|[\\/._-])(prod|production|live)([\\/._-]|$)/i.test(path)) {
    throw new UsageError(`--out ${path} looks like a place for production keys; these keys are TEST-ONLY`);
  }
  return resolve(path);
}

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

async function register(sandboxUrl: string, body: object): Promise<void> {
  // A sandbox bound beyond loopback wants its admin token: the one serve printed, in the environment.
  const admin = createAdminClient(sandboxUrl, { token: process.env.ALIPAY_SANDBOX_ADMIN_TOKEN });
  try {
    await admin.registerApp(body);
  } catch (error) {
    if (!(error instanceof AdminClientError)) throw error;
    throw new Error(`the sandbox refused the registration (${error.status}): ${error.message}`);
  }
}

function sdkConfiguration(appId: string, signType: string, files: Record<string, string>, gateway: string, certificate: boolean): string {
  const here = (path: string) => relative(process.cwd(), path) || path;
  const keys = certificate
    ? [
        `  appCertPath: '${here(files.certificate!)}',`,
        `  alipayPublicCertPath: '${here(testCertificatePaths.alipayPublicCert)}',`,
        `  alipayRootCertPath: '${here(testCertificatePaths.alipayRootCert)}',`,
      ]
    : [`  alipayPublicKey: readFileSync('${here(testKeyPaths.alipayPublicKey)}', 'utf8'),`];
  return [
    "import { readFileSync } from 'node:fs';",
    "import { AlipaySdk } from 'alipay-sdk';",
    '',
    'const alipay = new AlipaySdk({',
    `  appId: '${appId}',`,
    `  privateKey: readFileSync('${here(files.pkcs1!)}', 'utf8'),`,
    ...(signType === 'RSA' ? ["  signType: 'RSA',"] : []),
    ...keys,
    `  gateway: '${gateway}',`,
    '});',
  ].join('\n');
}

async function generate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'app-id': { type: 'string', default: '2021000000009001' },
      out: { type: 'string' },
      'sign-type': { type: 'string', default: 'RSA2' },
      certificate: { type: 'boolean', default: false },
      register: { type: 'string' },
    },
    strict: true,
  });
  const appId = values['app-id'];
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(appId)) throw new UsageError('--app-id must be 1 to 32 letters, digits, "_" or "-"');
  const signType = values['sign-type'];
  if (signType !== 'RSA2' && signType !== 'RSA') throw new UsageError('--sign-type must be RSA2 or RSA');
  const dir = checkedOutDir(values.out ?? join('sandbox-keys', appId));
  if (existsSync(join(dir, 'app-private-key.pkcs1.pem'))) throw new UsageError(`${dir} already holds a key pair; choose another --out`);
  mkdirSync(dir, { recursive: true });
  const pair = rsaKeyPair();
  const files: Record<string, string> = {
    pkcs1: join(dir, 'app-private-key.pkcs1.pem'),
    pkcs8: join(dir, 'app-private-key.pkcs8.pem'),
    publicPem: join(dir, 'app-public-key.pem'),
    publicBase64: join(dir, 'app-public-key.base64.txt'),
  };
  writeFileSync(files.pkcs1!, pair.pkcs1);
  writeFileSync(files.pkcs8!, pair.pkcs8);
  writeFileSync(files.publicPem!, pair.publicPem);
  writeFileSync(files.publicBase64!, `${pair.publicBase64}\n`);
  let certificatePem: string | undefined;
  if (values.certificate) {
    certificatePem = issueCertificate({
      publicKeyPem: pair.publicPem,
      commonName: `2088000000000000-${appId}`,
      organization: `Sandbox app ${appId} (TEST ONLY)`,
      rootCertificatePem: readFileSync(testCertificatePaths.alipayRootCert, 'utf8'),
      rootPrivateKeyPem: readFileSync(testCertificatePaths.rootCaPrivateKey, 'utf8'),
    }).certificatePem;
    files.certificate = join(dir, `appCertPublicKey_${appId}.crt`);
    writeFileSync(files.certificate, certificatePem);
  }
  writeFileSync(join(dir, 'README.txt'), 'TEST-ONLY keys generated by alipay-sandbox keys generate. Never use them outside the sandbox.\n');
  if (values.register) {
    await register(values.register, certificatePem ? { app_id: appId, app_cert: certificatePem, sign_type: signType } : { app_id: appId, public_key: pair.publicPem, sign_type: signType });
  }
  const gateway = `${(values.register ?? 'http://127.0.0.1:8976').replace(/\/$/, '')}/gateway.do`;
  process.stdout.write(
    [
      `TEST-ONLY keys for app ${appId} in ${relative(process.cwd(), dir) || dir}:`,
      ...Object.values(files).map((f) => `  ${relative(dir, f)}`),
      values.register ? `Registered with ${values.register} (${certificatePem ? 'certificate' : 'public key'} mode, ${signType}).` : 'Not registered: pass --register http://127.0.0.1:8976, or POST app-public-key.pem to /__admin/apps.',
      '',
      sdkConfiguration(appId, signType, files, gateway, Boolean(certificatePem)),
      '',
    ].join('\n'),
  );
}

function certificateAuthority(args: string[]): void {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new UsageError('keys ca needs --out DIR');
  const dir = checkedOutDir(values.out);
  mkdirSync(dir, { recursive: true });
  const root = rsaKeyPair();
  const rootCertificatePem = issueRootCertificate(root.publicPem, root.pkcs8).certificatePem;
  const alipayCertificatePem = issueCertificate({
    publicKeyPem: readFileSync(testKeyPaths.alipayPublicKey, 'utf8'),
    commonName: 'Alipay Gateway Sandbox (TEST ONLY)-2088000000000000',
    organization: 'Alipay Gateway Sandbox',
    rootCertificatePem,
    rootPrivateKeyPem: root.pkcs8,
  }).certificatePem;
  writeFileSync(join(dir, 'sandbox-root-ca.private-key.pem'), root.pkcs8);
  writeFileSync(join(dir, 'alipayRootCert.crt'), rootCertificatePem);
  writeFileSync(join(dir, 'alipayCertPublicKey_RSA2.crt'), alipayCertificatePem);
  process.stdout.write(`TEST-ONLY root CA and Alipay public-key certificate written to ${dir}\n`);
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'generate') await generate(rest);
  else if (sub === 'ca') certificateAuthority(rest);
  else throw new UsageError(sub === undefined ? 'keys needs a subcommand: generate or ca' : `keys has no subcommand "${sub}"`);
  return 0;
}
