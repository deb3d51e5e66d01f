/**
 * An admin 2xx means durable, and no acknowledged write is lost to another one running beside it:
 * 60 concurrent writers of each kind (app registrations, AES keys, app scenarios, identities, auth
 * codes, app_auth_tokens, certification completions, clock moves) against a data folder, then a
 * graceful restart, and a SIGKILL in the middle of them: every write that was answered 2xx is there.
 */
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { USER_AUTHORIZATIONS } from '../../mock-server/core/flows/user-authorizations.js';
import { SandboxStore } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { servedUrl, spawnCli } from '../support/cli-process.js';
import { publicParams, signedRequest } from '../support/signed-request.js';
import { spareKeyPairPem } from '../support/spare-app-keys.js';
import { useTempDirs } from '../support/temp-dirs.js';

const WRITERS = 60;
const tempDir = useTempDirs('sandbox-admin-writes-');
const PUBLIC_KEYS = Array.from({ length: 4 }, () => spareKeyPairPem('pkcs8').publicKey);

/** What the sandbox answered 2xx for, to look for after the restart. */
interface Acknowledged {
  readonly apps: Map<string, string>;
  readonly aesKeys: Map<string, string>;
  readonly scenarios: Map<string, unknown>;
  readonly people: string[];
  readonly authCodes: string[];
  readonly tokens: string[];
  readonly completions: Map<string, 'PASSED' | 'FAILED'>;
  clockMoves: number;
}

const appId = (round: number, i: number) => `20210000${String(round).padStart(2, '0')}${String(i).padStart(6, '0')}`;

async function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnCli(['serve', '--port', '0', '--quiet', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, url: await servedUrl(child) };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
}

/** One admin call; the parsed answer when it was 2xx, undefined when it was not answered (the server died). */
async function admin(url: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown> | undefined> {
  let response: Response;
  try {
    response = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return undefined;
  }
  const text = await response.text().catch(() => undefined);
  if (text === undefined) return undefined;
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Registers the apps the second round keys and scenarios, and starts the certifications it completes. */
async function prepare(url: string, round: number, ack: Acknowledged): Promise<{ certifyIds: string[]; known: string[] }> {
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, i) => {
      const publicKey = PUBLIC_KEYS[i % PUBLIC_KEYS.length]!;
      if (await admin(url, 'POST', '/__admin/apps', { app_id: appId(round, i), public_key: publicKey })) ack.apps.set(appId(round, i), publicKey);
    }),
  );
  const certifyIds = await Promise.all(
    Array.from({ length: WRITERS }, async (_, i) => {
      const biz = { ...certifyOpenInitializeExample, outer_order_no: `ADMINWRITES${round}${String(i).padStart(4, '0')}` };
      const { path, body } = signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(biz) });
      const answer = (await (await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).json()) as Record<string, Record<string, string>>;
      return answer.alipay_user_certify_open_initialize_response!.certify_id!;
    }),
  );
  const known = ((await admin(url, 'GET', '/__admin/identities'))!.identities as { cert_no: string }[]).map((person) => person.cert_no);
  return { certifyIds, known };
}

/** Every kind of admin write, WRITERS of each, all at once; each records itself when answered 2xx. */
function writeEverything(url: string, round: number, { certifyIds, known }: { certifyIds: readonly string[]; known: readonly string[] }, ack: Acknowledged): Promise<unknown>[] {
  const people = generateIdentities({ seed: 7000 + round, count: WRITERS });
  const writers = (write: (i: number) => Promise<void>) => Array.from({ length: WRITERS }, (_, i) => write(i));
  return [
    ...writers(async (i) => {
      const publicKey = PUBLIC_KEYS[(i + 1) % PUBLIC_KEYS.length]!;
      if (await admin(url, 'POST', '/__admin/apps', { app_id: appId(round + 50, i), public_key: publicKey })) ack.apps.set(appId(round + 50, i), publicKey);
    }),
    ...writers(async (i) => {
      const answer = await admin(url, 'POST', `/__admin/apps/${appId(round, i)}/aes-key`, {});
      if (answer) ack.aesKeys.set(appId(round, i), answer.aes_key as string);
    }),
    ...writers(async (i) => {
      const scenario = { rules: [{ match: { method: 'zhima.auth.info.authquery' }, outcome: { business_error: 'SYSTEM_ERROR' } }], name: `app ${i} of round ${round}` };
      if (await admin(url, 'PUT', `/__admin/apps/${appId(round, i)}/scenario`, scenario)) ack.scenarios.set(appId(round, i), scenario);
    }),
    ...writers(async (i) => {
      const { name, cert_no, mobile } = people[i]!;
      if (await admin(url, 'POST', '/__admin/identities', { name, cert_no, mobile })) ack.people.push(cert_no);
    }),
    ...writers(async (i) => {
      const answer = await admin(url, 'POST', '/__admin/auth-codes', { app_id: DEFAULT_APP_ID, cert_no: known[i % known.length] });
      if (answer) ack.authCodes.push(answer.auth_code as string);
    }),
    ...writers(async () => {
      const answer = await admin(url, 'POST', '/__admin/app-auth-tokens', { app_id: DEFAULT_APP_ID });
      if (answer) ack.tokens.push(answer.app_auth_token as string);
    }),
    ...writers(async (i) => {
      const passed = i % 2 === 0;
      if (await admin(url, 'POST', `/__admin/certifications/${certifyIds[i]}/complete`, passed ? { passed } : { passed, reason: 'not the same person' })) {
        ack.completions.set(certifyIds[i]!, passed ? 'PASSED' : 'FAILED');
      }
    }),
    ...writers(async () => {
      if (await admin(url, 'POST', '/__admin/clock', { advance_ms: 1000 })) ack.clockMoves++;
    }),
  ];
}

