/** `alipay-sandbox identities`: synthetic people as JSON, the same for the same seed. */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

export const usage = `usage: alipay-sandbox identities [--count N] [--seed S]

Prints N synthetic people as JSON: a Chinese name, an 18-digit resident ID number with a real region
code and check digit, a mobile number and an Alipay user id. The same seed gives the same people.
  --count N   how many (default 10, at most 10000)
  --seed S    a whole number (default 1)
`;

function wholeNumber(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new UsageError(`${name} must be a whole number up to ${max}, got "${text}"`);
  return value;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { count: { type: 'string' }, seed: { type: 'string' } }, strict: true });
  // Loaded here, not at the top: faker's locales take a quarter of a second to load.
  const { generateIdentities } = await import('../../fixtures/identities/synthetic-identities.js');
  const people = generateIdentities({ count: wholeNumber('--count', values.count, 10, 10_000), seed: wholeNumber('--seed', values.seed, 1, Number.MAX_SAFE_INTEGER) });
  process.stdout.write(`${JSON.stringify(people, null, 2)}\n`);
  return 0;
}
