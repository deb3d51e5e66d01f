/**
 * The command line as a user types it: help for every command, the version, a bare command, serve's
 * options from flags or environment variables (and the errors that name which), --quiet keeping the
 * warnings, and the docs' options table generated from the same source.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockFileOf } from '../../mock-server/build/docs-files.js';
import { generatedBlock } from '../../mock-server/build/generated-blocks.js';
import { SERVE_OPTIONS_TABLE_END, SERVE_OPTIONS_TABLE_START, serveOptionsMarkdown, serveSettings } from '../../mock-server/cli/serve-options.js';
import { UsageError } from '../../mock-server/cli/usage-error.js';
import { ROOT, runCli, servedUrl, spawnCli } from '../support/cli-process.js';

/** The options a table of serve's options documents (the docs', as generated): each flag and its variables. */
function documentedOptions(table: string): Array<{ flag: string; env: string[] }> {
  return table.split('\n').flatMap((row) => {
    const cells = /^\| `--([a-z-]+)[^`]*` \| ([^|]*) \|/.exec(row);
    return cells ? [{ flag: cells[1]!, env: [...cells[2]!.matchAll(/`([A-Z_]+)`/g)].map((name) => name[1]!) }] : [];
  });
}

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const children: Array<ReturnType<typeof spawnCli>> = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('alipay-sandbox', () => {
  it.each(['serve', 'keys', 'identities', 'verify-pacts', 'smoke', 'doctor'])('%s --help prints its usage and exits 0', (command) => {
    const run = runCli([command, '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`usage: alipay-sandbox ${command}`);
    expect(run.stderr).toBe('');
  });

  it('help COMMAND is the same as COMMAND --help', () => {
    expect(runCli(['help', 'keys']).stdout).toBe(runCli(['keys', '--help']).stdout);
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version']).stdout).toBe(`${version}\n`);
  });

  it('a bare command prints the list of commands and exits 1 without starting a server', () => {
    const run = runCli([]);
    expect(run.status).toBe(1);
    for (const command of ['serve', 'keys', 'identities', 'verify-pacts', 'smoke', 'doctor']) expect(run.stdout).toContain(`  ${command} `);
  });

  it('an unknown command is named, with the list of commands', () => {
    const run = runCli(['server']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown command "server"');
    expect(run.stderr).toContain('commands:');
  });

  it('--port 70000 is refused in words, not with Node\'s range error', () => {
    const run = runCli(['serve', '--port', '70000']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--port must be a port number from 0 to 65535, got 70000');
    expect(run.stderr).not.toContain('ERR_SOCKET_BAD_PORT');
  });

  it('a port in use is said so, with what to do', async () => {
    const first = spawnCli(['serve', '--port', '0', '--in-memory']);
    children.push(first);
    const port = new URL(await servedUrl(first)).port;
    const run = runCli(['serve', '--port', port, '--in-memory']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`port ${port} is already in use: choose another with --port (0 picks a free one)`);
  });
});

describe('serve settings, from flags or environment variables', () => {
  const env = {
    ALIPAY_SANDBOX_PORT: '9100',
    ALIPAY_SANDBOX_HOST: '127.0.0.2',
    ALIPAY_SANDBOX_DATA_DIR: '/tmp/sandbox-data',
    ALIPAY_SANDBOX_TIMESTAMP_WINDOW: '5',
    ALIPAY_SANDBOX_MAX_BODY_BYTES: '1024',
    ALIPAY_SANDBOX_SCENARIO: 'gateway-outage',
    ALIPAY_SANDBOX_JOURNAL_SIZE: '50',
    ALIPAY_SANDBOX_SIGNING_THREADS: '1',
    ALIPAY_SANDBOX_QUIET: 'true',
    ALIPAY_SANDBOX_RETENTION_DAYS: '90',
  };

  it('takes every option from its environment variable', () => {
    expect(serveSettings([], env)).toEqual({
      port: 9100,
      host: '127.0.0.2',
      adminHosts: [],
      adminToken: undefined,
      dataDir: '/tmp/sandbox-data',
      repairState: false,
      timestampWindowMinutes: 5,
      maxBodyBytes: 1024,
      bodyTimeoutSeconds: 30,
      scenario: 'gateway-outage',
      journalSize: 50,
      retentionDays: 90,
      signingThreads: 1,
      quiet: true,
      store: undefined,
      workers: 1,
    });
    expect(serveSettings([], { ALIPAY_SANDBOX_IN_MEMORY: '1' }).dataDir).toBeUndefined();
    expect(serveSettings([], { ALIPAY_SANDBOX_STORE: 'redis://redis.internal:6379/2', ALIPAY_SANDBOX_WORKERS: '3' })).toMatchObject({ store: 'redis://redis.internal:6379/2', workers: 3, dataDir: undefined });
    expect(serveSettings([], { ALIPAY_SANDBOX_REPAIR_STATE: 'yes' }).repairState).toBe(true);
  });

  it('has a variable for every option, and the flag wins over it', () => {
    const options = documentedOptions(serveOptionsMarkdown());
    expect(options.length).toBeGreaterThan(10);
    for (const option of options) expect(option.env.length, option.flag).toBeGreaterThan(0);
    expect(serveSettings(['--port', '9200', '--journal-size', '7', '--host', '::1'], env)).toMatchObject({ port: 9200, journalSize: 7, host: '::1' });
    expect(serveSettings(['--in-memory'], env).dataDir).toBeUndefined();
  });

  it('prefers ALIPAY_SANDBOX_PORT over PORT, and keeps the defaults otherwise', () => {
    expect(serveSettings([], { PORT: '9300', ALIPAY_SANDBOX_PORT: '9301' }).port).toBe(9301);
    expect(serveSettings([], { PORT: '9300' }).port).toBe(9300);
    expect(serveSettings([], {})).toEqual({ port: 8976, host: undefined, adminHosts: [], adminToken: undefined, dataDir: 'data', repairState: false, timestampWindowMinutes: 15, maxBodyBytes: 4194304, bodyTimeoutSeconds: 30, scenario: undefined, journalSize: 1000, retentionDays: 30, signingThreads: undefined, quiet: false, store: undefined, workers: 1 });
  });

  it('names the variable or the flag a bad value came by', () => {
    expect(() => serveSettings([], { ALIPAY_SANDBOX_PORT: '70000' })).toThrow(new UsageError('ALIPAY_SANDBOX_PORT must be a port number from 0 to 65535, got 70000'));
    expect(() => serveSettings([], { ALIPAY_SANDBOX_QUIET: 'maybe' })).toThrow(new UsageError('ALIPAY_SANDBOX_QUIET must be true or false, got "maybe"'));
    expect(() => serveSettings([], { ALIPAY_SANDBOX_JOURNAL_SIZE: '-1' })).toThrow(new UsageError('ALIPAY_SANDBOX_JOURNAL_SIZE must be a whole number, got "-1"'));
    expect(() => serveSettings(['--max-body-bytes', '1e3'], {})).toThrow(new UsageError('--max-body-bytes must be a whole number, got "1e3"'));
    expect(() => serveSettings(['--signing-threads', '1000'], {})).toThrow(new UsageError('--signing-threads must be at most 64, got 1000'));
  });

  it('refuses fewer than one worker, by flag or variable, instead of running one', () => {
    expect(() => serveSettings(['--workers', '0'], {})).toThrow(new UsageError('--workers must be at least 1, got 0'));
    expect(() => serveSettings([], { ALIPAY_SANDBOX_WORKERS: '0' })).toThrow(new UsageError('ALIPAY_SANDBOX_WORKERS must be at least 1, got 0'));
    expect(() => serveSettings(['--workers=-2'], {})).toThrow(new UsageError('--workers must be a whole number, got "-2"'));
    expect(() => serveSettings([], { ALIPAY_SANDBOX_WORKERS: '-1' })).toThrow(new UsageError('ALIPAY_SANDBOX_WORKERS must be a whole number, got "-1"'));
    expect(() => serveSettings(['--workers', 'all'], {})).toThrow(new UsageError('--workers must be a whole number, got "all"'));
    expect(() => serveSettings([], { ALIPAY_SANDBOX_WORKERS: 'two' })).toThrow(new UsageError('ALIPAY_SANDBOX_WORKERS must be a whole number, got "two"'));
    expect(serveSettings(['--workers', '1'], {}).workers).toBe(1);
  });

  it('serve --workers 0 exits 1 with the sentence and its usage', () => {
    const run = runCli(['serve', '--workers', '0', '--in-memory']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^--workers must be at least 1, got 0\n\nusage:/);
  });

  it('serve runs on environment variables alone', async () => {
    const child = spawnCli(['serve'], { env: { ...process.env, ALIPAY_SANDBOX_PORT: '0', ALIPAY_SANDBOX_IN_MEMORY: 'true', ALIPAY_SANDBOX_SCENARIO: 'gateway-outage', ALIPAY_SANDBOX_HOST: '127.0.0.1' } });
    children.push(child);
    const url = await servedUrl(child);
    const answer = await (await fetch(`${url}/__admin/scenario`)).json() as { name?: string };
    expect(JSON.stringify(answer)).toContain('outage');
  });

  it('the docs\' options table is what the table of options generates (run `npm run docs` when this fails)', () => {
    const page = readFileSync(join(ROOT, blockFileOf(SERVE_OPTIONS_TABLE_START)), 'utf8');
    const table = generatedBlock(page, SERVE_OPTIONS_TABLE_START, SERVE_OPTIONS_TABLE_END);
    expect(table).toBe(serveOptionsMarkdown());
    const flags = documentedOptions(table!).map((option) => option.flag);
    expect(flags).toEqual(expect.arrayContaining(['port', 'scenario', 'quiet']));
    const help = runCli(['serve', '--help']).stdout;
    for (const flag of flags) expect(help).toContain(`--${flag}`);
  });
});

describe('serve --quiet', () => {
  it('silences the request log but still reports a scenario file that breaks on reload', async () => {
    const file = join(dir, 'live.yaml');
    writeFileSync(file, 'rules: []\n');
    const child = spawnCli(['serve', '--port', '0', '--in-memory', '--quiet', '--scenario', file]);
    children.push(child);
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await servedUrl(child);
    writeFileSync(file, 'rules:\n  - outcome: { business_error: NOPE }\n');
    // The file is polled (watchFile); under a loaded machine a poll can come late, so wait up to 12 s.
    for (let i = 0; i < 240 && !output.includes('scenario not reloaded'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('scenario not reloaded: the file is broken');
    expect(output).toContain('rules[0].outcome.business_error');
  });
});
