/**
 * `verify-pacts`: a user's own pact files (their app as consumer) verified against a fresh sandbox
 * with the same provider states; a state the sandbox does not know fails the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/support/cli-process.js';

const PACTS = fileURLToPath(new URL('./pacts/', import.meta.url));

describe('alipay-sandbox verify-pacts', () => {
  it('verifies a folder of pacts and exits 0', () => {
    // Two consumers' files, cut from ours to a few interactions each: provider.test.ts verifies every
    // interaction of contracts/pacts in-process; this is about the command (a whole verification of
    // ours through it cost 3.4 s of CPU).
    const dir = mkdtempSync(join(tmpdir(), 'pact-folder-'));
    try {
      const pact = JSON.parse(readFileSync(join(PACTS, 'alipay-reference-client-alipay-gateway.json'), 'utf8')) as { consumer: { name: string }; interactions: unknown[] };
      for (const [consumer, interactions] of [['shop-web', pact.interactions.slice(0, 4)], ['shop-app', pact.interactions.slice(-4)]] as const) {
        writeFileSync(join(dir, `${consumer}-alipay.json`), JSON.stringify({ ...pact, consumer: { name: consumer }, interactions }));
      }
      const run = runCli(['verify-pacts', dir]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('2 pact file(s) verified against the sandbox');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies a user\'s pact written for their own app_id (re-signed for the sandbox app)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'user-pacts-'));
    try {
      const pact = JSON.parse(readFileSync(join(PACTS, 'alipay-reference-client-alipay-gateway.json'), 'utf8')) as {
        consumer: { name: string };
        interactions: Array<{ description: string; request: { query: Record<string, string[]> } }>;
      };
      pact.consumer.name = 'my-shop';
      pact.interactions = pact.interactions.filter((i) => i.description === 'a face verification started' || i.description === 'an authorization by no member');
      for (const interaction of pact.interactions) interaction.request.query.app_id = ['2021004100000000'];
      writeFileSync(join(dir, 'my-shop-alipay.json'), JSON.stringify(pact));
      const run = runCli(['verify-pacts', join(dir, 'my-shop-alipay.json')]);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails, naming it, on a provider state the sandbox does not know', () => {
    const dir = mkdtempSync(join(tmpdir(), 'user-pacts-'));
    try {
      const pact = JSON.parse(readFileSync(join(PACTS, 'alipay-reference-client-alipay-gateway.json'), 'utf8')) as { interactions: Array<{ providerStates?: Array<{ name: string }> }> };
      pact.interactions = [{ ...pact.interactions[0]!, providerStates: [{ name: 'the user is a VIP' }] }];
      writeFileSync(join(dir, 'vip.json'), JSON.stringify(pact));
      const run = runCli(['verify-pacts', dir]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('unknown provider state "the user is a VIP"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
