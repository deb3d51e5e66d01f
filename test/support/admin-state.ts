/** The admin API's state controls, as tests call them (through the typed admin client). */
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { adminOf, answered, type Answered } from './admin-client.js';

export function completeCertification(sandbox: RunningSandbox, id: string, completion: Record<string, unknown>): Promise<Answered> {
  return answered(adminOf(sandbox).completeCertification(id, completion));
}

export function moveClock(sandbox: RunningSandbox, body: Record<string, unknown>): Promise<{ now: string; offset_ms: number }> {
  return adminOf(sandbox).moveClock(body);
}
