/**
 * Fault injection with real file systems: a full disk (a small tmpfs), a read-only one (remounted ro),
 * a data folder removed under the running sandbox, and change logs corrupted in the middle or torn at
 * the end. Each counts what was acknowledged (10000) against what a restarted sandbox has: 0 lost.
 * Mounting needs root (CI runs as root); elsewhere the tmpfs cases are skipped, saying why. What a
 * crash would lose without a folder's fsync is shown by the order of the system calls (strace).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentities, type SyntheticIdentity } from '../../fixtures/identities/synthetic-identities.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { CorruptStateError } from '../../mock-server/storage/state-files.js';
import { cliArgs, ROOT, servedUrl } from '../support/cli-process.js';
import { nodeOf, postForm } from '../support/sandbox-fixture.js';
import { toolPath } from '../support/required-tools.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { childrenOf } from '../support/child-processes.js';

/** The failures are the point here: their log lines would only drown the test output. */
const silent = pino({ level: 'silent' });
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-faults-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A tmpfs of `size` at a fresh folder, or undefined where this user cannot mount. */
function tmpfs(size: string): string | undefined {
  const dir = temporaryDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  cleanups.push(() => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
  return dir;
}

const canMount = (() => {
  const probe = tmpfs('16k');
  return probe !== undefined;
})();
const mountNote = 'needs root to mount a tmpfs (CI runs as root)';

const applyBiz = (p: SyntheticIdentity) => ({ cert_no: p.cert_no, cert_type: 'IDENTITY_CARD', name: p.name, mobile: p.mobile });
const authqueryBiz = (p: SyntheticIdentity) => ({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: p.name, certNo: p.cert_no }) });

async function grant(sandbox: RunningSandbox, person: SyntheticIdentity): Promise<string> {
  const node = nodeOf(await postForm(sandbox, signedRequest({ ...publicParams('alipay.user.auth.zhimaper.inner.apply'), biz_content: JSON.stringify(applyBiz(person)) })));
  return node.code === '10000' ? '10000' : `${node.code} ${node.sub_code}`;
}

async function isAuthorized(sandbox: RunningSandbox, person: SyntheticIdentity): Promise<boolean> {
  const node = nodeOf(await postForm(sandbox, signedRequest({ ...publicParams('zhima.auth.info.authquery'), biz_content: JSON.stringify(authqueryBiz(person)) })));
  return (node as Record<string, unknown>).authorized === true;
}

/** The acknowledged people a sandbox restarted on `dir` does not know as authorized. */
async function lostAfterRestart(dir: string, acknowledged: readonly SyntheticIdentity[]): Promise<SyntheticIdentity[]> {
  const restarted = await startSandbox({ port: 0, logger: silent, dataDir: dir });
  try {
    const lost: SyntheticIdentity[] = [];
    for (const person of acknowledged) if (!(await isAuthorized(restarted, person))) lost.push(person);
    return lost;
  } finally {
    await restarted.close();
  }
}

/** Fills a file system to the last byte. */
/** A sandbox on `dir` granting people while a fault happens, and what it acknowledged. */
interface GrantRun {
  readonly sandbox: RunningSandbox;
  readonly people: readonly SyntheticIdentity[];
  /** Grants each person once, keeping those answered 10000; answers in order. */
  grantAll(people: readonly SyntheticIdentity[]): Promise<string[]>;
  readonly acknowledged: readonly SyntheticIdentity[];
}

/**
 * Runs `faults` against a sandbox on `dir` (`count` people drawn from `seed`), closes it, and answers
 * whom a restarted sandbox lost of those it acknowledged: a durable sandbox loses nobody.
 */
