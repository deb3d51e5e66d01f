/** The admin API's state controls, as tests call them. */
import type { RunningSandbox } from '../../mock-server/sandbox.js';

export async function completeCertification(sandbox: RunningSandbox, id: string, completion: Record<string, unknown>): Promise<Response> {
  return fetch(`${sandbox.url}/__admin/certifications/${id}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(completion),
  });
}

export async function moveClock(sandbox: RunningSandbox, body: Record<string, unknown>): Promise<{ now: string; offset_ms: number }> {
  const response = await fetch(`${sandbox.url}/__admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`clock answered ${response.status}`);
  return (await response.json()) as { now: string; offset_ms: number };
}
