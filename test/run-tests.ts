/**
 * `npm test`: the build, then the vitest suite and the Pact contracts (consumer, then provider) side
 * by side; the type check runs from the start, beside the build. The build keeps one core busy (tsc,
 * then the bundles), the type check (four tsc compilations, about 5 s one after another) the other;
 * after the build, tests that spawn the compiled command line can start. Most of the suite and the
 * contracts is waiting on sockets, child processes and Chromium, so together they take about as long
 * as the suite alone (measured: 63 s beside 12 s of contracts, against 76 s one after the other).
 * (Pact's mock server, short of CPU beside the suite, can report an answered request as never
 * received: the consumer tests wait for it to record each match, see thenRecorded.)
 *
 * The suite writes to the terminal as it goes; the others' output is held so that nothing
 * interleaves, and the build's is printed only when it fails. What failed is printed last, because a CI log is read from its end: the suite's
 * failure report is repeated there, and the contracts' log (some 700 lines of Pact's verifier)
 * only appears when they fail.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BUILT_FOR_THIS_RUN } from './support/build-once.js';

interface Finished {
  readonly code: number;
  readonly output: string;
}

function run(command: string, args: readonly string[], echo: boolean): Promise<Finished> {
  return new Promise((done) => {
    const env = { ...process.env, [BUILT_FOR_THIS_RUN]: '1', PACT_DO_NOT_TRACK: 'true', ...(echo && process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const keep = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      if (echo) stream.write(chunk);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.once('exit', (code, signal) => done({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const FAILURE_REPORT = /(Failed Suites \d+|Failed Tests \d+|Unhandled Errors?)/;
const REPORT_LINES = 250;

/** Vitest's own failure report (failed suites, failed tests, unhandled errors), up to its summary. */
function failureReport(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => FAILURE_REPORT.test(line));
  if (start < 0) return output.split('\n').slice(-REPORT_LINES).join('\n');
  const report = lines.slice(start);
  return report.length > REPORT_LINES ? [...report.slice(0, REPORT_LINES), `… ${report.length - REPORT_LINES} more lines above`].join('\n') : report.join('\n');
}

/** The lines of a vitest run's summary: how many files and tests passed or failed. */
function summary(output: string): string {
  return output.split('\n').filter((line) => /^\s*(Test Files|Tests)\s/.test(line.replace(/\x1b\[[0-9;]*m/g, ''))).join('\n');
}

const typecheck = run('npm', ['run', 'typecheck', '--silent'], false);
const build = await run('npm', ['run', 'build', '--silent'], false);
if (build.code !== 0) {
  process.stderr.write(`${build.output}the build failed (exit ${build.code}): no test ran\n`);
  process.stdout.write(`\n--- type check (tsc --noEmit of every project, beside the build) ---\n${(await typecheck).output || 'no errors\n'}`);
  process.exit(build.code);
}
// vitest's own bin, not through npx (whose start costs half a second of CPU).
const VITEST = resolve(import.meta.dirname, '../node_modules/.bin/vitest');
const [suite, contracts] = await Promise.all([run(VITEST, ['run'], true), run('npm', ['run', 'test:contracts', '--silent'], false)]);

const contractsReport = contracts.code === 0 ? `${summary(contracts.output)}\n(their log is printed only when they fail)\n` : contracts.output;
process.stdout.write(`\n--- Pact contracts (run beside the suite) ---\n${contractsReport}`);
const typechecked = await typecheck;
process.stdout.write(`\n--- type check (tsc --noEmit of every project, beside the build) ---\n${typechecked.output || 'no errors\n'}`);
if (suite.code !== 0) process.stdout.write(`\n--- what failed in the vitest suite (repeated from above) ---\n${failureReport(suite.output)}\n`);
if (suite.code !== 0) process.stderr.write(`the vitest suite failed (exit ${suite.code})\n`);
if (contracts.code !== 0) process.stderr.write(`the Pact contracts failed (exit ${contracts.code})\n`);
if (typechecked.code !== 0) process.stderr.write(`the type check failed (exit ${typechecked.code})\n`);
process.exitCode = suite.code || contracts.code || typechecked.code;