async function lostAcrossFaults(dir: string, seed: number, count: number, faults: (run: GrantRun) => Promise<void>): Promise<SyntheticIdentity[]> {
  const acknowledged: SyntheticIdentity[] = [];
  const sandbox = await startSandbox({ port: 0, logger: silent, dataDir: dir });
  const grantAll = async (people: readonly SyntheticIdentity[]) => {
    const answers: string[] = [];
    for (const person of people) {
      const answer = await grant(sandbox, person);
      answers.push(answer);
      if (answer === '10000') acknowledged.push(person);
    }
    return answers;
  };
  try {
    await faults({ sandbox, people: generateIdentities({ seed, count }), grantAll, acknowledged });
  } finally {
    await sandbox.close();
  }
  return lostAfterRestart(dir, acknowledged);
}

function fill(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    try {
      for (;;) writeSync(fd, chunk.subarray(0, 1));
    } catch {
      // Full.
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe.skipIf(!canMount)(`a full disk (${mountNote})`, () => {
  it('acknowledges no grant it could not write; the retries the sandbox asks for write them; 0 lost after a restart', async () => {
    const dir = tmpfs('512k')!;
    const lost = await lostAcrossFaults(dir, 21, 40, async ({ sandbox, people, grantAll, acknowledged }) => {
      await grantAll(people.slice(0, 10));
      expect(acknowledged).toHaveLength(10);

      const filler = fill(dir);
      // A change can still fit into the slack of a page the log already has, and is then durable and
      // acknowledged; from the first refusal on, nothing is, not even the retries the answers ask for.
      const whileFull = await grantAll(people.slice(10, 30));
      const firstRefusal = whileFull.findIndex((answer) => answer !== '10000');
      expect(firstRefusal).toBeGreaterThanOrEqual(0);
      expect(whileFull.slice(firstRefusal).filter((answer) => answer === '10000')).toEqual([]);
      expect(new Set(whileFull.slice(firstRefusal))).toEqual(new Set(['20000 aop.unknow-error']));
      const refused = people.slice(10 + firstRefusal, 30);
      for (const person of refused) expect(await grant(sandbox, person)).toBe('20000 aop.unknow-error');

      rmSync(filler);
      await grantAll([...refused, ...people.slice(30, 40)]);
      expect(acknowledged).toHaveLength(40);
    });
    expect(lost).toEqual([]);
  });

  it('refuses to start on a full disk, naming the folder and the reason', async () => {
    const dir = tmpfs('64k')!;
    fill(dir);
    await expect(startSandbox({ port: 0, logger: silent, dataDir: join(dir, 'data') })).rejects.toThrow(`the data folder ${join(dir, 'data')} cannot be written: no space is left on its device`);
  });
});

describe.skipIf(!canMount)(`a read-only data folder (${mountNote})`, () => {
  it('is refused at start with the folder and the reason', async () => {
    const dir = tmpfs('64k')!;
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    await expect(startSandbox({ port: 0, logger: silent, dataDir: dir })).rejects.toThrow(`the data folder ${dir} cannot be written: it is on a read-only file system`);
  });

  it('turning read-only under a running sandbox: nothing acknowledged, retries written once it is writable, 0 lost', async () => {
    const dir = tmpfs('1m')!;
    const lost = await lostAcrossFaults(dir, 22, 20, async ({ sandbox, people, grantAll, acknowledged }) => {
      await grantAll(people.slice(0, 5));
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      const whileReadOnly: string[] = [];
      for (const person of people.slice(5, 15)) whileReadOnly.push(await grant(sandbox, person), await grant(sandbox, person));
      expect(whileReadOnly.filter((answer) => answer === '10000')).toEqual([]);
      // An admin write is refused too, and not acknowledged.
      const registered = await fetch(`${sandbox.url}/__admin/identities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: people[19]!.name, cert_no: people[19]!.cert_no, mobile: people[19]!.mobile }) });
      expect(registered.status).toBe(503);
      expect(((await registered.json()) as { error: string }).error).toContain('it is on a read-only file system');
      execFileSync('mount', ['-o', 'remount,rw', dir]);
      await grantAll(people.slice(5, 20));
      expect(acknowledged).toHaveLength(20);
    });
    expect(lost).toEqual([]);
  });
});

describe('a data folder removed under the running sandbox', () => {
  it('is made again with everything the sandbox acknowledged: 0 lost after a restart', async () => {
    const dir = join(temporaryDir(), 'data');
    const lost = await lostAcrossFaults(dir, 23, 20, async ({ people, grantAll, acknowledged }) => {
      await grantAll(people.slice(0, 10));
      rmSync(dir, { recursive: true, force: true });
      await grantAll(people.slice(10));
      expect(acknowledged).toHaveLength(20);
      expect(existsSync(join(dir, 'state.json'))).toBe(true);
    });
    expect(lost).toEqual([]);
  });
});

describe.skipIf(process.getuid?.() !== 0)('a data folder the user may not write (needs root, to run serve as nobody)', () => {
  it('is refused at start: permission denied', () => {
    const dir = temporaryDir();
    chmodSync(dir, 0o755);
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/bin/alipay-sandbox.js'), 'serve', '--port', '0', '--data-dir', join(dir, 'data')], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`alipay-sandbox: the data folder ${join(dir, 'data')} cannot be written: permission denied\n`);
  });
});

describe('a data folder that cannot be a folder', () => {
  it('is refused at start, saying so', async () => {
    const file = join(temporaryDir(), 'not-a-folder');
    writeFileSync(file, 'a file\n');
    await expect(startSandbox({ port: 0, logger: silent, dataDir: join(file, 'data') })).rejects.toThrow(`the data folder ${join(file, 'data')} cannot be written: it is not a folder`);
  });
});

describe('a corrupted change log', () => {
  async function logWithThreeGrants(): Promise<{ dir: string; people: SyntheticIdentity[]; log: string }> {
    const dir = join(temporaryDir(), 'data');
    const people = generateIdentities({ seed: 24, count: 3 });
    const sandbox = await startSandbox({ port: 0, logger: silent, dataDir: dir });
    try {
      for (const person of people) expect(await grant(sandbox, person)).toBe('10000');
    } finally {
      await sandbox.close();
    }
    return { dir, people, log: join(dir, 'state.changes.jsonl') };
  }

  it('a corrupt line before the end refuses the start, naming the file, the line and the way out', async () => {
    const { dir, log } = await logWithThreeGrants();
    const lines = readFileSync(log, 'utf8').split('\n');
    const grantLine = lines.findIndex((line) => line.includes('"grant"'));
    expect(grantLine).toBeLessThan(lines.length - 2);
    lines[grantLine] = lines[grantLine]!.replace('{"grant":', '{"grant":X');
    writeFileSync(log, lines.join('\n'));
    const started = startSandbox({ port: 0, logger: silent, dataDir: dir });
    await expect(started).rejects.toBeInstanceOf(CorruptStateError);
    await expect(startSandbox({ port: 0, logger: silent, dataDir: dir })).rejects.toThrow(`${log} line ${grantLine + 1} is corrupt`);
    await expect(startSandbox({ port: 0, logger: silent, dataDir: dir })).rejects.toThrow('--repair-state');
  });

  it('--repair-state truncates it there and keeps the whole file beside it', async () => {
    const { dir, people, log } = await logWithThreeGrants();
    const original = readFileSync(log, 'utf8');
    const lines = original.split('\n');
    const last = lines.map((line, i) => (line.includes('"grant"') ? i : -1)).filter((i) => i >= 0).at(-1)!;
    lines[last] = '{"grant": not json';
    writeFileSync(log, lines.join('\n'));
    const repaired = await startSandbox({ port: 0, logger: silent, dataDir: dir, repairState: true });
    try {
      expect(readFileSync(`${log}.corrupt`, 'utf8')).toBe(lines.join('\n'));
      expect(await isAuthorized(repaired, people[0]!)).toBe(true);
      expect(await isAuthorized(repaired, people[2]!)).toBe(false);
    } finally {
      await repaired.close();
    }
  });

  it('a torn last line (a crash mid-write, never acknowledged) is skipped without a word', async () => {
    const { dir, people, log } = await logWithThreeGrants();
    appendFileSync(log, '{"grant":{"app_id":"20210000000');
    const restarted = await startSandbox({ port: 0, logger: silent, dataDir: dir });
    try {
      for (const person of people) expect(await isAuthorized(restarted, person)).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});

describe('durable writes', () => {
  it('leave no temporary files behind and a snapshot that parses', async () => {
    const dir = join(temporaryDir(), 'data');
    const sandbox = await startSandbox({ port: 0, logger: silent, dataDir: dir });
    try {
      await sandbox.reset();
    } finally {
      await sandbox.close();
    }
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toMatchObject({ version: 1 });
    expect(execFileSync('ls', ['-a', dir], { encoding: 'utf8' }).split('\n').filter((name) => name.includes('.tmp') || name.includes('write-check'))).toEqual([]);
  });
});

/** One system call of an strace -f log, joined across "<unfinished ...>" and its "resumed" line. */
interface TracedCall {
  readonly name: string;
  readonly args: string;
  readonly result: string;
}

function tracedCalls(log: string): TracedCall[] {
  const calls: TracedCall[] = [];
  const started = new Map<string, string>();
  for (const line of log.split('\n')) {
    const unfinished = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished) {
      started.set(unfinished[1]!, unfinished[2]!);
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/.exec(line);
    const text = resumed ? `${started.get(resumed[1]!) ?? ''}${resumed[2]}` : line.replace(/^\d+\s+/, '');
    const call = /^(\w+)\((.*)\)\s+= (.*)$/.exec(text);
    if (call) calls.push({ name: call[1]!, args: call[2]!, result: call[3]! });
  }
  return calls;
}

describe('a new data folder, traced with strace', { tags: ['strace'] }, () => {
  it('has its folders, its change log and the log\'s folder entry fsynced before the first 10000', async () => {
    const parent = temporaryDir();
    const dataDir = join(parent, 'made', 'data');
    const log = join(parent, 'strace.log');
    const traced = spawn(toolPath('strace'), ['-f', '-qq', '-s', '400', '-e', 'trace=openat,fsync,fdatasync,writev', '-o', log, process.execPath, ...cliArgs(['serve', '--port', '0', '--quiet', '--data-dir', dataDir])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((done) => traced.once('exit', done));
    try {
      const url = await servedUrl(traced);
      const request = signedRequest({ ...publicParams('alipay.user.auth.zhimaper.inner.apply'), biz_content: JSON.stringify(applyBiz(generateIdentities({ seed: 77, count: 1 })[0]!)) });
      const answer = await fetch(url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body });
      expect(await answer.text()).toContain('"code":"10000"');
    } finally {
      // The sandbox is strace's child: stopping it ends the trace (stopping strace would only detach).
      for (const pid of childrenOf(traced.pid!)) process.kill(pid, 'SIGTERM');
      await exited;
    }
    const calls = tracedCalls(readFileSync(log, 'utf8'));
    const paths = new Map<string, string>();
    const synced: string[] = [];
    let answeredAfter: readonly string[] | undefined;
    for (const call of calls) {
      if (call.name === 'openat' && /^\d+$/.test(call.result)) paths.set(call.result, /"([^"]+)"/.exec(call.args)![1]!);
      if ((call.name === 'fsync' || call.name === 'fdatasync') && call.result === '0') synced.push(paths.get(call.args) ?? `fd ${call.args}`);
      if (call.name === 'writev' && call.args.includes('HTTP/1.1 200') && call.args.includes('10000') && !answeredAfter) answeredAfter = [...synced];
    }
    expect(answeredAfter, 'the answer was traced').toBeDefined();
    // What the sandbox made (made/, made/data/) is in its parent's entries; the log that the grant
    // started is on disk, and so is its entry in the data folder.
    expect(answeredAfter).toEqual(expect.arrayContaining([parent, join(parent, 'made'), join(dataDir, 'state.changes.jsonl'), dataDir]));
    expect(answeredAfter!.lastIndexOf(dataDir)).toBeGreaterThan(answeredAfter!.indexOf(join(dataDir, 'state.changes.jsonl')));
  });
});
