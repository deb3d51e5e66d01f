/**
 * A real redis-server (Debian's package) for the replica tests: started on a free loopback port in a
 * temporary folder, with every write fsynced (appendonly, appendfsync always), stopped after the file.
 * A test that starts one is tagged `redis-server` (`{ tags: ['redis-server'] }`): where the package is
 * missing it skips (required-tools.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { besideTool, toolPath } from './required-tools.js';


export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL with `kill`, as a crash) and starts it again on the same port and files. */
  restart(options?: { kill?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** One command through redis-cli, for what a test checks in the store itself. */
  cli(...args: string[]): string;
}

/** Resolves once a redis-server says it accepts connections; rejects if it exits first. */
export function started(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) done();
    });
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

const stopped = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill(signal);
  });

export async function startRedis(): Promise<RedisServer> {
  const server = toolPath('redis-server');
  const cliCommand = besideTool('redis-server', 'redis-cli');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-redis-'));
  const launch = async () => {
    const child = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await started(child);
    return child;
  };
  let child = await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async restart({ kill = false, downMs = 0 } = {}) {
      await stopped(child, kill ? 'SIGKILL' : 'SIGTERM');
      if (downMs) await new Promise((done) => setTimeout(done, downMs));
      child = await launch();
    },
    async stop() {
      await stopped(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    cli: (...args) => spawnSync(cliCommand, ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim(),
  };
}
