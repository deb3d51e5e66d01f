/**
 * `verify-pacts`: a user's own pact files (their app as consumer) verified against a fresh sandbox
 * with the same provider states; a state the sandbox does not know fails the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/support/cli-process.js';

const PACTS = fileURLToPath(new URL('./pacts/', import.meta.url));

/** Pact's report without its colours. */
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('alipay-sandbox verify-pacts', () => {
  describe('on a folder of pacts, one of them written for the user\'s own app_id', () => {
    // One run for the folder and the user's own app_id (a child process costs about 0.6 CPU-s): three
    // consumers' files, cut from ours to a few interactions each. provider.test.ts verifies every
    // interaction of contracts/pacts in-process; this is about the command (a whole verification of
    // ours through it cost 3.4 s of CPU).
    let dir: string;
    let run: ReturnType<typeof runCli>;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pact-folder-'));
      const pact = JSON.parse(readFileSync(join(PACTS, 'alipay-reference-client-alipay-gateway.json'), 'utf8')) as {
        consumer: { name: string };
        interactions: Array<{ description: string; request: { query: Record<string, string[]> } }>;
      };
      for (const [consumer, interactions] of [['shop-web', pact.interactions.slice(0, 4)], ['shop-app', pact.interactions.slice(-4)]] as const) {
        writeFileSync(join(dir, `${consumer}-alipay.json`), JSON.stringify({ ...pact, consumer: { name: consumer }, interactions }));
      }
      // A user's pact, written for their own app_id: re-signed for the sandbox app.
      const ownApp = structuredClone(pact.interactions.filter((i) => i.description === 'a face verification started' || i.description === 'an authorization by no member'));
      for (const interaction of ownApp) interaction.request.query.app_id = ['2021004100000000'];
      writeFileSync(join(dir, 'my-shop-alipay.json'), JSON.stringify({ ...pact, consumer: { name: 'my-shop' }, interactions: ownApp }));
      run = runCli(['verify-pacts', dir]);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('verifies a folder of pacts and exits 0', () => {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('3 pact file(s) verified against the sandbox');
      for (const consumer of ['shop-web', 'shop-app', 'my-shop']) expect(plain(run.stdout)).toContain(`Verifying a pact between ${consumer} and alipay-gateway`);
    });

    it('verifies a user\'s pact written for their own app_id (re-signed for the sandbox app)', () => {
      const report = plain(run.stdout);
      expect(report).toContain('Verifying a pact between my-shop and alipay-gateway');
      for (const description of ['a face verification started', 'an authorization by no member']) expect(report).toContain(description);
      expect(run.status).toBe(0);
    });
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
