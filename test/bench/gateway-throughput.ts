/**
 * `npm run bench`: how fast one sandbox process answers distinct, correctly signed gateway.do requests,
 * compared with how fast this machine can RSA-sign at all (every response costs one RSA-2048 signature)
 * and with a floor gateway that does only the protocol's cryptography (floor-gateway.ts).
 * Prints figures; asserts nothing. Loopback only, bounded in time. `npm run bench -- --records N`
 * instead times a restart on a data folder holding N certifications; `--redis` measures what a
 * request costs Redis alone (redis-load.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { testKeyPaths } from '../../fixtures/test-keys.js';
import { writeAllSync } from '../../mock-server/storage/durable-files.js';
import { jsonPieces } from '../../mock-server/storage/snapshot-layout.js';
import { allocationsPerCall, type AllocationProfile } from './engine-allocations.js';
import { benchRedis, capacityLines, measureRedisCapacity, redisLine, withRedisPerRequest, writeSample, type CapacityResult, type RedisPerRequest, type RedisProbe, type WriteSample } from './redis-load.js';
import { publicParams, signedRequest, type SignedRequest } from '../support/signed-request.js';

const DURATION_S = 10;
const CONNECTIONS = 16;
const POOL_SIZE = 2000;
const METHOD = 'alipay.user.certify.open.initialize';

/** RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on one thread, with a prepared KeyObject. */
function measureSignRate(): number {
  const key = createPrivateKey(readFileSync(testKeyPaths.alipayPrivateKey, 'utf8'));
  const content = Buffer.from('{"code":"10000","msg":"Success","certify_id":"44fd8b21da9c3e802cb55d5fe6bffc25"}');
  for (let i = 0; i < 200; i++) sign('sha256', content, key);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 2000) {
    sign('sha256', content, key);
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}

/** The package's bin, as `npx alipay-sandbox` runs it (npm run bench builds first): one bundle. */
const COMPILED_CLI = ['dist/bin/alipay-sandbox.js'];
/** The same compiled modules unbundled, one file each, as tsc writes them. */
const UNBUNDLED_CLI = ['dist/mock-server/cli/main.js'];
/** The sources through tsx, as `npm start` ran them before the package had a build. */
const SOURCE_CLI = ['--import', 'tsx', 'mock-server/cli/main.ts'];
const STARTUP_RUNS = 7;

