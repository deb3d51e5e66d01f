/**
 * `serve`'s options, each from a flag or an environment variable (the flag wins), so that the sandbox
 * runs as a CI service with no wrapper script. One table feeds the parser, `serve --help` and the
 * table in docs/ci.md (`npm run docs`, checked by a test).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from '../sandbox.js';
import { redisAddress } from '../replicas/store-address.js';
import { UsageError } from './usage-error.js';

interface OptionSpec {
  readonly flag: string;
  readonly env: readonly string[];
  readonly kind: 'string' | 'boolean';
  /** As the help shows it, e.g. `N` or `FILE|NAME`; booleans have none. */
  readonly value?: string;
  readonly defaultText: string;
  readonly description: string;
}

/**
 * How many days of certifications serve keeps on the business clock: a month of query data, while a
 * sandbox left running does not grow without bound. Alipay documents no period of its own (it is a
 * policy of this sandbox, announced in the docs); 0 keeps everything.
 */
const DEFAULT_RETENTION_DAYS = 30;

const SERVE_OPTIONS: readonly OptionSpec[] = [
  { flag: 'port', env: ['ALIPAY_SANDBOX_PORT', 'PORT'], kind: 'string', value: 'N', defaultText: String(DEFAULT_PORT), description: 'port to listen on; 0 picks a free one' },
  { flag: 'host', env: ['ALIPAY_SANDBOX_HOST'], kind: 'string', value: 'ADDRESS', defaultText: '127.0.0.1', description: 'address to listen on' },
  { flag: 'admin-hosts', env: ['ALIPAY_SANDBOX_ADMIN_HOSTS'], kind: 'string', value: 'NAME,...', defaultText: 'none', description: 'more Host names to serve the admin API for (loopback names and this machine\'s addresses always are)' },
  { flag: 'admin-token', env: ['ALIPAY_SANDBOX_ADMIN_TOKEN'], kind: 'string', value: 'TOKEN', defaultText: 'none; made up beyond loopback', description: 'required on `/__admin` as `Authorization: Bearer TOKEN`' },
  { flag: 'data-dir', env: ['ALIPAY_SANDBOX_DATA_DIR'], kind: 'string', value: 'DIR', defaultText: './data', description: 'where registered apps (`apps.json`), app scenarios and the clock (`controls.json`) and state (`state.json`) are kept across restarts' },
  { flag: 'store', env: ['ALIPAY_SANDBOX_STORE'], kind: 'string', value: 'URL', defaultText: 'the data dir', description: 'keep apps, state, scenarios, the clock and the journal in Redis (`redis://host:port/db`), shared by every sandbox pointed at it (replicas behind a load balancer)' },
  { flag: 'workers', env: ['ALIPAY_SANDBOX_WORKERS'], kind: 'string', value: 'N', defaultText: '1', description: 'run N sandbox processes on one port (node:cluster), so that one command uses every core; they share state through `--store`, which N > 1 needs' },
  { flag: 'in-memory', env: ['ALIPAY_SANDBOX_IN_MEMORY'], kind: 'boolean', defaultText: 'off', description: 'keep nothing on disk' },
  { flag: 'repair-state', env: ['ALIPAY_SANDBOX_REPAIR_STATE'], kind: 'boolean', defaultText: 'off', description: 'start even though the change log has a corrupt line: cut it there, keeping the whole file as `state.changes.jsonl.corrupt`' },
  { flag: 'timestamp-window', env: ['ALIPAY_SANDBOX_TIMESTAMP_WINDOW'], kind: 'string', value: 'MIN', defaultText: '15', description: 'allowed skew of `timestamp` in minutes; 0 turns the check off' },
  { flag: 'max-body-bytes', env: ['ALIPAY_SANDBOX_MAX_BODY_BYTES'], kind: 'string', value: 'N', defaultText: '4194304', description: 'larger bodies get `isv.invalid-parameter`' },
  { flag: 'body-timeout', env: ['ALIPAY_SANDBOX_BODY_TIMEOUT'], kind: 'string', value: 'S', defaultText: '30', description: 'seconds a client may take to send a request; a late body gets `isv.invalid-parameter` saying so' },
  { flag: 'scenario', env: ['ALIPAY_SANDBOX_SCENARIO'], kind: 'string', value: 'FILE|NAME', defaultText: 'none', description: 'the start scenario: a file, or a name in `scenarios/`; reloaded when the file changes' },
  { flag: 'journal-size', env: ['ALIPAY_SANDBOX_JOURNAL_SIZE'], kind: 'string', value: 'N', defaultText: '1000', description: 'requests kept for `GET /__admin/requests`' },
  { flag: 'retention-days', env: ['ALIPAY_SANDBOX_RETENTION_DAYS'], kind: 'string', value: 'N', defaultText: `${DEFAULT_RETENTION_DAYS}; 0 keeps all`, description: 'drop certifications older than N days on the business clock (at start, every hour, and when the clock moves), so that a long-running sandbox does not grow without bound' },
  { flag: 'signing-threads', env: ['ALIPAY_SANDBOX_SIGNING_THREADS'], kind: 'string', value: 'N', defaultText: 'one per core but one', description: 'worker threads that sign responses' },
  { flag: 'quiet', env: ['ALIPAY_SANDBOX_QUIET'], kind: 'boolean', defaultText: 'off', description: 'no request log (one JSON line per request otherwise); warnings and errors still print' },
];

