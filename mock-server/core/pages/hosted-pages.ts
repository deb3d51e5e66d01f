/**
 * The one table of the sandbox's hosted pages: each page's verb, path pattern, where the in-process
 * adapters serve it, and what answers it. Every adapter translates this table into its world rather
 * than listing the pages again: the HTTP server makes Express routes of it, the msw handlers and the
 * undici agent match requests against it with `hostedPageAt` and answer with `answerHostedPage`. A HEAD
 * of a GET page is answered as Express answers it: the GET's status and headers, no body.
 *
 * Platform-neutral (no node:*), like the pages themselves: the browser build of the msw handlers runs it.
 */
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import { businessError } from '../protocol/public-errors.js';
import { pageErrorPage } from './certification-page.js';
import { PAGE_HEADERS } from './html.js';
import { agreeFromPage, ALIPAY_OAUTH_ORIGINS, consentPageFor, CONSENT_POST_PATH, OAUTH_AUTHORIZE_PATH } from './oauth-consent.js';
import { completeFromPage, pageFromLink, type PageAnswer } from './page-completion.js';
import { completeVerificationFromPage, verificationPageFor } from './verification-page.js';

/**
 * Where an in-process adapter serves a page: on the gateways' origins (where the links the methods
 * answer point), or on Alipay's OAuth hosts (where a merchant's authorize URL points). The HTTP server
 * serves every page on its one origin.
 */
export type PageSite = 'gateway' | 'oauth';

/** What a page reads of its request, whichever adapter carried it. */
export interface PageRequest {
  /** The pattern's `:name` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query as sent, undecoded, without `?`: the consent page reads it as a browser's URL carries it. */
  readonly query: string;
  /** The form post's body (application/x-www-form-urlencoded); empty for a GET. */
  readonly form: string;
}

export interface HostedPage {
  readonly verb: 'GET' | 'POST';
  /** Literal segments and `:name` segments (one whole segment each), as Express and msw spell a path. */
  readonly path: string;
  readonly site: PageSite;
  answer(admin: SandboxAdmin, request: PageRequest): PageAnswer | Promise<PageAnswer>;
}

/** The form posts' bound: larger bodies are refused, as a page's few fields never need more. */
export const PAGE_FORM_MAX_BYTES = 16 * 1024;
export const PAGE_FORM_TYPE = 'application/x-www-form-urlencoded';

const param = (request: PageRequest, name: string): string => request.params[name] ?? '';

export const HOSTED_PAGES: readonly HostedPage[] = [
  // The page a certify_url or web_url opens, and the tester's choice it posts.
  { verb: 'GET', path: '/__sandbox/certifications/:id', site: 'gateway', answer: (admin, request) => pageFromLink(admin, param(request, 'id')) },
  { verb: 'POST', path: '/__sandbox/certifications/:id/complete', site: 'gateway', answer: (admin, request) => completeFromPage(admin, param(request, 'id'), request.form) },
  // The 核身 page a verify_url opens, and its choice.
  { verb: 'GET', path: '/__sandbox/verifications/:token', site: 'gateway', answer: (admin, request) => verificationPageFor(admin, param(request, 'token')) },
  { verb: 'POST', path: '/__sandbox/verifications/:token/complete', site: 'gateway', answer: (admin, request) => completeVerificationFromPage(admin, param(request, 'token'), request.form) },
  // Alipay's OAuth page at its own path, and the agreement it posts back to the same host.
  { verb: 'GET', path: OAUTH_AUTHORIZE_PATH, site: 'oauth', answer: (admin, request) => consentPageFor(admin, request.query) },
  { verb: 'POST', path: CONSENT_POST_PATH, site: 'oauth', answer: (admin, request) => agreeFromPage(admin, request.form) },
];

/** A request an in-process adapter matched to a page. */
export interface HostedPageMatch {
  readonly page: HostedPage;
  /** A HEAD of a GET page: its answer's headers only. */
  readonly head: boolean;
  /** Undefined when a `:name` segment is not valid percent-encoding: the page answers 400. */
  readonly params: Readonly<Record<string, string>> | undefined;
  readonly query: string;
}