/** In memory unless `extra` names a --data-dir or a --store. */
function spawnServe(cli: readonly string[], extra: readonly string[] = []): ChildProcess {
  const storage = extra.includes('--data-dir') || extra.includes('--store') ? [] : ['--in-memory'];
  return spawn(process.execPath, [...cli, 'serve', '--port', '0', '--quiet', ...storage, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /gateway\s+(http:\/\/\S+)\/gateway\.do/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code} before listening`)));
  });
}

/** test/bench/floor-gateway.ts: form, verify, sign and nothing else, on the sandbox's signing pool. */
async function startFloorGateway(signingThreads?: number): Promise<{ child: ChildProcess; url: string }> {
  const threads = signingThreads ? ['--signing-threads', String(signingThreads)] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/floor-gateway.ts', ...threads], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, url: await listeningUrl(child) };
}

/** Signing threads when --signing-threads is not given: one per core but one (the README's options table), at least one. */
const DEFAULT_SIGNING_THREADS = Math.max(1, availableParallelism() - 1);
/** `BENCH_SIGNING_THREADS=N`: the sandbox's --signing-threads in the runs (default: the pool's own). */
const BENCH_SIGNING_THREADS = process.env.BENCH_SIGNING_THREADS;
const SANDBOX_SIGNING_THREADS = Number(BENCH_SIGNING_THREADS) || DEFAULT_SIGNING_THREADS;

/** `pool` against a started server (sandbox or floor) with its CPU a request, then the server stopped. */
const loadOn = (server: { child: ChildProcess; url: string }, pool: SignedRequest[], signingThreads: number): Promise<LoadResult> =>
  measureLoad(server.url, pool, { server: { pid: server.child.pid!, signingThreads } }).finally(() => server.child.kill('SIGTERM'));

/** `serve` with `storage` options, and the bench's signing threads unless `signingThreads` says otherwise. */
async function startServer(storage: readonly string[] = [], signingThreads = BENCH_SIGNING_THREADS): Promise<{ child: ChildProcess; url: string }> {
  const extra = signingThreads ? ['--signing-threads', String(signingThreads)] : [];
  const child = spawnServe(COMPILED_CLI, [...extra, ...storage]);
  const url = await listeningUrl(child);
  const health = await fetch(`${url}/__admin/health`);
  if (!health.ok) throw new Error('health check failed');
  return { child, url };
}

interface StartTimes {
  /** Spawn to the first signed 10000 answer. */
  readonly firstAnswerMs: number;
  /** The first admin API request after it (it loads the admin app: Express, the console's routes). */
  readonly firstAdminMs: number;
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The medians of several starts of each CLI, taken in turns. */
async function startupMs(clis: readonly (readonly string[])[], request: SignedRequest): Promise<StartTimes[]> {
  const times = clis.map((): StartTimes[] => []);
  for (let run = 0; run < STARTUP_RUNS; run++) {
    for (const [index, cli] of clis.entries()) times[index]!.push(await oneStart(cli, request));
  }
  return times.map((each) => ({ firstAnswerMs: median(each.map((t) => t.firstAnswerMs)), firstAdminMs: median(each.map((t) => t.firstAdminMs)) }));
}

async function oneStart(cli: readonly string[], request: SignedRequest): Promise<StartTimes> {
  const started = performance.now();
  const child = spawnServe(cli);
  try {
    const url = await listeningUrl(child);
    const response = await fetch(url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body });
    const text = await response.text();
    if (!text.includes('"code":"10000"') || !text.includes('"sign"')) throw new Error(`the first answer is not a signed 10000: ${text}`);
    const firstAnswerMs = performance.now() - started;
    const adminStarted = performance.now();
    if (!(await fetch(`${url}/__admin/health`)).ok) throw new Error('the first admin request failed');
    return { firstAnswerMs, firstAdminMs: performance.now() - adminStarted };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Distinct requests, each starting a certification: with a data dir, every one is a durable write. */
function requestPool(size = POOL_SIZE): SignedRequest[] {
  return Array.from({ length: size }, (_, i) =>
    signedRequest({
      ...publicParams(METHOD),
      biz_content: JSON.stringify({
        outer_order_no: `BENCH${String(i).padStart(8, '0')}`,
        biz_code: 'FACE',
        identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' }),
        merchant_config: JSON.stringify({ return_url: 'https://merchant.example/return' }),
      }),
    }),
  );
}

interface LoadResult {
  tool: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Where the CPU went, per request (Linux, wrk runs only). */
  cpu?: CpuPerRequest;
  /** What Redis did a request (replica runs with wrk). */
  redis?: RedisPerRequest;
}

/** A server under load: its process, and how many of its threads sign. */
interface LoadedServer {
  readonly pid: number;
  readonly signingThreads: number;
}

interface CpuPerRequest {
  readonly mainUs: number;
  /** The server's busiest threads but the main one, as many as it has signing threads. */
  readonly signingUs: number;
  /** Its other threads: V8's (garbage collection, compiling) and libuv's. */
  readonly otherUs: number;
  /** Every process on the machine, wrk and the kernel included. */
  readonly machineUs: number;
  readonly idlePercent: number;
}

/** /proc counts CPU time in clock ticks of 1/100 s (USER_HZ, the same on every Linux). */
const CLOCK_TICK_US = 10_000;

/** CPU time in µs of each thread of a process (from /proc; empty where there is none). */
function threadCpuUs(pid: number): Map<string, number> {
  const ticks = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US);
    }
  } catch {
    // Not Linux, or a thread that ended between the listing and its read.
  }
  return ticks;
}

/** The machine's busy and total CPU time in µs, from /proc/stat. */
function machineCpuUs(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0) * CLOCK_TICK_US;
    // idle and iowait
    return { busy: total - (fields[3]! + fields[4]!) * CLOCK_TICK_US, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Runs `load` and divides the CPU each thread of `server` (and the machine) used by the requests answered. */
function withCpuPerRequest(server: LoadedServer, load: () => LoadResult, seconds: number): LoadResult {
  const threadsBefore = threadCpuUs(server.pid);
  const machineBefore = machineCpuUs();
  const result = load();
  const threadsAfter = threadCpuUs(server.pid);
  const machineAfter = machineCpuUs();
  const requests = result.requestsPerSecond * seconds;
  if (threadsAfter.size === 0 || requests === 0) return result;
  const used = (tid: string) => (threadsAfter.get(tid) ?? 0) - (threadsBefore.get(tid) ?? 0);
  const others = [...threadsAfter.keys()].filter((tid) => tid !== String(server.pid)).map(used).sort((a, b) => b - a);
  const signing = others.slice(0, server.signingThreads).reduce((sum, us) => sum + us, 0);
  const rest = others.slice(server.signingThreads).reduce((sum, us) => sum + us, 0);
  const total = machineAfter.total - machineBefore.total;
  return {
    ...result,
    cpu: {
      mainUs: used(String(server.pid)) / requests,
      signingUs: signing / requests,
      otherUs: rest / requests,
      machineUs: (machineAfter.busy - machineBefore.busy) / requests,
      idlePercent: total > 0 ? (100 * (total - (machineAfter.busy - machineBefore.busy))) / total : 0,
    },
  };
}

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** wrk, where installed: it costs the machine less than autocannon, leaving more for the server. */
function runWrk(url: string, pool: SignedRequest[], connections = CONNECTIONS): LoadResult {
  return wrkResult(spawnSync('wrk', wrkArgs(url, pool, connections), { encoding: 'utf8' }));
}

/** The same, without blocking this process (so that a prober can run beside it). */
function runWrkAsync(url: string, pool: SignedRequest[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', wrkArgs(url, pool), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        resolve(wrkResult({ stdout, stderr }));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Each pool's wrk script, written once: writing the script of a 40,000-request pool held this process for 200-560 ms
 * (measured with an event-loop monitor), and a probe that was under way then measured that, not the
 * sandbox.
 */
const wrkScripts = new WeakMap<SignedRequest[], string>();

/** wrk's arguments, with a script that sends the pool's requests in turn across all connections. */
function wrkArgs(url: string, pool: SignedRequest[], connections = CONNECTIONS): string[] {
  const script = wrkScripts.get(pool) ?? writeWrkScript(pool);
  wrkScripts.set(pool, script);
  return ['-t1', `-c${connections}`, `-d${DURATION_S}s`, '--latency', '-s', script, url];
}

function writeWrkScript(pool: SignedRequest[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-bench-'));
  const script = join(dir, 'pool.lua');
  const entries = pool.map((r) => `{${JSON.stringify(r.path)}, ${JSON.stringify(r.body)}}`).join(',\n');
  writeFileSync(
    script,
    `local pool = {\n${entries}\n}
-- Each request formatted once, before the load (in init, once wrk knows the Host header): formatting
-- it per request cost wrk 10-14 of its 61-73 µs per request, CPU taken from the sandbox on the same cores.
local formatted = {}
init = function(args)
  for i, r in ipairs(pool) do
    formatted[i] = wrk.format("POST", r[1], {["Content-Type"] = "application/x-www-form-urlencoded"}, r[2])
  end
end
local n = 0
request = function()
  n = n + 1
  return formatted[(n % #formatted) + 1]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`,
  );
  return script;
}

function wrkResult(out: { stdout: string; stderr: string }): LoadResult {
  const match = /RESULT (\S+) (\S+) (\S+) (\d+) (\d+)/.exec(out.stdout);
  if (!match) throw new Error(`wrk printed no result:\n${out.stdout}\n${out.stderr}`);
  const [, rps, p50, p99, non2xx, errors] = match;
  return { tool: 'wrk', requestsPerSecond: Number(rps), p50Ms: Number(p50), p99Ms: Number(p99), non2xx: Number(non2xx), errors: Number(errors) };
}

async function runAutocannon(url: string, pool: SignedRequest[]): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: pool.map((r) => ({
      method: 'POST' as const,
      path: r.path,
      body: r.body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })),
  });
  return {
    tool: 'autocannon',
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * The engine alone, in this process: the compiled sandbox core (dist/, as shipped) answering distinct
 * requests without HTTP, and with a signer that hands back a fixed signature, so that what it prints
 * is the engine's own CPU a request (request verify included), free of the sockets' and the load
 * generator's noise: the figure to watch when changing the engine. Then, on requests it has not seen,
 * the heap it allocates a request (engine-allocations.ts), a figure the machine's noise hardly moves.
 */
async function measureEngineAlone(pool: readonly SignedRequest[]): Promise<{ wallUs: number; cpuUs: number; allocations: AllocationProfile }> {
  const compiled = pathToFileURL(join(import.meta.dirname, '../../dist/mock-server/sandbox-core.js')).href;
  const { createSandboxCore } = (await import(compiled)) as typeof import('../../mock-server/sandbox-core.js');
  const fixedSignature = 'A'.repeat(344);
  const core = await createSandboxCore({ inMemory: true, quiet: true, signer: { sign: async () => fixedSignature } });
  const requests = pool.map((r) => ({ httpMethod: 'POST', rawQuery: r.path.slice(r.path.indexOf('?') + 1), contentType: 'application/x-www-form-urlencoded', body: Buffer.from(r.body) }));
  const answer = async (request: (typeof requests)[number]) => {
    const answered = await core.engine.handle(request);
    if (answered.outcome.code !== '10000') throw new Error(`the engine refused a request of the pool: ${answered.outcome.subCode}`);
  };
  // A fifth to warm up, three fifths timed, a fifth sampled for allocations.
  const fifth = Math.floor(requests.length / 5);
  try {
    for (const request of requests.slice(0, fifth)) await answer(request);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const timed = requests.slice(fifth, 4 * fifth);
    for (const request of timed) await answer(request);
    const used = process.cpuUsage(cpu);
    const wallUs = ((performance.now() - started) * 1000) / timed.length;
    const sampled = requests.slice(4 * fifth);
    const allocations = await allocationsPerCall(sampled.length, (call) => answer(sampled[call]!));
    return { wallUs, cpuUs: (used.user + used.system) / timed.length, allocations };
  } finally {
    core.dispose();
  }
}

/** A benchmark of refusals would be meaningless: the pool must get 10000 Success answers. */
async function checkPoolSucceeds(url: string, pool: SignedRequest[]): Promise<void> {
  for (const request of [pool[0]!, pool[pool.length - 1]!]) {
    const response = await fetch(url + request.path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: request.body,
    });
    const text = await response.text();
    if (!text.includes('"code":"10000"')) throw new Error(`the request pool is refused: ${text}`);
  }
}