export interface ServeSettings {
  readonly port: number;
  readonly host?: string;
  readonly adminHosts: readonly string[];
  readonly adminToken?: string;
  /** Undefined: in memory, or in the store. */
  readonly dataDir?: string;
  /** A redis:// address replicas share. */
  readonly store?: string;
  /** Processes serving the port (node:cluster); more than one needs the store. */
  readonly workers: number;
  readonly repairState: boolean;
  readonly timestampWindowMinutes: number;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutSeconds: number;
  readonly scenario?: string;
  readonly journalSize: number;
  readonly retentionDays: number;
  readonly signingThreads?: number;
  readonly quiet: boolean;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** A value and the name it came by, so that an error names the flag or the variable the user set. */
interface Given {
  readonly text: string;
  readonly from: string;
}

function given(spec: OptionSpec, flags: Readonly<Record<string, string | boolean | undefined>>, env: Environment): Given | undefined {
  const flag = flags[spec.flag];
  if (flag !== undefined) return { text: String(flag), from: `--${spec.flag}` };
  for (const name of spec.env) {
    const text = env[name];
    if (text !== undefined && text !== '') return { text, from: name };
  }
  return undefined;
}

function wholeNumber(value: Given | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  if (!value) return fallback;
  const number = Number(value.text);
  if (!/^\d+$/.test(value.text.trim()) || !Number.isSafeInteger(number)) throw new UsageError(`${value.from} must be a whole number, got "${value.text}"`);
  if (number < min) throw new UsageError(`${value.from} must be at least ${min}, got ${value.text}`);
  if (number > max) throw new UsageError(`${value.from} must be at most ${max}, got ${value.text}`);
  return number;
}

function port(value: Given | undefined): number {
  if (!value) return DEFAULT_PORT;
  const number = wholeNumber(value, DEFAULT_PORT);
  if (number > 65535) throw new UsageError(`${value.from} must be a port number from 0 to 65535, got ${value.text}`);
  return number;
}

function switchedOn(value: Given | undefined): boolean {
  if (!value) return false;
  const text = value.text.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new UsageError(`${value.from} must be true or false, got "${value.text}"`);
}

/** The settings `serve` runs with, from its arguments and the environment. Throws UsageError. */
export function serveSettings(args: readonly string[], env: Environment): ServeSettings {
  const options = Object.fromEntries(SERVE_OPTIONS.map((spec) => [spec.flag, { type: spec.kind }] as const));
  const { values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  const flags = values as Readonly<Record<string, string | boolean | undefined>>;
  const read = (flag: string) => given(SERVE_OPTIONS.find((spec) => spec.flag === flag)!, flags, env);
  const signingThreads = read('signing-threads');
  const store = read('store');
  if (store && read('data-dir')) throw new UsageError(`${store.from} and ${read('data-dir')!.from} name two places for the state: give one`);
  const workers = read('workers');
  // Refused, not raised to 1: a user who wrote 0 meant something else (one per core?) and should say so.
  const workerCount = wholeNumber(workers, 1, 256, 1);
  if (workerCount > 1 && !store) throw new UsageError(`${workers!.from} ${workerCount} runs ${workerCount} processes, and processes share state only through --store redis://host:port/db: give one`);
  if (store) {
    try {
      redisAddress(store.text);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return {
    port: port(read('port')),
    host: read('host')?.text,
    adminHosts: (read('admin-hosts')?.text ?? '').split(',').map((name) => name.trim()).filter(Boolean),
    adminToken: read('admin-token')?.text,
    dataDir: switchedOn(read('in-memory')) || store ? undefined : (read('data-dir')?.text ?? 'data'),
    store: store?.text,
    workers: workerCount,
    repairState: switchedOn(read('repair-state')),
    timestampWindowMinutes: wholeNumber(read('timestamp-window'), 15),
    maxBodyBytes: wholeNumber(read('max-body-bytes'), 4 * 1024 * 1024),
    bodyTimeoutSeconds: Math.max(1, wholeNumber(read('body-timeout'), 30, 3600)),
    scenario: read('scenario')?.text,
    journalSize: wholeNumber(read('journal-size'), 1000),
    retentionDays: wholeNumber(read('retention-days'), DEFAULT_RETENTION_DAYS, 36_500),
    signingThreads: signingThreads ? wholeNumber(signingThreads, 0, 64) : undefined,
    quiet: switchedOn(read('quiet')),
  };
}

function optionLabel(spec: OptionSpec): string {
  return spec.value ? `--${spec.flag} ${spec.value}` : `--${spec.flag}`;
}

/** The options part of `serve --help`. */
export function serveOptionsHelp(): string {
  return SERVE_OPTIONS.map((spec) => {
    const label = optionLabel(spec).padEnd(24);
    return `  ${label} ${spec.description.replaceAll('`', '')}\n  ${' '.repeat(24)} default ${spec.defaultText}; env ${spec.env.join(' or ')}`;
  }).join('\n');
}

export const SERVE_OPTIONS_TABLE_START = '<!-- serve-options:start (generated by npm run docs) -->';
export const SERVE_OPTIONS_TABLE_END = '<!-- serve-options:end -->';

/** The docs' table of `serve` options, between its markers. */
export function serveOptionsMarkdown(): string {
  // A | inside a table cell, even in code, must be escaped.
  const rows = SERVE_OPTIONS.map((spec) => `| \`${optionLabel(spec).replaceAll('|', '\\|')}\` | ${spec.env.map((name) => `\`${name}\``).join(', ')} | ${spec.defaultText} | ${spec.description} |`);
  return [SERVE_OPTIONS_TABLE_START, '| option | environment variable | default | |', '|---|---|---|---|', ...rows, SERVE_OPTIONS_TABLE_END].join('\n');
}
