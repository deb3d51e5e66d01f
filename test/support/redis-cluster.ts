/**
 * A real Redis Cluster of three masters for the replica tests: three redis-server nodes
 * (--cluster-enabled yes) on free loopback ports, each in its own temporary folder with every write
 * fsynced, joined and given the 16,384 slots by `redis-cli --cluster create`, stopped after the file.
 * Its tests carry the redis-server tag, so they skip where the package is missing. With `tls` the nodes
 * listen on TLS only (clients, the cluster bus and replication), with a certificate openssl makes for
 * 127.0.0.1; such tests carry the openssl tag too.
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
  /** A --store address: the first node's (a replica finds the others from it); rediss:// with TLS. */
  readonly url: string;
  /** With TLS: the nodes' self-signed certificate, for a client to trust (NODE_EXTRA_CA_CERTS). */
  readonly caFile?: string;
  /** One command through redis-cli on one node (no redirection: a node answers only for its own slots). */
  cli(port: number, ...args: string[]): string;
  stop(): Promise<void>;
}

/** The nodes' certificate and key; self-signed, so the certificate is also the CA a client trusts. */
interface NodeCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

/** One self-signed certificate for 127.0.0.1 that every node serves and presents to the others. */
function makeCertificate(dir: string): NodeCertificate {
  const certificate = { certFile: join(dir, 'node.crt'), keyFile: join(dir, 'node.key') };
  const made = spawnSync(
    toolPath('openssl'),
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', certificate.keyFile, '-out', certificate.certFile, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make the nodes' certificate: ${made.stderr}`);
  return certificate;
}

/** TLS only: no plain port, and the cluster bus and replication over TLS too; clients need no certificate of their own. */
const tlsArgs = (port: number, { certFile, keyFile }: NodeCertificate): string[] => [
  '--port', '0', '--tls-port', String(port), '--tls-cluster', 'yes', '--tls-replication', 'yes',
  '--tls-cert-file', certFile, '--tls-key-file', keyFile, '--tls-ca-cert-file', certFile, '--tls-auth-clients', 'no',
];

async function startNode(port: number, dir: string, certificate?: NodeCertificate): Promise<ChildProcess> {
  const child = spawn(
    toolPath('redis-server'),
    [
      ...(certificate ? tlsArgs(port, certificate) : ['--port', String(port)]),
      '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await started(child);
  return child;
}

const redisCli = () => besideTool('redis-server', 'redis-cli');
/** redis-cli, with TLS when the nodes' certificate is given. */
const cliOf = (certificate?: NodeCertificate) => {
  const tls = certificate ? ['--tls', '--cacert', certificate.certFile] : [];
  return {
    tls,
    cli: (port: number, ...args: string[]): string => (spawnSync(redisCli(), [...tls, '-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '').trim(),
  };
};

/** Resolves once every node says the cluster is ok (each has learnt every slot's owner). */
async function clusterOk(ports: readonly number[], cli: RedisCluster['cli'], ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; ; ) {
    if (ports.every((port) => cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'))) return;
    if (Date.now() > deadline) throw new Error(`the cluster on ${ports.join(', ')} is not ok within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export async function startRedisCluster({ tls = false }: { tls?: boolean } = {}): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-redis-cluster-'));
  const certificate = tls ? makeCertificate(dir) : undefined;
  const { cli, tls: cliTls } = cliOf(certificate);
  const ports: number[] = [];
  for (let i = 0; i < MASTERS; i++) ports.push(await freePort());
  const nodes = await Promise.all(ports.map((port) => startNode(port, mkdtempSync(join(dir, `${port}-`)), certificate)));
  const created = spawnSync(redisCli(), [...cliTls, '--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  const stop = async () => {
    await Promise.all(nodes.map((child) => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))))));
    rmSync(dir, { recursive: true, force: true });
  };
  if (created.status !== 0) {
    await stop();
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  }
  await clusterOk(ports, cli);
  return { ports, url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${ports[0]}/0`, ...(certificate ? { caFile: certificate.certFile } : {}), cli, stop };
}