/** Alternating pairs of in-memory and data-dir runs: an odd number, so that the median is one of them. */
const DATA_DIR_PAIRS = 3;

/** Requests a writing run may send in its 10 s (about 3,000/s here): each one a new certification. */
const WRITING_POOL_SIZE = 40_000;

/** wrk (or autocannon) against `url`; with `server`, also the CPU its threads and the machine used a request. */
async function measureLoad(url: string, pool: SignedRequest[], { connections = CONNECTIONS, server, redis }: { connections?: number; server?: LoadedServer; redis?: RedisProbe } = {}): Promise<LoadResult> {
  await checkPoolSucceeds(url, pool);
  // Warm up the JIT and the connection pool before measuring.
  await autocannon({ url, connections: 4, duration: 2, requests: [{ method: 'POST', path: pool[0]!.path, body: pool[0]!.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }] });
  if (connections !== CONNECTIONS && !hasWrk()) throw new Error('more connections need wrk (apt-get install wrk)');
  if (!hasWrk()) return runAutocannon(url, pool);
  const wrk = () => runWrk(url, pool, connections);
  const load = redis ? () => withRedisPerRequest(redis, wrk, DURATION_S) : wrk;
  return server ? withCpuPerRequest(server, load, DURATION_S) : load();
}

function loadLines(label: string, load: LoadResult): string[] {
  return [
    `  ${label}`,
    `    requests/s                     ${load.requestsPerSecond.toFixed(0)}`,
    `    latency p50 / p99              ${load.p50Ms.toFixed(2)} / ${load.p99Ms.toFixed(2)} ms`,
    `    non-2xx / errors               ${load.non2xx} / ${load.errors}`,
    ...(load.cpu
      ? [
          `    CPU a request (/proc)          main thread ${load.cpu.mainUs.toFixed(0)} µs, signing ${load.cpu.signingUs.toFixed(0)} µs, other threads ${load.cpu.otherUs.toFixed(0)} µs;` +
            ` machine ${load.cpu.machineUs.toFixed(0)} µs (wrk and the kernel included), ${load.cpu.idlePercent.toFixed(0)}% idle`,
        ]
      : []),
  ];
}

