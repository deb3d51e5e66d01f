/** The admin API, as tests call it: the package's own typed admin client over HTTP. */
import type { KeyObject } from 'node:crypto';
import { AdminClientError, createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import type { JournalEntry } from '../../mock-server/core/journal/request-journal.js';
import { spareKeyPair } from './spare-app-keys.js';

export const adminOf = (sandbox: Pick<RunningSandbox, 'url'>) => createAdminClient(sandbox.url);

export interface Answered {
  status: number;
  body: Record<string, unknown>;
  /** The body, as a fetch Response gives it. */
  json(): Promise<Record<string, unknown>>;
}

/** An admin call's status and body, for tests that look at refusals. */
export async function answered<T>(call: Promise<T>, status = 200): Promise<Answered> {
  let body: Record<string, unknown>;
  try {
    body = ((await call) ?? {}) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof AdminClientError)) throw error;
    status = error.status;
    body = { error: error.message, ...(error.path === undefined ? {} : { path: error.path }) };
  }
  return { status, body, json: async () => body };
}

export function putScenario(sandbox: RunningSandbox, appId: string, scenario: unknown): Promise<Answered> {
  return answered(adminOf(sandbox).setAppScenario(appId, scenario));
}

/** Sets an app's scenario and fails the test at once if the sandbox refuses it. */
export async function useScenario(sandbox: RunningSandbox, appId: string, scenario: unknown): Promise<void> {
  await adminOf(sandbox).setAppScenario(appId, scenario);
}

export function reset(sandbox: RunningSandbox): Promise<void> {
  return adminOf(sandbox).reset();
}

export async function journal(sandbox: RunningSandbox, query: Record<string, string> = {}): Promise<JournalEntry[]> {
  return (await adminOf(sandbox).requests(query)).requests;
}

/** Registers a fresh RSA2 app and returns its private key. */
export async function registerApp(sandbox: RunningSandbox, appId: string): Promise<KeyObject> {
  const { privateKey, publicKey } = spareKeyPair();
  await adminOf(sandbox).registerApp({ app_id: appId, public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  return privateKey;
}
