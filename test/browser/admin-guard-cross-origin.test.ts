/**
 * The attack as a browser makes it: a page on another origin (its own server, on another port, with
 * a name Chromium resolves to loopback, as a rebinding domain would) fires no-cors fetches and
 * auto-submitted forms at every spelling of the sandbox's guarded writes. Nothing changes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { useChromium } from '../support/browser.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { pathSpellings, scenarioOf } from '../support/path-spellings.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

/** The attacker's page: it fires every request it is given, then says so in its title. */
function attackerPage(targets: readonly { url: string; method: string; form: boolean }[]): string {
  return `<!doctype html><title>loading</title><body><script>
const targets = ${JSON.stringify(targets)};
(async () => {
  for (const [i, t] of targets.entries()) {
    if (t.form) {
      const frame = document.createElement('iframe'); frame.name = 'f' + i; document.body.append(frame);
      const form = document.createElement('form'); form.method = 'POST'; form.action = t.url; form.target = frame.name;
      form.enctype = 'application/x-www-form-urlencoded';
      const input = document.createElement('input'); input.name = 'choice'; input.value = 'pass'; form.append(input);
      document.body.append(form);
      await new Promise((done) => { frame.onload = done; form.submit(); setTimeout(done, 2000); });
    } else {
      await fetch(t.url, { method: t.method, mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"app_id":"2021000000000666","public_key":"x","rules":[]}' }).catch(() => undefined);
    }
  }
  document.title = 'done';
})();
</script></body>`;
}

describe('a page on another origin in Chromium', { tags: ['chromium'] }, () => {
  let sandbox: RunningSandbox;
  let attacker: Server;
  // evil.example resolves to this machine (the worker's Chromium maps it), as a DNS-rebinding domain
  // would after its first answer.
  const context = useChromium();
  let certifyId: string;
  let page = '';

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, inMemory: true, quiet: true });
    const { path, body } = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) });
    await fetch(sandbox.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    certifyId = sandbox.admin.certifications({ status: 'pending' }).certifications[0]!.id;
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
  }, 30_000);
  afterAll(async () => {
    attacker?.close();
    await sandbox?.close();
  });

  it('no-cors fetches and form posts to every spelling of reset, app registration, AES key, app scenario and a page completion change nothing', async () => {
    const port = sandbox.port;
    const writes: { path: string; method: string; form: boolean }[] = [
      { path: '/__admin/reset', method: 'POST', form: false },
      { path: '/__admin/apps', method: 'POST', form: false },
      { path: '/__admin/apps/2021000000000001/aes-key', method: 'POST', form: false },
      { path: '/__admin/apps/2021000000000001/scenario', method: 'PUT', form: false },
      { path: `/__sandbox/certifications/${certifyId}/complete`, method: 'POST', form: true },
    ];
    const targets = writes.flatMap((write) =>
      [`127.0.0.1:${port}`, `evil.example:${port}`].flatMap((authority) =>
        pathSpellings(write.path, authority)
          // A browser sends origin-form only; its own URL parser takes the place of the absolute forms.
          .filter((spelling) => spelling.startsWith('/') || spelling.startsWith('\\'))
          .map((spelling) => ({ url: `http://${authority}${spelling.startsWith('\\') ? spelling.replace(/^\\/, '/') : spelling}`, method: write.method, form: write.form })),
      ),
    );
    expect(targets.length).toBeGreaterThan(200);
    const before = JSON.stringify({ journal: sandbox.requests().length, apps: sandbox.admin.apps(), scenario: scenarioOf(sandbox, '2021000000000001'), status: sandbox.admin.certification(certifyId).status });
    const received = sandbox.requests().length;
    page = attackerPage(targets);
    const tab = await context().newPage();
    await tab.goto(`http://evil.example:${(attacker.address() as AddressInfo).port}/`);
    await tab.waitForFunction('document.title === "done"', undefined, { timeout: 60_000 });
    expect(sandbox.requests()).toHaveLength(received);
    const after = JSON.stringify({ journal: sandbox.requests().length, apps: sandbox.admin.apps(), scenario: scenarioOf(sandbox, '2021000000000001'), status: sandbox.admin.certification(certifyId).status });
    expect(after).toBe(before);
  }, 90_000);

  it('the same page can still reach gateway.do, as any client can (a positive control for the page)', async () => {
    const before = sandbox.requests().length;
    page = attackerPage([{ url: `http://127.0.0.1:${sandbox.port}/gateway.do`, method: 'POST', form: false }]);
    const tab = await context().newPage();
    await tab.goto(`http://evil.example:${(attacker.address() as AddressInfo).port}/`);
    await tab.waitForFunction('document.title === "done"', undefined, { timeout: 20_000 });
    expect(sandbox.requests().length).toBe(before + 1);
  });
});