/**
 * When the sandbox compacts, as the README's State section documents it: every 10,000 changes, or in
 * a larger state once the log holds a change per ten records. The store keeps its thresholds to itself,
 * so the bench sizes its folder by the documented figures (a change to them is a README change too).
 */
const COMPACT_AFTER = 10_000;
const RECORDS_PER_LOGGED_CHANGE = 10;

/**
 * The change-log lines a `records`-sized folder starts with: near the length at which the sandbox
 * compacts (10,000 changes, or one per ten records past 100,000), so that the restart replays about
 * the longest log a running sandbox leaves, and the probed load brings a compaction of the whole
 * state within its first seconds.
 */
const loggedChanges = (records: number) => Math.max(COMPACT_AFTER - 4_000, Math.floor(records / RECORDS_PER_LOGGED_CHANGE) - 1_000);

/** A data folder holding `records` certifications in its snapshot and loggedChanges(records) in its log, as a long-running sandbox leaves it. */
function bigDataDir(records: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-bench-state-'));
  const now = Date.now();
  const certification = (i: number) => ({
    kind: 'certify-open', id: `c${String(i).padStart(31, '0')}`, app_id: '2021000000000001', order_no: `ORDER${i}`, biz_code: 'FACE',
    identity: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' }, return_url: 'https://merchant.example/return',
    created_at_ms: now, expires_at_ms: now + 23 * 3600_000, status: 'INIT',
  });
  // Each record made as it is written, a line at a time: a million records (or one 350 MB string)
  // left as garbage here would be collected in this process during the probes, one of which then
  // measured this process's pause (about 450 ms), not the sandbox.
  const certifications = { *jsonLines() { for (let i = 0; i < records; i++) yield JSON.stringify(certification(i)); } };
  // As the sandbox writes its snapshot (a line per record), so that this is the restart after a compaction.
  writeLines(join(dir, 'state.json'), jsonPieces({ version: 1, people: [], authorizations: [], certifications, material_certifications: [], records: {} }));
  // Half the log updates records the snapshot has, half adds new ones: both paths of the replay.
  writeLines(join(dir, 'state.changes.jsonl'), (function* () {
    for (let i = 0; i < loggedChanges(records); i++) yield `${JSON.stringify({ certification: { ...certification(i % 2 ? i : records + i), status: i % 2 ? 'PASSED' : 'INIT' } })}\n`;
  })());
  return dir;
}