/** What of `ack` the restarted sandbox (and, for auth codes, its state on disk) does not have. */
async function missing(url: string, dir: string, ack: Acknowledged): Promise<string[]> {
  const lost: string[] = [];
  const apps = new Map(((await admin(url, 'GET', '/__admin/apps'))!.apps as { app_id: string; public_key: string; aes_key?: string }[]).map((app) => [app.app_id, app]));
  for (const [id, publicKey] of ack.apps) if (apps.get(id)?.public_key.replace(/\s/g, '') !== publicKey.replace(/\s/g, '')) lost.push(`app ${id}`);
  for (const [id, key] of ack.aesKeys) if (apps.get(id)?.aes_key !== key) lost.push(`AES key of ${id}`);
  for (const [id, scenario] of ack.scenarios) {
    const kept = await admin(url, 'GET', `/__admin/apps/${id}/scenario`).catch(() => undefined);
    if (JSON.stringify(kept?.scenario) !== JSON.stringify(scenario)) lost.push(`scenario of ${id}`);
  }
  const people = new Set(((await admin(url, 'GET', '/__admin/identities'))!.identities as { cert_no: string }[]).map((p) => p.cert_no));
  for (const certNo of ack.people) if (!people.has(certNo)) lost.push(`identity ${certNo}`);
  for (const token of ack.tokens) if (!(await admin(url, 'GET', `/__admin/app-auth-tokens/${token}`).catch(() => undefined))) lost.push(`app_auth_token ${token}`);
  for (const [id, status] of ack.completions) {
    const certification = await admin(url, 'GET', `/__admin/certifications/${id}`);
    if (certification?.status !== status) lost.push(`completion of ${id} (${String(certification?.status)})`);
  }
  const offset = (await admin(url, 'GET', '/__admin/clock'))!.offset_ms as number;
  if (offset < ack.clockMoves * 1000) lost.push(`clock moves: offset ${offset} ms after ${ack.clockMoves} acknowledged moves of 1000 ms`);
  const store = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
  for (const code of ack.authCodes) if (!store.records(USER_AUTHORIZATIONS).get(code)) lost.push(`auth_code ${code}`);
  return lost;
}

/** Restarts on `dir` and looks for every acknowledged write. */
async function expectNothingMissing(dir: string, ack: Acknowledged): Promise<void> {
  const restarted = await serve(dir);
  try {
    expect(await missing(restarted.url, dir, ack)).toEqual([]);
  } finally {
    restarted.child.kill('SIGTERM');
    await exited(restarted.child);
  }
}

const newAcknowledged = (): Acknowledged => ({ apps: new Map(), aesKeys: new Map(), scenarios: new Map(), people: [], authCodes: [], tokens: [], completions: new Map(), clockMoves: 0 });

describe(`${WRITERS} concurrent admin writers of each kind against a data folder`, () => {
  it('every acknowledged write is there after a graceful restart', async () => {
    const dir = tempDir();
    const ack = newAcknowledged();
    const first = await serve(dir);
    try {
      const prepared = await prepare(first.url, 1, ack);
      await Promise.all(writeEverything(first.url, 1, prepared, ack));
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
    expect(ack.apps.size).toBe(2 * WRITERS);
    expect([ack.aesKeys.size, ack.scenarios.size, ack.people.length, ack.authCodes.length, ack.tokens.length, ack.completions.size, ack.clockMoves]).toEqual(Array(7).fill(WRITERS));
    await expectNothingMissing(dir, ack);
  }, 90_000);

  it('every write acknowledged before a SIGKILL in the middle of them is there after the restart', async () => {
    const dir = tempDir();
    const ack = newAcknowledged();
    const first = await serve(dir);
    const prepared = await prepare(first.url, 2, ack);
    const answered = () => ack.apps.size - WRITERS + ack.aesKeys.size + ack.scenarios.size + ack.people.length + ack.authCodes.length + ack.tokens.length + ack.completions.size + ack.clockMoves;
    const writes = writeEverything(first.url, 2, prepared, ack);
    // Killed once 120 of the 540 writes were answered: the rest are in flight or not yet sent.
    while (answered() < WRITERS * 2) await new Promise((tick) => setTimeout(tick, 2));
    first.child.kill('SIGKILL');
    await Promise.all(writes);
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(answered()).toBeLessThan(WRITERS * 9);
    await expectNothingMissing(dir, ack);
  }, 90_000);
});
