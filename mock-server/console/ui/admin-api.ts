/** The admin API from the console page: same origin, JSON in and out, the token (if any) as Bearer. */

const TOKEN_KEY = 'alipay-sandbox-admin-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export async function api<T>(method: string, path: string, body?: unknown, options: { raw?: boolean } = {}): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const response = await fetch(`/__admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const text = await response.text();
    let message = `${method} ${path} answered ${response.status}`;
    try {
      const refusal = JSON.parse(text) as { error?: string; path?: string };
      if (refusal.error) message = refusal.path && !refusal.error.includes(refusal.path) ? `${refusal.path}: ${refusal.error}` : refusal.error;
    } catch {
      // Not the sandbox's JSON: keep the status line.
    }
    throw new ApiError(response.status, message);
  }
  if (options.raw) return response as T;
  return (response.status === 204 ? undefined : await response.json()) as T;
}
