/**
 * The admin API from the console page: the same client other processes use, built from the route
 * table (core/admin/admin-routes.ts), same origin, the token (if any) as Bearer. The console's own
 * endpoints (its data under /__admin/ui/data, the journal's event stream) are not admin operations:
 * `consoleData` fetches those.
 */
import { AdminClientError, createAdminClient } from '../../core/admin/admin-client.js';

export { AdminClientError };

const TOKEN_KEY = 'alipay-sandbox-admin-token';

function token(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export const admin = createAdminClient('', { token });

/** What a refusal says, with where in a scenario document when the message does not say it already. */
export function refusalText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error instanceof AdminClientError && error.path && !error.message.includes(error.path) ? `${error.path}: ${error.message}` : error.message;
}

/** One of the console's own endpoints below /__admin, as JSON, or the response itself (`raw`, for the event stream). */
export async function consoleData<T>(method: string, path: string, options: { raw?: boolean } = {}): Promise<T> {
  const bearer = token();
  const response = await fetch(`/__admin${path}`, { method, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  if (!response.ok) throw new AdminClientError(response.status, `${method} ${path} answered ${response.status}`);
  return (options.raw ? response : await response.json()) as T;
}
