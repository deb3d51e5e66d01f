/**
 * The admin API: registering apps (with messages that say what is wrong with a bad key), reading them
 * back, the sandbox's Alipay public key, health, and apps surviving a restart.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { startSandbox } from '../../mock-server/sandbox.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPair } from '../support/spare-app-keys.js';

const sandbox = useSandbox();

async function register(body: unknown, base = sandbox().url) {
  const response = await fetch(`${base}/__admin/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('POST /__admin/apps', () => {
  it('registers an app with a PEM public key: 201 and the stored record', async () => {
    const { publicKey } = spareKeyPair();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { status, body } = await register({ app_id: '2021000000000100', public_key: pem, sign_type: 'RSA2' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ app_id: '2021000000000100', sign_type: 'RSA2', public_key: pem });
  });

  type PublicKey = ReturnType<typeof spareKeyPair>['publicKey'];
  const keyEncodings: ReadonlyArray<readonly [string, (key: PublicKey) => string, string]> = [
    ['SPKI PEM', (k) => k.export({ type: 'spki', format: 'pem' }).toString(), '2021000000000200'],
    ['PKCS#1 PEM ("RSA PUBLIC KEY")', (k) => k.export({ type: 'pkcs1', format: 'pem' }).toString(), '2021000000000201'],
    ["bare base64 SPKI, as Alipay's console shows it", (k) => k.export({ type: 'spki', format: 'der' }).toString('base64'), '2021000000000202'],
    ['bare base64 PKCS#1', (k) => k.export({ type: 'pkcs1', format: 'der' }).toString('base64'), '2021000000000203'],
  ];

  it.each(keyEncodings)('accepts the key as %s, and requests signed with its private half succeed', async (_form, encode, appId) => {
    const { publicKey, privateKey } = spareKeyPair();
    expect((await register({ app_id: appId, public_key: encode(publicKey) })).status).toBe(201);
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE, { app_id: appId }), biz_content: JSON.stringify(certifyOpenInitializeExample) };
    expect(nodeOf(await postForm(sandbox(), signedRequest(params, { privateKey }))).code).toBe('10000');
  });

  it.each([
    ['a private key', () => spareKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /PRIVATE key/],
    ['a bare base64 private key', () => spareKeyPair().privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'), /PRIVATE key/],
    ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /ec key; Alipay apps use RSA/],
    ['text that is no key', () => 'hello, I am not a key!', /neither PEM nor base64/],
    ['base64 that is no key', () => Buffer.from('not a key at all').toString('base64'), /not an RSA public key/],
    ['a certificate', () => '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /certificate/],
    ['an empty string', () => '', /empty/],
  ])('refuses %s with 400 and says what is wrong', async (_what, key, message) => {
    const { status, body } = await register({ app_id: '2021000000000300', public_key: key() });
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
  });

  it('never echoes a private key it refused', async () => {
    const pem = spareKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { body } = await register({ app_id: '2021000000000301', public_key: pem });
    expect(JSON.stringify(body)).not.toContain(pem.split('\n')[1]);
  });

  it.each([
    [{ public_key: 'x' }, /app_id must be/],
    [{ app_id: 'has spaces', public_key: 'x' }, /app_id must be/],
    [{ app_id: '2021000000000302', public_key: 'x', sign_type: 'MD5' }, /sign_type must be "RSA2" or "RSA"/],
    [{ app_id: '2021000000000303' }, /public_key must be a string/],
    [['not', 'an', 'object'], /send a JSON object/],
  ])('refuses a malformed registration %j with 400', async (body, message) => {
    const answer = await register(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
  });

  it('refuses to replace the built-in default app with 409', async () => {
    const { status, body } = await register({ app_id: DEFAULT_APP_ID, public_key: spareKeyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(status).toBe(409);
    expect(body.error).toContain('built-in default app');
  });
});

describe('GET /__admin/apps/:app_id', () => {
  it('shows the default app as built in', async () => {
    const response = await fetch(`${sandbox().url}/__admin/apps/${DEFAULT_APP_ID}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ app_id: DEFAULT_APP_ID, sign_type: 'RSA2', registered_at: 'built-in' });
  });

  it('answers 404 with a hint for an unknown app', async () => {
    const response = await fetch(`${sandbox().url}/__admin/apps/2021000000000999`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('POST it to /__admin/apps');
  });
});

describe('GET /__admin/alipay-public-key and /__admin/health', () => {
  it('returns the sandbox\'s Alipay public key as PEM text', async () => {
    const response = await fetch(`${sandbox().url}/__admin/alipay-public-key`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(readFileSync(testKeyPaths.alipayPublicKey, 'utf8'));
  });

  it('reports ok', async () => {
    const response = await fetch(`${sandbox().url}/__admin/health`);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});

describe('registered apps across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-apps-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('are still registered, and still verify requests, after the sandbox restarts on the same data folder', async () => {
    const { publicKey, privateKey } = spareKeyPair();
    const first = await startSandbox({ port: 0, quiet: true, dataDir });
    expect((await register({ app_id: '2021000000000500', public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(), sign_type: 'RSA' }, first.url)).status).toBe(201);
    await first.close();

    const second = await startSandbox({ port: 0, quiet: true, dataDir });
    try {
      const record = await (await fetch(`${second.url}/__admin/apps/2021000000000500`)).json();
      expect(record).toMatchObject({ app_id: '2021000000000500', sign_type: 'RSA' });
      const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE, { app_id: '2021000000000500', sign_type: 'RSA' }), biz_content: JSON.stringify(certifyOpenInitializeExample) };
      expect(nodeOf(await postForm(second, signedRequest(params, { privateKey }))).code).toBe('10000');
    } finally {
      await second.close();
    }
  });
});