/** A path segment percent-decoded, or undefined when it is not UTF-8 percent-encoding (%E4 alone, %ZZ). */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type PathMatch = { readonly params: Readonly<Record<string, string>> | undefined };

/**
 * `path` against a page's pattern: literal segments compare exactly (case too, as the HTTP server's
 * routes do), a `:name` segment takes any non-empty one; one trailing slash is the same path, as Express
 * routes it. An undecodable `:name` segment still matches, without params, so that the page refuses it.
 */
function matchPath(pattern: string, path: string): PathMatch | undefined {
  const wanted = pattern.split('/');
  const given = path.replace(/(.)\/$/, '$1').split('/');
  if (wanted.length !== given.length) return undefined;
  const params: Record<string, string> = {};
  let readable = true;
  for (const [i, segment] of wanted.entries()) {
    const value = given[i]!;
    if (!segment.startsWith(':')) {
      if (segment !== value) return undefined;
      continue;
    }
    if (!value) return undefined;
    const decoded = decodedSegment(value);
    if (decoded === undefined) readable = false;
    else params[segment.slice(1)] = decoded;
  }
  return { params: readable ? params : undefined };
}

/** Where each site is for an in-process adapter: the gateways' origins it was given, and Alipay's OAuth hosts. */
function sitesOf(origin: string, isGatewayOrigin: (origin: string) => boolean): PageSite[] {
  return [...(isGatewayOrigin(origin) ? ['gateway' as const] : []), ...(ALIPAY_OAUTH_ORIGINS.includes(origin) ? ['oauth' as const] : [])];
}

/**
 * The page an in-process adapter answers for `verb` `origin` `target` (path and query, as sent), or
 * undefined when the request is not a page's. No Origin check here, unlike the HTTP server's admin
 * guard: an in-process adapter answers only its own process's requests (a test's, or in a browser a
 * page that its service worker controls, which a cross-site page never is), so no other site can post.
 */
export function hostedPageAt(verb: string, origin: string, target: string, isGatewayOrigin: (origin: string) => boolean): HostedPageMatch | undefined {
  const sites = sitesOf(origin, isGatewayOrigin);
  if (!sites.length) return undefined;
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  const query = at < 0 ? '' : target.slice(at + 1);
  const head = verb === 'HEAD';
  for (const page of HOSTED_PAGES) {
    if (page.verb !== (head ? 'GET' : verb) || !sites.includes(page.site)) continue;
    const matched = matchPath(page.path, path);
    if (matched) return { page, head, params: matched.params, query };
  }
  return undefined;
}

const refusal = (status: number, detail: string): PageAnswer => ({ status, headers: PAGE_HEADERS, body: pageErrorPage(businessError('INVALID_PARAMETER', detail)) });

/** A form post's body as an in-process adapter holds it: whole, with its content type. */
export interface PageBody {
  readonly contentType: string | undefined;
  readonly bytes: Uint8Array;
}

/** Only a urlencoded body is a form, as the HTTP server parses only that type; any other reads as no choice. */
function formOf(verb: HostedPage['verb'], body: PageBody): string {
  const type = (body.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return verb === 'POST' && type === PAGE_FORM_TYPE ? new TextDecoder().decode(body.bytes) : '';
}

/**
 * What a HEAD gets, as HTTP servers (Express among them) answer it: the GET's status and headers, its
 * Content-Length the length the GET's body would have, and no body.
 */
function headOf(answer: PageAnswer): PageAnswer {
  return { status: answer.status, headers: { ...answer.headers, 'content-length': String(new TextEncoder().encode(answer.body).length) }, body: '' };
}

/** The page's answer to a matched request (a GET's body is ignored); bad input is a 4xx page. */
export async function answerHostedPage(admin: SandboxAdmin, match: HostedPageMatch, body: PageBody): Promise<PageAnswer> {
  if (match.head) return headOf(await answerHostedPage(admin, { ...match, head: false }, body));
  if (!match.params) return refusal(400, 'the link is not valid percent-encoding');
  if (body.bytes.length > PAGE_FORM_MAX_BYTES) return refusal(413, `the form is larger than the ${PAGE_FORM_MAX_BYTES} bytes a page posts`);
  return match.page.answer(admin, { params: match.params, query: match.query, form: formOf(match.page.verb, body) });
}
