/**
 * `alipay-sandbox doctor` against a running sandbox: a good configuration passes every check; a wrong
 * private key, a wrong Alipay public key and an unknown app id each name their fix and exit 1; key
 * files are never printed, and a path that looks like a production key is refused unread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../../fixtures/test-keys.js';
import { runCliAsync } from '../support/cli-process.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { spareKeyPairPem } from '../support/spare-app-keys.js';

const sandbox = useSandbox();
const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, pem: string): string {
  const path = join(dir, name);
  writeFileSync(path, pem);
  return path;
}

function doctor(overrides: Readonly<Record<string, string>> = {}) {
  const options: Record<string, string> = {
    '--gateway': `${sandbox().url}/gateway.do`,
    '--app-id': DEFAULT_APP_ID,
    '--private-key': testKeyPaths.defaultAppPrivateKeyPkcs1,
    '--alipay-public-key': testKeyPaths.alipayPublicKey,
    ...overrides,
  };
  return runCliAsync(['doctor', ...Object.entries(options).flat()]);
}

const line = (stdout: string, check: string) => stdout.split('\n').find((l) => l.includes(` ${check}: `)) ?? '';

describe('alipay-sandbox doctor', () => {
  it('passes every check for a good configuration, the signed call included, and exits 0', async () => {
    const run = await doctor();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const check of ['app id', 'private key', 'alipay public key', 'clock', 'charset', 'signed call']) expect(line(run.stdout, check)).toMatch(/^ok /);
    expect(line(run.stdout, 'signed call')).toContain('isv.code-invalid');
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('names a private key that is not the registered pair, and the signed call the gateway refused', async () => {
    const run = await doctor({ '--private-key': keyFile('other.pkcs8.pem', spareKeyPairPem('pkcs8').privateKey) });
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'private key')).toMatch(/^FAIL .*is not app \d+'s registered key.*use the private key whose public key you registered/);
    expect(line(run.stdout, 'signed call')).toMatch(/^FAIL .*isv.invalid-signature/);
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('names an Alipay public key that is not the sandbox\'s, with where to get it', async () => {
    const run = await doctor({ '--alipay-public-key': keyFile('alipay.pem', spareKeyPairPem('pkcs8').publicKey) });
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'alipay public key')).toMatch(/^FAIL .*curl http:\/\/[^ ]+\/__admin\/alipay-public-key > FILE/);
    expect(line(run.stdout, 'signed call')).toMatch(/^ok /);
  });

  it('names an unknown app id and how to register it', async () => {
    const run = await doctor({ '--app-id': '2021009999999999' });
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'app id')).toMatch(/^FAIL app id: app 2021009999999999 is not registered: register your public key/);
  });

  it('names a charset the gateway does not take', async () => {
    const run = await doctor({ '--charset': 'latin1' });
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'charset')).toMatch(/^FAIL .*utf-8, gbk or gb2312/);
  });

  it('refuses a key path that looks like a production key, unread', async () => {
    const run = await doctor({ '--private-key': join(dir, 'prod', 'app-private-key.pem') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('looks like a production key');
  });

  it('says a private-key file that is no key, without printing it', async () => {
    const path = keyFile('not-a-key.pem', 'SECRET-CONTENT');
    const run = await doctor({ '--private-key': path });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not a PEM private key');
    expect(run.stderr + run.stdout).not.toContain('SECRET-CONTENT');
    expect(readFileSync(path, 'utf8')).toBe('SECRET-CONTENT');
  });
});
