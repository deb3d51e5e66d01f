/**
 * The admin API (/__admin) and the hosted pages' form posts (/__sandbox) belong to the developer, not
 * to whatever web page their browser has open. Three checks, before any route runs:
 * - Host: only names the sandbox is reached by (loopback names, this machine's own addresses, the
 *   --host it is bound to, and names given with --admin-hosts). A DNS-rebinding page's Host is its
 *   own domain, and is refused. An absolute-form target's host is checked as well: a proxy would go by it.
 * - Origin: a browser write (anything but GET/HEAD/OPTIONS) must come from the sandbox's own origin;
 *   a cross-site form or fetch, even a "simple" text/plain one, is refused. curl sends no Origin.
 * - Token: bound beyond loopback, /__admin needs `Authorization: Bearer <token>`. gateway.do stays
 *   open, as Alipay's is, and so do the hosted pages a phone's browser posts, and the web console's
 *   page and bundle (no data in them; the page asks for the token and sends it).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isAdminApiPath, type RequestTarget } from './request-target.js';

export interface AdminGuardOptions {
  /** The address the server is bound to (--host). */
  readonly host: string;
  /** More host names to answer admin requests for (--admin-hosts). */
  readonly adminHosts?: readonly string[];
  /** Required on /__admin when set (--admin-token); bound beyond loopback there always is one. */
  readonly adminToken?: string;
}

export interface Refusal {
  readonly status: 400 | 401 | 403;
  readonly error: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The console's page and bundle hold no data: a browser loads them without the token, which the page then asks for. */
const CONSOLE_ASSETS = new Set(['/__admin/ui', '/__admin/ui/', '/__admin/ui/console.js', '/__admin/ui/console.css']);

function isConsoleAsset(req: IncomingMessage, path: string): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && CONSOLE_ASSETS.has(path);
}

export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

function hostnameOf(hostHeader: string): string {
  // "[::1]:8976" → "::1"; "127.0.0.1:8976" → "127.0.0.1"; "localhost" → "localhost"
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

function ownAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) addresses.add(entry.address.toLowerCase());
  return addresses;
}

/** Compared in constant time: how long a refusal takes says nothing about the token. */
function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  const body = JSON.stringify({ error: refusal.error });
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="alipay-gateway-sandbox admin"' } : {}),
  });
  res.end(body);
}

export function createAdminGuard(options: AdminGuardOptions) {
  const bound = options.host.toLowerCase();
  const named = new Set([bound, ...(options.adminHosts ?? []).map((name) => name.toLowerCase())]);
  const addresses = ownAddresses();

  function hostAllowed(hostname: string): boolean {
    if (isLoopback(hostname) || named.has(hostname)) return true;
    // An address literal cannot be rebound to an attacker's page; only this machine's own are taken.
    return isIP(hostname) !== 0 && addresses.has(hostname);
  }

  function hostRefusal(host: string, what: string): Refusal | undefined {
    const hostname = hostnameOf(host);
    if (hostAllowed(hostname)) return undefined;
    return { status: 403, error: `${what} "${host}" is not a name this sandbox is reached by; start it with --admin-hosts ${hostname || 'NAME'} to allow it` };
  }

  /** Why this request may not reach the admin API or the hosted pages' posts, or undefined. */
  return function refusal(req: IncomingMessage, target: Extract<RequestTarget, { ok: true }>): Refusal | undefined {
    const host = req.headers.host ?? '';
    const foreignHost = hostRefusal(host, 'Host') ?? (target.authority === undefined ? undefined : hostRefusal(target.authority, 'The request target\'s host'));
    if (foreignHost) return foreignHost;
    if (!SAFE_METHODS.has(req.method ?? 'GET')) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) {
        return { status: 403, error: `a write from ${origin} is refused: only the sandbox's own pages (http://${host}) and clients without an Origin (curl, test code) may change it` };
      }
      if (origin === undefined && req.headers['sec-fetch-site'] === 'cross-site') {
        return { status: 403, error: 'a cross-site write is refused' };
      }
    }
    if (options.adminToken && isAdminApiPath(target.path) && !isConsoleAsset(req, target.path) && !sameSecret(req.headers.authorization, `Bearer ${options.adminToken}`)) {
      return { status: 401, error: 'the admin API needs Authorization: Bearer <token> (the token serve printed, or --admin-token / ALIPAY_SANDBOX_ADMIN_TOKEN)' };
    }
    return undefined;
  };
}
