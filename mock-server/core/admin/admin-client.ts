/**
 * The admin core over HTTP: the same operations as `sandbox.admin`, each a call to /__admin built from
 * the route table (admin-routes.ts), for a sandbox in another process (`npx alipay-sandbox serve`, a
 * CI service, a replica) and for the web console's page. A refusal comes back as an AdminClientError
 * with the status and the sandbox's own message.
 */
import { adminRoutes, fillPath, type AdminRoute } from './admin-routes.js';
import type { SandboxAdmin } from './admin-api.js';

/** The admin core's operations, each answered over the network. */
export type RemoteSandboxAdmin = {
  [Operation in keyof SandboxAdmin]: (...args: Parameters<SandboxAdmin[Operation]>) => Promise<Awaited<ReturnType<SandboxAdmin[Operation]>>>;
};

export class AdminClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** For a refused scenario: where in the document. */
    readonly path?: string,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /**
   * What a sandbox bound beyond loopback prints (`admin token`), sent as Authorization: Bearer; a
   * function is asked before each call (the console's page, whose user may give it later).
   */
  readonly token?: string | (() => string | undefined);
}

type Json = Record<string, unknown>;

/** A call as the route table says to make it: the path filled in, the query and the body from the arguments. */
interface Call {
  readonly path: string;
  readonly body?: unknown;
}

function callOf(route: AdminRoute, args: readonly unknown[]): Call {
  const pathValues: Record<string, unknown> = {};
  let query = '';
  let body: unknown;
  route.arguments.forEach((source, index) => {
    const value = args[index];
    if (source.from === 'path') pathValues[source.name] = value;
    else if (source.from === 'body') body = value;
    else if (source.from === 'body-member') body = value === undefined ? {} : { [source.name]: value };
    else if (source.from === 'query') query = searchOf(value, source.names);
  });
  return { path: fillPath(route.path, pathValues) + query, body };
}

/** `?a=1&b=2` of an object's defined members (only `names`, when given), or ''. */
function searchOf(value: unknown, names: readonly string[] | undefined): string {
  const entries = Object.entries((value ?? {}) as Json).filter(([name, member]) => member !== undefined && (!names || names.includes(name)));
  const search = new URLSearchParams(entries.map(([name, member]): [string, string] => [name, String(member)]));
  return search.size ? `?${search}` : '';
}

/** The sandbox's refusal as an error: its message and scenario path, or the status line when the body is not its JSON. */
function refusalOf(method: string, path: string, status: number, text: string): AdminClientError {
  let refusal: Json = {};
  try {
    refusal = JSON.parse(text) as Json;
  } catch {
    // Not the sandbox's JSON (a proxy's page, say): the text is the message.
  }
  return new AdminClientError(status, typeof refusal.error === 'string' ? refusal.error : `${method} ${path} answered ${status}: ${text}`, typeof refusal.path === 'string' ? refusal.path : undefined);
}

export function createAdminClient(sandboxUrl: string, options: AdminClientOptions = {}): RemoteSandboxAdmin {
  const base = `${sandboxUrl.replace(/\/$/, '')}/__admin`;
  const tokenOf = typeof options.token === 'function' ? options.token : () => options.token as string | undefined;

  async function send(method: string, { path, body }: Call): Promise<unknown> {
    const token = tokenOf();
    const yaml = typeof body === 'string';
    const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': yaml ? 'text/yaml' : 'application/json' }) };
    const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : yaml ? body : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw refusalOf(method, path, response.status, text);
    if (response.status === 204) return undefined;
    return response.headers.get('content-type')?.startsWith('text/plain') ? text : JSON.parse(text);
  }

  const client: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const route of adminRoutes()) client[route.operation] = (...args) => send(route.verb, callOf(route, args));
  // Every admin answer over HTTP comes once its change is stored: nothing is left to wait for.
  client.settled = async () => undefined;
  // One function per operation of the table, which names each of SandboxAdmin's once (its type says so).
  return client as unknown as RemoteSandboxAdmin;
}
