/**
 * `alipay-sandbox doctor --gateway URL --app-id ID --private-key FILE [--alipay-public-key FILE] [--charset C]`:
 * checks a client's configuration against a running sandbox, one line per check, so that "the
 * signature does not verify" turns into the one thing to change: the app is registered, the private
 * key is the pair of its registered public key, the Alipay public key is the sandbox's, the clocks
 * agree within the timestamp window, the charset is one the gateway takes; then one signed call shows
 * the signature accepted. Exit code 1 when any check fails. Key files are read, never printed.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AlipayApiError, AlipayClient } from '../../client-harness/alipay-client.js';
import { looksLikeProduction } from '../../client-harness/smoke-command.js';
import { AdminClientError, createAdminClient, type RemoteSandboxAdmin } from '../core/admin/admin-client.js';
import type { AppRecord } from '../core/apps/registered-app.js';
import { DEFAULT_GATEWAY_SETTINGS } from '../core/engine/engine-contract.js';
import { charsetNamed } from '../core/protocol/charset.js';
import { KeyFormatError, parseAppPublicKey, publicKeyFingerprint } from '../keys/rsa-keys.js';
import { UsageError } from './usage-error.js';

export const usage = `usage: alipay-sandbox doctor --gateway URL --app-id ID --private-key FILE [--alipay-public-key FILE] [--charset C]

Checks a client's configuration against a running sandbox and prints one line per check, "ok" or
what to change: the app id is registered; the private key is the pair of the app's registered public
key; the Alipay public key file is the sandbox's; the clocks agree within the timestamp window; the
charset is one the gateway takes; one signed call (alipay.system.oauth.token with an unknown code) is
refused for the code, not the signature. Exit code 1 when any check fails. Key files are read, never
printed; a path that looks like a production key is refused. A sandbox bound beyond loopback wants
ALIPAY_SANDBOX_ADMIN_TOKEN in the environment.
  --gateway URL              the sandbox's gateway.do, e.g. http://127.0.0.1:8976/gateway.do
  --app-id ID                the app_id your client sends
  --private-key FILE         your app's private key (PEM, PKCS#1 or PKCS#8)
  --alipay-public-key FILE   the Alipay public key your client verifies answers with
  --charset C                the charset your client sends (default utf-8)
`;

interface Check {
  readonly name: string;
  /** undefined: passed; else what to change. */
  readonly problem?: string;
  readonly detail?: string;
}

interface Configuration {
  readonly gateway: string;
  readonly appId: string;
  readonly privateKey: KeyObject;
  readonly alipayPublicKey?: KeyObject;
  readonly charset: string;
}

const passed = (name: string, detail: string): Check => ({ name, detail });
const failed = (name: string, problem: string): Check => ({ name, problem });

