/** The admin API, as tests call it. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import type { JournalEntry } from '../../mock-server/journal/request-journal.js';

export async function putScenario(sandbox: RunningSandbox, appId: string, scenario: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const yaml = typeof scenario === 'string';
  const response = await fetch(`${sandbox.url}/__admin/apps/${appId}/scenario`, {
    method: 'PUT',
    headers: { 'content-type': yaml ? 'text/yaml' : 'application/json' },
    body: yaml ? scenario : JSON.stringify(scenario),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sets an app's scenario and fails the test at once if the sandbox refuses it. */
export async function useScenario(sandbox: RunningSandbox, appId: string, scenario: unknown): Promise<void> {
  const { status, body } = await putScenario(sandbox, appId, scenario);
  if (status !== 200) throw new Error(`scenario refused: ${JSON.stringify(body)}`);
}

export async function reset(sandbox: RunningSandbox): Promise<void> {
  const response = await fetch(`${sandbox.url}/__admin/reset`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`reset answered ${response.status}`);
}

export async function journal(sandbox: RunningSandbox, query: Record<string, string> = {}): Promise<JournalEntry[]> {
  const response = await fetch(`${sandbox.url}/__admin/requests?${new URLSearchParams(query)}`);
  return ((await response.json()) as { requests: JournalEntry[] }).requests;
}

/** Registers a fresh RSA2 app and returns its private key. */
export async function registerApp(sandbox: RunningSandbox, appId: string): Promise<KeyObject> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const response = await fetch(`${sandbox.url}/__admin/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
  return privateKey;
}
