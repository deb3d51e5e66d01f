/**
 * The sandbox's command line. `serve` (the default) starts the gateway on the embedded default.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, startSandbox, type RunningSandbox } from '../sandbox.js';
import { ScenarioLoadError } from '../scenarios/load-scenario.js';
import { keysCommand, KeysUsageError } from './keys-command.js';

const USAGE = `usage: alipay-sandbox serve [options]
       alipay-sandbox identities [--count N] [--seed S]
       alipay-sandbox verify-pacts PACT_FILE_OR_DIR...
       alipay-sandbox keys generate [--app-id ID] [--out DIR] [--sign-type RSA2|RSA] [--certificate] [--register URL]
       alipay-sandbox keys ca --out DIR

  --port N                 port to listen on (default: $PORT, else ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS           address to listen on (default 127.0.0.1)
  --data-dir DIR           where registered apps are kept (default ./data)
  --in-memory              keep nothing on disk
  --timestamp-window MIN   allowed clock skew of the timestamp parameter in minutes (default 15; 0 = off)
  --max-body-bytes N       largest request body accepted (default 4194304)
  --scenario FILE|NAME     the start scenario: a file, or a name in scenarios/ (reloaded when it changes)
  --journal-size N         how many requests GET /__admin/requests keeps (default 1000)
  --signing-threads N      worker threads that sign responses (default: one per core)
  --quiet                  no request log

verify-pacts: verifies pact files (your app as consumer, Alipay as provider) against a fresh sandbox,
with the provider states the README lists; requests are re-signed for the sandbox's default app.

keys generate: a TEST-ONLY app key pair (PKCS#1, PKCS#8, bare base64), with --certificate an app
certificate from the sandbox's CA, with --register registered with a running sandbox; prints an
alipay-sdk configuration. keys ca: a new TEST-ONLY root CA and Alipay certificate.

identities: prints N synthetic people (name, resident ID, mobile, Alipay user id) as JSON; the same
seed gives the same people (defaults: 10, seed 1).
`;

class UsageError extends Error {}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${name} must be a whole number, got "${text}"`);
  return value;
}

function describe(sandbox: RunningSandbox, dataDir: string | undefined): string {
  const here = (path: string) => relative(process.cwd(), path) || path;
  return [
    'Alipay gateway sandbox is listening',
    `  gateway            ${sandbox.gatewayUrl}`,
    `  default app_id     ${sandbox.defaultApp.appId} (sign_type RSA2)`,
    `  app private key    ${here(sandbox.defaultApp.privateKeyPkcs1Path)} (PKCS#1)`,
    `                     ${here(sandbox.defaultApp.privateKeyPkcs8Path)} (PKCS#8)`,
    `  alipay public key  ${here(sandbox.alipayPublicKeyPath)} (also GET ${sandbox.url}/__admin/alipay-public-key)`,
    `  data               ${dataDir ?? 'in memory'}`,
    `  scenario           ${sandbox.scenarioPath ? here(sandbox.scenarioPath) : 'none (normal behaviour)'}`,
    '  The keys are TEST-ONLY and public: never use them outside the sandbox.',
    '',
  ].join('\n');
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      'timestamp-window': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      scenario: { type: 'string' },
      'journal-size': { type: 'string' },
      'signing-threads': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = values['in-memory'] ? undefined : (values['data-dir'] ?? 'data');
  const sandbox = await startSandbox({
    port: wholeNumber('--port', values.port ?? process.env.PORT, DEFAULT_PORT),
    host: values.host,
    dataDir,
    inMemory: values['in-memory'],
    quiet: values.quiet,
    scenario: values.scenario,
    journalCapacity: wholeNumber('--journal-size', values['journal-size'], 1000),
    signingThreads: values['signing-threads'] === undefined ? undefined : wholeNumber('--signing-threads', values['signing-threads'], 0),
    settings: {
      timestampWindowMs: wholeNumber('--timestamp-window', values['timestamp-window'], 15) * 60_000,
      maxBodyBytes: wholeNumber('--max-body-bytes', values['max-body-bytes'], 4 * 1024 * 1024),
    },
  });
  process.stdout.write(describe(sandbox, dataDir));
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function identities(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { count: { type: 'string' }, seed: { type: 'string' } }, strict: true });
  // Loaded here, not at the top: faker's locales would add a quarter second to every `serve` start.
  const { generateIdentities } = await import('../../fixtures/identities/synthetic-identities.js');
  const people = generateIdentities({ count: wholeNumber('--count', values.count, 10), seed: wholeNumber('--seed', values.seed, 1) });
  process.stdout.write(`${JSON.stringify(people, null, 2)}\n`);
}

function pactFilesIn(paths: readonly string[]): string[] {
  return paths.flatMap((path) => (statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.json')).map((f) => join(path, f)) : [path]));
}

async function verifyPactsCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true });
  if (!positionals.length) throw new UsageError('verify-pacts needs pact files or folders');
  const files = pactFilesIn(positionals);
  if (!files.length) throw new UsageError(`no .json pact files in ${positionals.join(', ')}`);
  // Pact's native core reports usage unless told not to; nothing may leave this machine.
  process.env.PACT_DO_NOT_TRACK = 'true';
  const { verifyPacts } = await import('../../contracts/verify-provider.js');
  const sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
  try {
    await verifyPacts({
      pactFiles: files,
      target: {
        url: sandbox.url,
        appId: sandbox.defaultApp.appId,
        privateKeyPem: readFileSync(sandbox.defaultApp.privateKeyPkcs1Path, 'utf8'),
        alipayPublicKeyPem: sandbox.alipayPublicKeyPem,
      },
    });
    process.stdout.write(`verify-pacts: ${files.length} pact file(s) verified against the sandbox\n`);
  } finally {
    await sandbox.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'identities') return identities(rest);
  if (command === 'keys') return keysCommand(rest);
  if (command === 'verify-pacts') {
    await verifyPactsCommand(rest);
    // Pact's native core may hold handles open; the verdict is in, so leave.
    process.exit(0);
  }
  if (command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ScenarioLoadError) {
    process.stderr.write(`alipay-sandbox: the scenario is broken: ${error.message}\n`);
  } else if (error instanceof UsageError || error instanceof KeysUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  } else {
    process.stderr.write(`alipay-sandbox: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
