/**
 * `npm test`'s last step, after the build: the vitest suite, the Pact contracts (consumer, then
 * provider) and the type check, side by side. Most of the suite and the contracts is waiting on
 * sockets, child processes and Chromium, so together they take about as long as the suite alone
 * (measured: 63 s beside 12 s of contracts, against 76 s one after the other); the type check's
 * four compilations (about 5 s one after another) run after the contracts, still beside the suite.
 * The suite writes to the terminal as it goes; the others' output is held and printed after it, so
 * that nothing interleaves.
 */
import { spawn } from 'node:child_process';
import { BUILT_FOR_THIS_RUN } from './support/build-once.js';

interface Finished {
  readonly code: number;
  readonly output: string;
}

function run(command: string, args: readonly string[], hold: boolean): Promise<Finished> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: hold ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, [BUILT_FOR_THIS_RUN]: '1', PACT_DO_NOT_TRACK: 'true' } });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => done({ code: code ?? (signal ? 1 : 0), output }));
  });
}

// The type check waits for the contracts: Pact's mock server, starved of CPU on a 2-core machine,
// now and then reports a request it answered as never received (seen with five busy loops beside it).
const contractsThenTypecheck = run('npm', ['run', 'test:contracts', '--silent'], true).then(async (contracts) => [contracts, await run('npm', ['run', 'typecheck', '--silent'], true)] as const);
const [suite, [contracts, typecheck]] = await Promise.all([run('npx', ['vitest', 'run'], false), contractsThenTypecheck]);
process.stdout.write(`\n--- Pact contracts (run beside the suite) ---\n${contracts.output}`);
process.stdout.write(`\n--- type check (tsc --noEmit of every project, beside the suite) ---\n${typecheck.output || 'no errors\n'}`);
if (suite.code !== 0) process.stderr.write(`the vitest suite failed (exit ${suite.code})\n`);
if (contracts.code !== 0) process.stderr.write(`the Pact contracts failed (exit ${contracts.code})\n`);
if (typecheck.code !== 0) process.stderr.write(`the type check failed (exit ${typecheck.code})\n`);
process.exitCode = suite.code || contracts.code || typecheck.code;
