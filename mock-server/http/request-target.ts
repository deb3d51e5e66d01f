/**
 * One reading of a request's target, for every part that routes on it. The admin guard and Express's
 * router must agree on which requests are admin: Node hands over the target as the client spelled it
 * (`/__ADMIN/reset`, `http://evil.example/__admin/reset`, `//__admin/./reset`, `/%5F_admin/reset`),
 * and Express would read several of those spellings its own way (case-insensitively, absolute URLs by
 * their path, `\` as `/` in some of them). So the server reads the target here once, in the standard
 * normal form of RFC 3986 (§6.2.2: unreserved characters decoded, dot segments removed) with repeated
 * slashes folded and `\` taken as `/` as browsers do, hands Express only that normal form, and routes
 * case-sensitively; the guard classifies the same normal form, ignoring case, so that a spelling can
 * at worst be guarded and not found, never found and not guarded.
 */

/** The target in normal form, or why it cannot be read. */
export type RequestTarget =
  | {
      readonly ok: true;
      /** The path in normal form: starts with `/`, no empty or dot segments, no escaped unreserved character. */
      readonly path: string;
      /** `?` and the query as sent, or ''. */
      readonly search: string;
      /** The host of an absolute-form target (`http://host:port/path`), which a proxy would go by. */
      readonly authority?: string;
    }
  | { readonly ok: false; readonly problem: string };

const ABSOLUTE_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;
/** What may stand in a path as sent: visible ASCII (RFC 3986 has no place for spaces, controls or bytes beyond). */
const PATH_CHARACTERS = /^[\x21-\x7e]*$/;
const ESCAPE = /%([0-9a-f]{2})/gi;
const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/** `%5F` → `_` (unreserved characters mean the same escaped or not); other escapes kept, in upper case. */
function decodeUnreserved(path: string): string | undefined {
  if (/%(?![0-9a-f]{2})/i.test(path)) return undefined;
  return path.replace(ESCAPE, (escape, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : escape.toUpperCase();
  });
}

/** RFC 3986 §5.2.4 on segments, with empty segments (repeated slashes) dropped as well. */
function normalSegments(path: string): string {
  const kept: string[] = [];
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  // A trailing slash stays (Express serves `/__admin/ui/`), but only one, and not after a dot segment.
  const last = segments[segments.length - 1];
  const trailing = segments.length > 1 && (last === '' || last === '.' || last === '..') && kept.length > 0;
  return `/${kept.join('/')}${trailing ? '/' : ''}`;
}

/** Whether the path is in normal form already (what clients send): the common case costs one scan. */
function isNormal(path: string): boolean {
  return path.startsWith('/') && !/[%\\#]|\/\/|\/\.\.?(?:\/|$)/.test(path) && PATH_CHARACTERS.test(path);
}

export function readRequestTarget(raw: string): RequestTarget {
  let rest = raw;
  let authority: string | undefined;
  const absolute = ABSOLUTE_FORM.exec(raw);
  if (absolute) {
    authority = absolute[2]!;
    rest = raw.slice(absolute[0].length) || '/';
    if (rest.startsWith('?')) rest = `/${rest}`;
  }
  const queryAt = rest.indexOf('?');
  const sentPath = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const search = queryAt < 0 ? '' : rest.slice(queryAt);
  if (isNormal(sentPath)) return { ok: true, path: sentPath, search, ...(authority === undefined ? {} : { authority }) };
  if (!sentPath.startsWith('/')) return { ok: false, problem: `the request target "${raw.slice(0, 200)}" is neither a path (/…) nor an absolute URL` };
  if (!PATH_CHARACTERS.test(sentPath) || sentPath.includes('#')) return { ok: false, problem: 'the request path has characters a URL path cannot hold (spaces, controls, "#" or non-ASCII): percent-encode them' };
  const decoded = decodeUnreserved(sentPath.replaceAll('\\', '/'));
  if (decoded === undefined) return { ok: false, problem: 'the request path has a "%" that is not followed by two hex digits: percent-encode "%" as %25' };
  return { ok: true, path: normalSegments(decoded), search, ...(authority === undefined ? {} : { authority }) };
}

const GUARDED_PREFIXES = ['/__admin', '/__sandbox'];

/**
 * Whether a path in normal form is the developer's (admin API, hosted-page posts), in any case and
 * without waiting for a segment's end: guarding `/__ADMIN` or `/__adminx` costs nothing (the router,
 * case-sensitive, finds nothing there), missing one would cost the guard.
 */
export function isGuardedPath(path: string): boolean {
  const lower = path.toLowerCase();
  return GUARDED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** Whether a guarded path is the admin API's (which needs the token), by the same rule. */
export function isAdminApiPath(path: string): boolean {
  return path.toLowerCase().startsWith(GUARDED_PREFIXES[0]!);
}
