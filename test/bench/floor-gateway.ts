/**
 * The bench's yardstick, not a sandbox: a gateway.do that does only what no implementation of the
 * protocol can skip: read the form, verify the request's RSA2 signature, answer a small node signed
 * on the sandbox's own signing pool (mock-server/keys/signing-pool.ts). No scenarios, state, schema,
 * journal or charset handling. `npm run bench` runs it beside the sandbox, so that the sandbox's
 * requests/s can be read against what the protocol's cryptography alone allows on the same cores.
 * Prints its gateway URL as `serve` does (`gateway  http://127.0.0.1:PORT/gateway.do`); loopback only.
 * `--signing-threads N` sets its pool's threads, as it does serve's.
 */
import { createPrivateKey, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testKeyPaths } from '../../fixtures/test-keys.js';
import { createInProcessSigner } from '../../mock-server/keys/alipay-signer.js';
import { sharedSigningPool } from '../../mock-server/keys/signing-pool.js';
import { signString } from '../support/signed-request.js';

const appPublicKey = createPublicKey(readFileSync(testKeyPaths.defaultAppPublicKey, 'utf8'));
const alipayPrivateKeyPem = readFileSync(testKeyPaths.alipayPrivateKey, 'utf8');
// `--signing-threads N`, as serve takes it; by default the pool's own default (one per core but one).
const threadsAt = process.argv.indexOf('--signing-threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : undefined;
// The pool a sandbox takes: this process starts no other, so it is this gateway's alone.
const signer = sharedSigningPool(alipayPrivateKeyPem, createInProcessSigner(createPrivateKey(alipayPrivateKeyPem)), threads);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url ?? '';
    const parameters = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) parameters.set(name, value);
    const verified = verify('sha256', Buffer.from(signString(Object.fromEntries(parameters))), appPublicKey, Buffer.from(parameters.get('sign') ?? '', 'base64'));
    const node = JSON.stringify(verified ? { code: '10000', msg: 'Success', certify_id: randomBytes(16).toString('hex') } : { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
    const nodeKey = `${(parameters.get('method') ?? 'error').replaceAll('.', '_')}_response`;
    signer.sign(node, 'RSA2').then((sign) => {
      response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      response.end(`{"${nodeKey}":${node},"sign":"${sign}"}`);
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`gateway  http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do\n`);
});
