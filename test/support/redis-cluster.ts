/**
 * A real Redis Cluster of three masters for the replica tests: three redis-server nodes
 * (--cluster-enabled yes) on free loopback ports, each in its own temporary folder with every write
 * fsynced, joined and given the 16,384 slots by `redis-cli --cluster create`, stopped after the file.
 * Its tests carry the redis-server tag, so they skip where the package is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, started } from './redis-server.js';
import { besideTool, toolPath } from './required-tools.js';


const MASTERS = 3;

export interface RedisCluster {
  /** The nodes' ports, in the order they were given to --cluster create. */
  readonly ports: readonly number[];
  /** A --store address: the first node's (a replica finds the others from it). */
  readonly url: string;
  /** One command through redis-cli on one node (no redirection: a node answers only for its own slots). */
  cli(port: number, ...args: string[]): string;
  stop(): Promise<void>;
}

async function startNode(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    toolPath('redis-server'),
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await started(child);
  return child;
}

const redisCli = () => besideTool('redis-server', 'redis-cli');
const cli = (port: number, ...args: string[]): string => (spawnSync(redisCli(), ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '').trim();

/** Resolves once every node says the cluster is ok (each has learnt every slot's owner). */
async function clusterOk(ports: readonly number[], ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; ; ) {
    if (ports.every((port) => cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'))) return;
    if (Date.now() > deadline) throw new Error(`the cluster on ${ports.join(', ')} is not ok within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < MASTERS; i++) ports.push(await freePort());
  const nodes = await Promise.all(ports.map((port) => startNode(port, mkdtempSync(join(dir, `${port}-`)))));
  const created = spawnSync(redisCli(), ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  const stop = async () => {
    await Promise.all(nodes.map((child) => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))))));
    rmSync(dir, { recursive: true, force: true });
  };
  if (created.status !== 0) {
    await stop();
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  }
  await clusterOk(ports);
  return { ports, url: `redis://127.0.0.1:${ports[0]}/0`, cli, stop };
}