/** This tool is for sandboxes: a key file that says it is for production is refused unread. */
function readKeyFile(option: string, path: string): string {
  if (looksLikeProduction(path)) throw new UsageError(`${option} names what looks like a production key; use your sandbox app's keys`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${option}: the file cannot be read`);
  }
}

/** Parsed here, so that a file that is no key is named in words and its text never printed. */
function privateKeyOf(path: string): KeyObject {
  try {
    return createPrivateKey(readKeyFile('--private-key', path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('--private-key: the file is not a PEM private key (PKCS#1 or PKCS#8)');
  }
}

function publicKeyOf(path: string): KeyObject {
  try {
    return parseAppPublicKey(readKeyFile('--alipay-public-key', path));
  } catch (error) {
    if (error instanceof KeyFormatError) throw new UsageError(`--alipay-public-key: ${error.message.replace(/^public_key /, 'the file ')}`);
    throw error;
  }
}

function configurationOf(args: string[]): Configuration {
  const { values } = parseArgs({
    args,
    options: { gateway: { type: 'string' }, 'app-id': { type: 'string' }, 'private-key': { type: 'string' }, 'alipay-public-key': { type: 'string' }, charset: { type: 'string', default: 'utf-8' } },
    strict: true,
  });
  if (!values.gateway || !values['app-id'] || !values['private-key']) throw new UsageError('--gateway, --app-id and --private-key are required');
  if (!URL.canParse(values.gateway)) throw new UsageError(`--gateway ${values.gateway} is not a URL; e.g. http://127.0.0.1:8976/gateway.do`);
  return {
    gateway: values.gateway,
    appId: values['app-id'],
    privateKey: privateKeyOf(values['private-key']),
    alipayPublicKey: values['alipay-public-key'] === undefined ? undefined : publicKeyOf(values['alipay-public-key']),
    charset: values.charset,
  };
}

/** The sandbox's own address: the gateway URL without its /gateway.do. */
function sandboxUrl(gateway: string): string {
  const url = new URL(gateway);
  return `${url.origin}${url.pathname.replace(/\/?gateway\.do$/, '')}`;
}

async function registeredApp(admin: RemoteSandboxAdmin, appId: string): Promise<AppRecord | undefined> {
  try {
    return await admin.app(appId);
  } catch (error) {
    if (error instanceof AdminClientError && error.status === 404) return undefined;
    throw error;
  }
}

function appCheck(appId: string, record: AppRecord | undefined, sandbox: string): Check {
  if (record) return passed('app id', `app ${appId} is registered (${record.sign_type}${record.app_cert_sn ? ', certificate mode' : ''})`);
  return failed('app id', `app ${appId} is not registered: register your public key (POST ${sandbox}/__admin/apps { app_id, public_key }, or alipay-sandbox keys generate --register ${sandbox})`);
}

function privateKeyCheck(config: Configuration, record: AppRecord | undefined, sandbox: string): Check {
  if (!record) return failed('private key', 'cannot be compared: the app is not registered');
  const yours = publicKeyFingerprint(createPublicKey(config.privateKey));
  const registered = publicKeyFingerprint(parseAppPublicKey(record.public_key));
  if (yours === registered) return passed('private key', `its public half is app ${config.appId}'s registered key (SHA-256 ${registered.slice(0, 16)}…)`);
  return failed('private key', `its public half (SHA-256 ${yours.slice(0, 16)}…) is not app ${config.appId}'s registered key (${registered.slice(0, 16)}…): use the private key whose public key you registered, or register this one's (openssl pkey -in FILE -pubout; POST ${sandbox}/__admin/apps)`);
}

function alipayKeyCheck(yours: KeyObject | undefined, sandboxPem: string, sandbox: string): Check {
  if (!yours) return passed('alipay public key', 'not given (--alipay-public-key FILE checks it)');
  const theirs = publicKeyFingerprint(parseAppPublicKey(sandboxPem));
  if (publicKeyFingerprint(yours) === theirs) return passed('alipay public key', `the sandbox's (SHA-256 ${theirs.slice(0, 16)}…)`);
  return failed('alipay public key', `the file holds another key than the sandbox's Alipay public key: use the sandbox's (curl ${sandbox}/__admin/alipay-public-key > FILE)`);
}

/** The sandbox's clock from its Date header, against this machine's at the middle of the round trip. */
async function clockCheck(sandbox: string): Promise<Check> {
  const sent = Date.now();
  const response = await fetch(`${sandbox}/__admin/health`);
  await response.arrayBuffer();
  const local = (sent + Date.now()) / 2;
  const remote = Date.parse(response.headers.get('date') ?? '');
  if (Number.isNaN(remote)) return failed('clock', 'the sandbox sent no Date header to compare with');
  const skewMs = local - remote;
  const windowMs = DEFAULT_GATEWAY_SETTINGS.timestampWindowMs;
  const said = `this machine is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs >= 0 ? 'ahead of' : 'behind'} the sandbox`;
  if (Math.abs(skewMs) <= windowMs / 2) return passed('clock', said);
  return failed('clock', `${said}, near or past the ${windowMs / 60_000}-minute timestamp window: set this machine's clock (NTP), or start the sandbox with a wider --timestamp-window`);
}

function charsetCheck(charset: string): Check {
  if (charsetNamed(charset)) return passed('charset', `${charset} is one the gateway takes`);
  return failed('charset', `the gateway takes utf-8, gbk or gb2312, not ${charset}: send charset=utf-8`);
}

/** Refusals that mean the call never reached the method: what the doctor is looking for. */
const PROTOCOL_REFUSAL = /^isv\.(invalid-signature|invalid-app-id|invalid-timestamp|missing-|invalid-charset|invalid-signature-type)/;

/** One signed call: an unknown auth code is refused isv.code-invalid once the signature is accepted. */
async function signedCallCheck(config: Configuration, sandboxPem: string): Promise<Check> {
  const method = 'alipay.system.oauth.token';
  const client = new AlipayClient({ gateway: config.gateway, appId: config.appId, privateKey: config.privateKey, alipayPublicKey: sandboxPem });
  try {
    await client.call(method, { grant_type: 'authorization_code', code: 'alipay-sandbox-doctor-unknown-code' }, { charset: config.charset });
    return passed('signed call', `${method} answered success`);
  } catch (error) {
    if (!(error instanceof AlipayApiError)) return failed('signed call', `${method}: ${(error as Error).message}`);
    if (error.subCode === 'isv.code-invalid') return passed('signed call', `${method} accepted the signature and refused the unknown code (isv.code-invalid), as documented`);
    const why = `${error.code} ${error.subCode ?? ''} ${error.subMsg ?? error.msg}`.replace(/\s+/g, ' ');
    return failed('signed call', PROTOCOL_REFUSAL.test(error.subCode ?? '') ? `the gateway refused the call: ${why}` : `${method} answered ${why}`);
  }
}

async function checks(config: Configuration): Promise<Check[]> {
  const sandbox = sandboxUrl(config.gateway);
  // A sandbox bound beyond loopback wants its admin token: the one serve printed, in the environment.
  const admin = createAdminClient(sandbox, { token: process.env.ALIPAY_SANDBOX_ADMIN_TOKEN });
  const record = await registeredApp(admin, config.appId);
  const sandboxPem = await admin.alipayPublicKey();
  return [
    appCheck(config.appId, record, sandbox),
    privateKeyCheck(config, record, sandbox),
    alipayKeyCheck(config.alipayPublicKey, sandboxPem, sandbox),
    await clockCheck(sandbox),
    charsetCheck(config.charset),
    record && charsetNamed(config.charset) ? await signedCallCheck(config, sandboxPem) : failed('signed call', 'not made: fix the checks above first'),
  ];
}

export async function run(args: string[]): Promise<number> {
  const config = configurationOf(args);
  let results: Check[];
  try {
    results = await checks(config);
  } catch (error) {
    // The sandbox is not there, or its admin API refused us: one line, not a stack.
    const message = error instanceof AdminClientError && error.status === 401 ? 'the admin API wants a token: set ALIPAY_SANDBOX_ADMIN_TOKEN to the one serve printed' : (error as Error).message;
    process.stderr.write(`doctor: cannot reach the sandbox at ${sandboxUrl(config.gateway)}: ${message}\n`);
    return 1;
  }
  for (const check of results) process.stdout.write(`${check.problem ? 'FAIL' : 'ok  '} ${check.name}: ${check.problem ?? check.detail}\n`);
  const failures = results.filter((check) => check.problem).length;
  process.stdout.write(failures ? `${failures} to change\n` : 'your configuration matches the sandbox\n');
  return failures ? 1 : 0;
}