/** Writes text pieces to a file through one buffer, never holding the whole text. */
function writeLines(path: string, pieces: Iterable<string | Uint8Array>): void {
  const fd = openSync(path, 'w');
  try {
    let chunk: Array<string | Uint8Array> = [];
    let size = 0;
    const flush = () => {
      writeAllSync(fd, Buffer.concat(chunk.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))));
      chunk = [];
      size = 0;
    };
    for (const piece of pieces) {
      chunk.push(piece);
      size += piece.length;
      if (size > 1 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

const PROBED_WRITES = 40_001;
/** How many 10 s rounds of load `--records` runs at most while it waits for the compaction's snapshot. */
const MAX_PROBED_ROUNDS = 6;
const PROBE_INTERVAL_MS = 50;
let probing = true;

/** A signed call every 50 ms while `going()`: how slow the slowest answer was (a stall shows here). */
async function probeWhile(url: string, going: () => boolean): Promise<{ count: number; maxMs: number; over: number; failures: string[] }> {
  const probe = signedRequest({ ...publicParams('alipay.security.risk.verifyidentity.apply'), biz_content: JSON.stringify({ biz_id: 'probe', account_id: '330102198807312189', validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}', scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient' }) });
  const times: number[] = [];
  const failures: string[] = [];
  while (going()) {
    const started = performance.now();
    try {
      await (await fetch(url + probe.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: probe.body })).text();
    } catch (error) {
      failures.push((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
    }
    const ms = performance.now() - started;
    times.push(ms);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, PROBE_INTERVAL_MS - ms)));
  }
  return { count: times.length, maxMs: Math.max(...times), over: times.filter((t) => t > PROBE_INTERVAL_MS).length, failures };
}

