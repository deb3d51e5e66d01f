/**
 * `alipay-sandbox smoke --gateway URL --app-id ID --private-key FILE --alipay-public-key FILE`:
 * the reference client's smoke check of the contract against any gateway, e.g. Alipay's own sandbox
 * (https://openapi-sandbox.dl.alipaydev.com/gateway.do). Prints one line per API; exit code 1 when
 * any fails, 2 when the command line is wrong. Key files are read, never printed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSmokeCheck } from './smoke-check.js';

export const usage = `usage: alipay-sandbox smoke --gateway URL --app-id ID --private-key FILE --alipay-public-key FILE [--sign-type RSA2|RSA]

Smoke-checks the contract against another gateway, e.g. Alipay's own sandbox: each API answers a
signed, well-formed, documented envelope. Prints a line per API and "N passed, N failed"; exit code
1 when any fails, 2 when the command line is wrong. Key files are read, never printed; a path that
looks like a production key is refused.
`;

/** What the user has to correct; exit code 2, so that a failed check (1) stays distinguishable. */
class SmokeUsageError extends Error {}

/** This tool is for sandboxes: a key file that says it is for production is refused unread. */
export function looksLikeProduction(path: string): boolean {
  return /(^|[\\/._-])(prod|production|live)([\\/._-]|$)/i.test(path);
}

function readKey(option: string, path: string | undefined): string {
  if (!path) throw new SmokeUsageError(`${option} is required`);
  if (looksLikeProduction(path)) throw new SmokeUsageError(`${option} names what looks like a production key; use your sandbox app's keys`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new SmokeUsageError(`${option}: the file cannot be read`);
  }
}

async function check(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      gateway: { type: 'string' },
      'app-id': { type: 'string' },
      'private-key': { type: 'string' },
      'alipay-public-key': { type: 'string' },
      'sign-type': { type: 'string' },
    },
    strict: true,
  });
  if (!values.gateway || !values['app-id']) throw new SmokeUsageError('--gateway and --app-id are required');
  const signType = values['sign-type'] ?? 'RSA2';
  if (signType !== 'RSA2' && signType !== 'RSA') throw new SmokeUsageError('--sign-type must be RSA2 or RSA');
  const results = await runSmokeCheck({
    gateway: values.gateway,
    appId: values['app-id'],
    privateKey: readKey('--private-key', values['private-key']),
    alipayPublicKey: readKey('--alipay-public-key', values['alipay-public-key']),
    signType,
  });
  for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.method}: ${r.answer}\n`);
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

export async function run(args: string[]): Promise<number> {
  try {
    return await check(args);
  } catch (error) {
    const usageError = error instanceof SmokeUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`smoke: ${(error as Error).message}\n${usageError ? `\n${usage}` : ''}`);
    return usageError ? 2 : 1;
  }
}
