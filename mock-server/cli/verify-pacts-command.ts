/**
 * `alipay-sandbox verify-pacts`: the user's pact files (their app as consumer, Alipay as provider)
 * verified against a fresh in-memory sandbox. Pact is an optional peer dependency: only this command
 * needs it, and it says so by name when it is missing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox.js';
import { UsageError } from './usage-error.js';

export const usage = `usage: alipay-sandbox verify-pacts PACT_FILE_OR_DIR...

Verifies pact files (your app as consumer, Alipay as provider) against a fresh in-memory sandbox,
with the provider states docs/contracts.md lists; requests are re-signed for the sandbox's default app,
whatever app_id the pact has. Needs @pact-foundation/pact installed beside this package.
`;

const PACT_PACKAGE = '@pact-foundation/pact';

export class MissingPactError extends Error {
  constructor() {
    super(`verify-pacts needs ${PACT_PACKAGE}, an optional peer dependency of this package: npm install --save-dev ${PACT_PACKAGE}@^16`);
  }
}

function pactFilesIn(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${path}: no such file or folder`);
    }
    return isFolder ? readdirSync(path).filter((name) => name.endsWith('.json')).map((name) => join(path, name)) : [path];
  });
}

async function loadVerifier(): Promise<typeof import('../../contracts/verify-provider.js')> {
  try {
    return await import('../../contracts/verify-provider.js');
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message?.includes(PACT_PACKAGE)) throw new MissingPactError();
    throw error;
  }
}

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true });
  if (!positionals.length) throw new UsageError('verify-pacts needs pact files or folders');
  const files = pactFilesIn(positionals);
  if (!files.length) throw new UsageError(`no .json pact files in ${positionals.join(', ')}`);
  // Pact's native core reports usage unless told not to; nothing may leave this machine.
  process.env.PACT_DO_NOT_TRACK = 'true';
  const { verifyPacts } = await loadVerifier();
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
    return 0;
  } finally {
    await sandbox.close();
  }
}