/** `--records N`: spawn to the first signed answer on a data folder of that size, and the process's RSS then. */
async function measureRestart(records: number): Promise<void> {
  const built = performance.now();
  const dir = bigDataDir(records);
  const buildMs = performance.now() - built;
  // Signed before the sandbox starts: signing 40,000 requests here takes long enough for an idle
  // keep-alive connection to the sandbox to be closed under the prober's first call.
  const [request, ...writes] = requestPool(PROBED_WRITES);
  if (!request) throw new Error('no requests');
  // Its wrk script too, before any probe runs (see wrkScripts).
  wrkScripts.set(writes, writeWrkScript(writes));
  try {
    const started = performance.now();
    const child = spawnServe(COMPILED_CLI, ['--data-dir', dir]);
    child.once('exit', (code, signal) => { if (signal !== 'SIGKILL') process.stdout.write(`  the sandbox exited: ${code ?? signal}\n`); });
    try {
      const url = await listeningUrl(child);
      const text = await (await fetch(url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body })).text();
      const restartMs = performance.now() - started;
      if (!text.includes('"code":"10000"')) throw new Error(`the first answer is not 10000: ${text}`);
      const health = (await (await fetch(`${url}/__admin/health`)).json()) as { memory: { rss_bytes: number } };
      const snapshotBefore = statSync(join(dir, 'state.json')).mtimeMs;
      // Writes new certifications, probed meanwhile: the log starts near its compaction length, so the
      // whole state is written out during the load. The load goes on, 10 s at a time, until that
      // snapshot is on disk (it is written in slices between answers, so it takes longer under load).
      // wrk sends the pool in turn across its connections, so every request is a new certification
      // (autocannon would send the same sequence on each connection: mostly repeats).
      if (!hasWrk()) throw new Error('--records needs wrk (apt-get install wrk)');
      const rewritten = () => statSync(join(dir, 'state.json')).mtimeMs !== snapshotBefore;
      const loads: LoadResult[] = [];
      const loading = async () => {
        do loads.push(await runWrkAsync(url, writes));
        while (!rewritten() && loads.length < MAX_PROBED_ROUNDS);
      };
      const [, probe] = await Promise.all([loading().finally(() => (probing = false)), probeWhile(url, () => probing)]);
      const load = { requestsPerSecond: loads.reduce((sum, l) => sum + l.requestsPerSecond, 0) / loads.length, p99Ms: Math.max(...loads.map((l) => l.p99Ms)), non2xx: loads.reduce((sum, l) => sum + l.non2xx, 0) };
      const served = (await (await fetch(`${url}/__admin/requests/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: METHOD, code: '10000' }) })).json()) as { count: number };
      const others = (await (await fetch(`${url}/__admin/requests/find`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: METHOD, code: { regex: '^(?:[^1]|1[^0])' } }) })).json()) as { requests: Array<{ response: { sub_code?: string; detail?: string } }> };
      if (others.requests.length) process.stdout.write(`  not 10000: ${JSON.stringify(others.requests.slice(0, 2).map((r) => r.response))}\n`);
      const logLines = readFileSync(join(dir, 'state.changes.jsonl'), 'utf8').split('\n').filter(Boolean).length;
      const lines = [
        `restart on a data folder: ${records} certifications in state.json, ${loggedChanges(records)} changes in the log (built in ${buildMs.toFixed(0)} ms)`,
        `  spawn to first signed 10000      ${restartMs.toFixed(0)} ms`,
        `  RSS after the first answer       ${(health.memory.rss_bytes / 2 ** 20).toFixed(0)} MiB`,
        `  ${loads.length * DURATION_S} s of new certifications (a pool of ${writes.length}), ${CONNECTIONS} connections: ${load.requestsPerSecond.toFixed(0)} requests/s, p99 ${load.p99Ms.toFixed(1)} ms (the worst ${DURATION_S} s), non-2xx ${load.non2xx}, ${served.count} of the journal's last 1000 answered 10000`,
        `  the log holds ${logLines} lines after; the snapshot was ${rewritten() ? '' : 'not '}rewritten meanwhile (every 10,000 changes, or one per ten records when more)`,
        `  prober every ${PROBE_INTERVAL_MS} ms meanwhile    ${probe.count} probes, slowest ${probe.maxMs.toFixed(0)} ms, ${probe.over} over ${PROBE_INTERVAL_MS} ms, ${probe.failures.length} failed${probe.failures.length ? ` (${[...new Set(probe.failures)].join('; ')})` : ''}`,
        `  load average                     ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The start-up lines: spawn to the first signed answer, and the first admin request after it, for each CLI. */
async function startupLines(request: SignedRequest): Promise<string[]> {
  const [compiledStartup, unbundledStartup, sourceStartup] = await startupMs([COMPILED_CLI, UNBUNDLED_CLI, SOURCE_CLI], request);
  return [
    `  spawn to first signed 10000      ${compiledStartup!.firstAnswerMs.toFixed(0)} ms the bin (bundled), ${unbundledStartup!.firstAnswerMs.toFixed(0)} ms unbundled, ${sourceStartup!.firstAnswerMs.toFixed(0)} ms sources through tsx (medians of ${STARTUP_RUNS}, in turns)`,
    `  then the first admin request     ${compiledStartup!.firstAdminMs.toFixed(0)} ms the bin, ${unbundledStartup!.firstAdminMs.toFixed(0)} ms unbundled (it loads the admin app)`,
  ];
}

/** `--startup`: the start-up lines alone, and the load average they were taken at. */
async function measureStartup(): Promise<void> {
  const lines = ['start-up of serve --in-memory', ...(await startupLines(requestPool(1)[0]!)), `  load average                     ${loadavg().map((l) => l.toFixed(2)).join(' ')}`];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const pool = requestPool();
  const startup = await startupLines(pool[0]!);
  // Made before the load, so that signing the pool does not compete with the server.
  const writingPool = requestPool(WRITING_POOL_SIZE).slice(POOL_SIZE);
  const engineAlone = await measureEngineAlone(writingPool.slice(0, 20_000));
  // The machine's speed drifts by a fifth within a run, so each ratio to the sign rate takes the
  // rates measured just before and just after its own load.
  const signRates = [measureSignRate()];
  const signRateAround = async (load: Promise<LoadResult>): Promise<{ load: LoadResult; signRate: number }> => {
    const result = await load;
    signRates.push(measureSignRate());
    return { load: result, signRate: (signRates.at(-2)! + signRates.at(-1)!) / 2 };
  };
  const inMemory = await startServer();
  const memory = await signRateAround(loadOn(inMemory, pool, SANDBOX_SIGNING_THREADS));
  // The sandbox with a signing thread per core, as the floor below: whether its main thread is lean
  // enough yet for a second thread to pay (the README's "what keeps them from filling").
  const coreThreads = availableParallelism();
  const wideSandbox = coreThreads > SANDBOX_SIGNING_THREADS ? await startServer([], String(coreThreads)) : undefined;
  const wideMemory = wideSandbox && (await signRateAround(loadOn(wideSandbox, pool, coreThreads)));
  // The same requests to a gateway that only decodes, verifies and signs: what the cryptography leaves.
  const floorGateway = await startFloorGateway();
  const floor = await signRateAround(loadOn(floorGateway, pool, DEFAULT_SIGNING_THREADS));
  // With a signing thread per core: what a main thread as lean as the floor's would leave room for
  // (the sandbox's own main thread is too busy for a second signing thread to pay; see the README).
  const wideFloorGateway = await startFloorGateway(coreThreads);
  const wideFloor = await signRateAround(loadOn(wideFloorGateway, pool, coreThreads));
  // The same new certifications in memory and with a data dir, in alternating pairs: what the data
  // dir adds, apart from creating records, each pair at about the same speed of the machine.
  const pairs: { memory: LoadResult; disk: LoadResult }[] = [];
  for (let pair = 0; pair < DATA_DIR_PAIRS; pair++) {
    const memoryWrites = await loadOn(await startServer(), writingPool, SANDBOX_SIGNING_THREADS);
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-bench-data-'));
    const disk = await loadOn(await startServer(['--data-dir', dataDir]), writingPool, SANDBOX_SIGNING_THREADS);
    rmSync(dataDir, { recursive: true, force: true });
    pairs.push({ memory: memoryWrites, disk });
  }
  const diskRatios = pairs.map(({ memory: inMemoryRun, disk }) => disk.requestsPerSecond / inMemoryRun.requestsPerSecond);
  const ratio = (run: { load: LoadResult; signRate: number }) => (run.load.requestsPerSecond / run.signRate).toFixed(2);
  const lines = [
    `gateway.do benchmark: ${METHOD}, distinct signed requests, ${CONNECTIONS} connections, ${DURATION_S} s each, ${memory.load.tool}`,
    ...startup,
    `  the engine alone, per request    ${engineAlone.wallUs.toFixed(0)} µs (${engineAlone.cpuUs.toFixed(0)} µs of CPU): no HTTP, a fixed signature, request verify included`,
    `    heap allocated a request       ${kib(engineAlone.allocations.bytesPerCall)} KiB; most in ${engineAlone.allocations.top.map((t) => `${t.site} ${kib(t.bytesPerCall)}`).join(', ')}`,
    ...loadLines(`in memory (${POOL_SIZE} requests, repeated)`, memory.load),
    ...(wideMemory ? loadLines(`in memory with ${coreThreads} signing threads (one per core)`, wideMemory.load) : []),
    ...loadLines(`floor: form, request verify, sign only (test/bench/floor-gateway.ts, ${POOL_SIZE} requests)`, floor.load),
    ...loadLines(`floor with ${coreThreads} signing threads (one per core)`, wideFloor.load),
    ...loadLines(`in memory, every request a new certification (first of ${DATA_DIR_PAIRS} pairs)`, pairs[0]!.memory),
    ...loadLines(`with a data dir, every request a new certification (fsynced per batch; first pair)`, pairs[0]!.disk),
    `  RSA-2048 signs/s, one thread     ${signRates.map((rate) => rate.toFixed(0)).join(', ')} (between the runs above, in order)`,
    `  ratio in memory ÷ signs/s        ${ratio(memory)}${wideMemory ? `; with ${coreThreads} signing threads ${ratio(wideMemory)}` : ''}`,
    `  ratio floor ÷ signs/s            ${ratio(floor)} (in memory ÷ floor ${(memory.load.requestsPerSecond / floor.load.requestsPerSecond).toFixed(2)}); with ${coreThreads} signing threads ${ratio(wideFloor)}`,
    `  ratio data dir ÷ in memory       ${median(diskRatios).toFixed(2)} with the same new certifications (median of pairs ${diskRatios.map((r) => r.toFixed(2)).join(', ')})`,
    `  load average                     ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Connections of the replica runs beyond the usual 16: replicas wait on Redis, so more requests in flight hide it. */
const MANY_CONNECTIONS = 64;

/** `--workers N`: throughput with 1 to N processes on one Redis, against the one-core sign rate of the same run. */
async function measureReplicas(workers: number, store: string | undefined): Promise<void> {
  const pool = requestPool();
  const writingPool = requestPool(WRITING_POOL_SIZE).slice(POOL_SIZE);
  const redis = await benchRedis(store);
  const runs = [
    { label: 'repeated', requests: pool, connections: CONNECTIONS },
    { label: 'new certifications', requests: writingPool, connections: CONNECTIONS },
    { label: 'repeated', requests: pool, connections: MANY_CONNECTIONS },
  ];
  const signRateBefore = measureSignRate();
  const results: { workers: number; label: string; connections: number; load: LoadResult }[] = [];
  let sample: WriteSample | undefined;
  let capacity: CapacityResult[] | undefined;
  try {
    for (let count = 1; count <= workers; count++) {
      for (const { label, requests, connections } of runs) {
        redis.probe('FLUSHDB');
        const server = await startServer(['--store', redis.url, '--workers', String(count)]);
        const load = await measureLoad(server.url, requests, { connections, redis: redis.probe }).finally(() => server.child.kill('SIGTERM'));
        await new Promise((done) => server.child.once('exit', done));
        results.push({ workers: count, label, connections, load });
        if (requests === writingPool) sample ??= await writeSample(redis.url);
      }
    }
    redis.probe('FLUSHDB');
    if (sample) capacity = await measureRedisCapacity(redis.url, redis.probe, sample);
  } finally {
    await redis.stop();
  }
  const signRate = (signRateBefore + measureSignRate()) / 2;
  const lines = [
    `replicas on one Redis (${store ?? 'a redis-server of its own, appendonly yes, appendfsync always'}): ${METHOD}, distinct signed requests, ${DURATION_S} s each`,
    ...results.flatMap(({ workers: count, label, connections, load }) => [
      `  ${count} worker${count > 1 ? 's' : ' '}  ${`${label}, ${connections} connections`.padEnd(34)} ${load.requestsPerSecond.toFixed(0).padStart(5)} req/s  p99 ${load.p99Ms.toFixed(1).padStart(5)} ms  ÷ signs/s ${(load.requestsPerSecond / signRate).toFixed(2)}  non-2xx ${load.non2xx}`,
      ...(load.redis ? [redisLine(load.redis, load.requestsPerSecond)] : []),
    ]),
    ...(capacity ? capacityLines(capacity) : []),
    `  RSA-2048 signs/s, one thread     ${signRate.toFixed(0)}`,
    `  load average                     ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `--redis`: the capacity run alone (Redis driven directly, per batch size), its sample taken from a
 * few new certifications a replica answers first: Redis's cost a request in seconds, not minutes.
 */
async function measureRedisAlone(store: string | undefined): Promise<void> {
  const redis = await benchRedis(store);
  let capacity: CapacityResult[] | undefined;
  try {
    redis.probe('FLUSHDB');
    const server = await startServer(['--store', redis.url]);
    try {
      for (const { path, body } of requestPool(SAMPLE_REQUESTS)) {
        await (await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).text();
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((done) => server.child.once('exit', done));
    }
    const sample = await writeSample(redis.url);
    if (!sample) throw new Error('the replica left no certification and journal entry in Redis');
    redis.probe('FLUSHDB');
    capacity = await measureRedisCapacity(redis.url, redis.probe, sample);
  } finally {
    await redis.stop();
  }
  const lines = [`Redis alone (${store ?? 'a redis-server of its own, appendonly yes, appendfsync always'})`, ...capacityLines(capacity), `  load average                     ${loadavg().map((l) => l.toFixed(2)).join(' ')}`];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** New certifications a replica answers before `--redis`'s capacity run, which copies the last one. */
const SAMPLE_REQUESTS = 20;

const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? '') : undefined;
};
const records = option('--records');
const workers = option('--workers');
if (records !== undefined) await measureRestart(Number(records || 100_000));
else if (workers !== undefined) await measureReplicas(Math.max(1, Number(workers) || 2), option('--store'));
else if (process.argv.includes('--redis')) await measureRedisAlone(option('--store'));
else if (process.argv.includes('--startup')) await measureStartup();
else await main();
