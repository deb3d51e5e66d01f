/**
 * The sandbox's command line. `serve` (the default) starts the gateway on the embedded default.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, startSandbox, type RunningSandbox } from '../sandbox.js';

const USAGE = `usage: alipay-sandbox serve [options]

  --port N                 port to listen on (default: $PORT, else ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS           address to listen on (default 127.0.0.1)
  --data-dir DIR           where registered apps are kept (default ./data)
  --in-memory              keep nothing on disk
  --timestamp-window MIN   allowed clock skew of the timestamp parameter in minutes (default 15; 0 = off)
  --max-body-bytes N       largest request body accepted (default 4194304)
  --quiet                  no request log
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

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  } else {
    process.stderr.write(`alipay-sandbox: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
