/**
 * Provider verification: the sandbox against every pact in contracts/pacts/, each provider state set
 * up through the sandbox itself, each request re-signed. Runs after the consumer tests (npm test).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeyPaths } from '../fixtures/test-keys.js';
import { SUPPORTED_METHODS } from '../mock-server/core/methods/method-registry.js';
import { startSandbox, type RunningSandbox } from '../mock-server/sandbox.js';
import { methodInteractions } from './method-interactions.js';
import type { StateTarget } from './provider-states.js';
import { runCli } from '../test/support/cli-process.js';
import { UnknownProviderStateError, verifyPacts } from './verify-provider.js';

const PACTS = fileURLToPath(new URL('./pacts/', import.meta.url));
let sandbox: RunningSandbox;
let target: StateTarget;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
  target = {
    url: sandbox.url,
    appId: sandbox.defaultApp.appId,
    privateKeyPem: readFileSync(testKeyPaths.defaultAppPrivateKeyPkcs1, 'utf8'),
    alipayPublicKeyPem: sandbox.alipayPublicKeyPem,
    admin: sandbox.admin,
  };
});
afterAll(() => sandbox?.close());

describe('the sandbox as the provider', () => {
  const pactFiles = readdirSync(PACTS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(PACTS, f));

  it('has pacts to verify', () => {
    expect(pactFiles.length).toBeGreaterThan(0);
  });

  it('has, in the consumer\'s pact, every interaction the definitions derive, with the HTTP method each gives', () => {
    const pact = JSON.parse(readFileSync(join(PACTS, 'alipay-reference-client-alipay-gateway.json'), 'utf8')) as { interactions: Array<{ description: string; request: { method: string; path: string } }> };
    const written = new Map(pact.interactions.map((i) => [i.description, i.request]));
    for (const interaction of methodInteractions(SUPPORTED_METHODS)) {
      expect(written.get(interaction.description), interaction.description).toEqual(expect.objectContaining({ method: interaction.httpMethod, path: interaction.path }));
    }
  });

  // Every interaction, each with its state set up and the sandbox reset: a few seconds on an idle
  // 2-core machine, but past 30 s on one busy with other work.
  it('honours every interaction of every pact in contracts/pacts', async () => {
    await verifyPacts({ pactFiles, target });
  }, 120_000);

  it('fails a pact that names a provider state it does not know, before running anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacts-'));
    try {
      const pact = JSON.parse(readFileSync(pactFiles[0]!, 'utf8')) as { interactions: Array<{ providerStates?: Array<{ name: string }> }> };
      pact.interactions = [{ ...pact.interactions[0]!, providerStates: [{ name: 'the moon is full' }] }];
      const file = join(dir, 'unknown-state.json');
      writeFileSync(file, JSON.stringify(pact));
      await expect(verifyPacts({ pactFiles: [file], target })).rejects.toThrow(UnknownProviderStateError);
      await expect(verifyPacts({ pactFiles: [file], target })).rejects.toThrow(/"the moon is full"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails an interaction the sandbox does not honour (an expected failure, its report kept out of this log)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacts-'));
    try {
      const pact = JSON.parse(readFileSync(pactFiles[0]!, 'utf8')) as { interactions: Array<{ description: string; response: { body: Record<string, Record<string, string>> } }> };
      const interaction = pact.interactions.find((i) => i.description === 'a face verification started')!;
      interaction.response.body.alipay_user_certify_open_initialize_response!.code = '40004';
      pact.interactions = [interaction as never];
      const file = join(dir, 'wrong.json');
      writeFileSync(file, JSON.stringify(pact));
      // In a child process: Pact's native core prints its red report straight to stdout, and a
      // deliberate failure should not read like a broken run.
      const run = runCli(['verify-pacts', file]);
      expect(run.status).toBe(1);
      const report = run.stdout.replace(/\u001b\[[0-9;]*m/g, '');
      expect(report).toContain("$.alipay_user_certify_open_initialize_response.code -> Expected '10000' (String) to be equal to '40004' (String)");
      expect(report).toContain('There were 1 pact failures');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
