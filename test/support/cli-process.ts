/**
 * The sandbox's command line as a child process: the compiled bin (dist/, built by the tests' global
 * set-up) run by node itself, not through npm or a wrapper, so that a signal (SIGKILL above all)
 * reaches the sandbox rather than a parent that cannot relay it.
 */
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/bin/alipay-sandbox.js');

export function cliArgs(args: readonly string[]): string[] {
  return [MAIN, ...args];
}

export function spawnCli(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, cliArgs(args), { cwd: ROOT, ...options });
}

export function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, cliArgs(args), { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like runCli, without blocking this process: for commands that call a sandbox running in it. */
export function runCliAsync(args: readonly string[], cwd = ROOT): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, cliArgs(args), { cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Waits for `serve` to print its gateway URL; the base URL, e.g. http://127.0.0.1:40123. */
export function servedUrl(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /gateway\s+(http:\/\/\S+)\/gateway\.do/.exec(output);
      if (match) done(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${output}`)));
  });
}
