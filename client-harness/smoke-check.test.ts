/**
 * The smoke check pointed at another gateway (here a sandbox on another port, standing in for Alipay's
 * own sandbox), through its command line as a user runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, testKeyPaths } from '../fixtures/test-keys.js';
import { SUPPORTED_METHODS } from '../mock-server/core/methods/method-registry.js';
import { runCliAsync } from '../test/support/cli-process.js';
import { useSandbox } from '../test/support/sandbox-fixture.js';
import { spareKeyPair } from '../test/support/spare-app-keys.js';

const otherGateway = useSandbox();
/** The smoke check calls every API the sandbox serves but the page APIs (a browser opens those). */
const API_COUNT = SUPPORTED_METHODS.filter((d) => !d.page).length;
const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Asynchronously: the gateway it calls runs in this very process. */
function smoke(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCliAsync(['smoke', ...args]);
}

function args(alipayPublicKey: string, privateKey = testKeyPaths.defaultAppPrivateKeyPkcs1): string[] {
  return ['--gateway', otherGateway().gatewayUrl, '--app-id', DEFAULT_APP_ID, '--private-key', privateKey, '--alipay-public-key', alipayPublicKey];
}

describe('alipay-sandbox smoke --gateway URL ...', () => {
  it('passes every API against a gateway that honours the contract', async () => {
    const run = await smoke(args(otherGateway().alipayPublicKeyPath));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('ok   alipay.user.certify.open.initialize: 10000 Success');
    expect(run.stdout).toContain('ok   alipay.user.certify.open.query: 40004 OPEN_CERTIFY_BILL_NOT_EXIST');
    expect(run.stdout.trim().split('\n').at(-1)).toBe(`${API_COUNT} passed, 0 failed`);
  });

  it('fails every API when the gateway\'s signatures do not verify with the given key', async () => {
    const wrongKey = join(dir, 'other-alipay-public-key.pem');
    writeFileSync(wrongKey, spareKeyPair().publicKey.export({ type: 'spki', format: 'pem' }));
    const run = await smoke(args(wrongKey));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("FAIL alipay.user.certify.open.initialize: alipay.user.certify.open.initialize: the response's sign does not verify");
    expect(run.stdout).toContain(`0 passed, ${API_COUNT} failed`);
  });

  it('refuses a key path that looks like a production key, and never prints key material', async () => {
    const run = await smoke(args(otherGateway().alipayPublicKeyPath, '/etc/keys/prod/app-private-key.pem'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('looks like a production key');
    expect(run.stdout + run.stderr).not.toContain('BEGIN');
  });
});
