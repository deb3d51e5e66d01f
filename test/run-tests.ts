/**
 * `npm test`'s last step, after the build and the type check: the vitest suite and the Pact
 * contracts (consumer, then provider) side by side. Most of both is waiting on sockets, child
 * processes and Chromium, so together they take about as long as the suite alone (measured: 63 s
 * beside 12 s of contracts, against 76 s one after the other). The suite writes to the terminal as
 * it goes; the contracts' output is held and printed after it, so that the two never interleave.
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

const [suite, contracts] = await Promise.all([run('npx', ['vitest', 'run'], false), run('npm', ['run', 'test:contracts', '--silent'], true)]);
process.stdout.write(`\n--- Pact contracts (run beside the suite) ---\n${contracts.output}`);
if (suite.code !== 0) process.stderr.write(`the vitest suite failed (exit ${suite.code})\n`);
if (contracts.code !== 0) process.stderr.write(`the Pact contracts failed (exit ${contracts.code})\n`);
process.exitCode = suite.code || contracts.code;
