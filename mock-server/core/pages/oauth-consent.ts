/**
 * The hosted page that stands in for Alipay's OAuth page, publicAppAuthorize.htm: the merchant sends
 * the person's browser there with app_id, scope, redirect_uri and state; the page shows the app and
 * what it asks for, the tester picks which of the sandbox's people agrees, and the agreement goes
 * through the admin core's issueAuthCode (core/flows/user-authorizations.ts) and sends the browser to
 * redirect_uri with app_id, source, scope, auth_code and state, as Alipay does. Whichever adapter
 * carries it (the HTTP server, msw for Alipay's OAuth hosts), the answer is a raw PageAnswer.
 *
 * The sandbox's choices where Alipay documents nothing for a sandbox: scope auth_base, which Alipay
 * grants silently, shows the page too (someone has to be chosen); any http(s) redirect_uri is taken,
 * since no app here registers a callback address; a bad parameter gets a 4xx page saying which.
 */
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import { isOAuthScope, OAUTH_STATE_MAX_LENGTH, redirectScheme, type OAuthScope } from '../flows/user-authorizations.js';
import type { Person } from '../state/sandbox-store.js';
import { escapeHtml, PAGE_CONTENT_SECURITY_POLICY, PAGE_HEADERS, pageDocument } from './html.js';
import type { PageAnswer } from './page-completion.js';

/** Where Alipay serves the page, on its production and sandbox OAuth hosts, and the sandbox on its own. */
export const OAUTH_AUTHORIZE_PATH = '/oauth2/publicAppAuthorize.htm';
export const ALIPAY_OAUTH_ORIGINS: readonly string[] = ['https://openauth.alipay.com', 'https://openauth-sandbox.dl.alipaydev.com', 'https://openauth.alipaydev.com'];
/** Where the page posts the agreement: under /__sandbox, so the admin guard's Origin rules keep cross-site pages from agreeing. */
export const CONSENT_POST_PATH = '/__sandbox/oauth2/authorize';

/** A cross-site page must not frame the consent page and have the tester click "agree" through it. */
const CONSENT_HEADERS: Readonly<Record<string, string>> = { ...PAGE_HEADERS, 'content-security-policy': `${PAGE_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`, 'x-frame-options': 'DENY' };

interface AuthorizeRequest {
  readonly appId: string;
  readonly scope: OAuthScope;
  readonly redirectUri: string;
  readonly state?: string;
}

type Read = { readonly ok: true; readonly request: AuthorizeRequest } | { readonly ok: false; readonly status: 400 | 404; readonly problem: string };

const WEB_SCHEMES = new Set(['http:', 'https:']);

const bad = (problem: string): Read => ({ ok: false, status: 400, problem });

/**
 * auth_base, auth_user, or both comma-separated (Alipay's form): the wider one is what is granted.
 * id_verify is granted on its own (the sandbox keeps one scope per grant).
 */
function scopeOf(value: string | null): OAuthScope | undefined {
  const scopes = (value ?? '').split(',').map((scope) => scope.trim());
  if (!scopes.every(isOAuthScope)) return undefined;
  if (scopes.includes('id_verify')) return scopes.length === 1 ? 'id_verify' : undefined;
  return scopes.includes('auth_user') ? 'auth_user' : 'auth_base';
}

/** The page's parameters, from its URL or from its form, checked alike. */
function readRequest(admin: SandboxAdmin, params: URLSearchParams): Read {
  const appId = params.get('app_id') ?? '';
  if (!/^\d{1,32}$/.test(appId)) return bad('app_id is required: the app id (digits) of the app asking for the authorization');
  const scope = scopeOf(params.get('scope'));
  if (!scope) return bad(`scope must be auth_base or auth_user (or both, comma-separated), or id_verify alone, not "${params.get('scope') ?? ''}"`);
  const redirectUri = params.get('redirect_uri') ?? '';
  // Only web addresses: a javascript: or data: redirect_uri must never be where the browser is sent.
  if (!WEB_SCHEMES.has(redirectScheme(redirectUri) ?? '')) return bad(`redirect_uri must be an absolute http(s) URL, URL-encoded in the page's address, not "${redirectUri}"`);
  const state = params.get('state') ?? undefined;
  if (state !== undefined && state.length > OAUTH_STATE_MAX_LENGTH) return bad(`state is ${state.length} characters long; the sandbox takes at most ${OAUTH_STATE_MAX_LENGTH}`);
  try {
    admin.app(appId);
  } catch (error) {
    if ((error as { status?: unknown }).status !== 404) throw error;
    return { ok: false, status: 404, problem: (error as Error).message };
  }
  return { ok: true, request: { appId, scope, redirectUri, ...(state ? { state } : {}) } };
}

const SCOPE_TEXT: Readonly<Record<OAuthScope, string>> = {
  auth_base: '获取你的支付宝会员标识 (user_id, open_id)',
  auth_user: '获取你的支付宝会员标识与公开信息 (头像、昵称、性别、省份、城市)',
  id_verify: '核对你提供给该应用的实名证件信息 (姓名、证件号、手机号)',
};

/** 330701199901011316 → 330701********1316, as Alipay's own pages show an ID number. */
function masked(certNo: string): string {
  return `${certNo.slice(0, 6)}${'*'.repeat(Math.max(certNo.length - 10, 0))}${certNo.slice(-4)}`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function personChoice(person: Person, index: number): string {
  const id = `person-${index}`;
  return `<p><input type="radio" name="user_id" id="${id}" value="${escapeHtml(person.user_id)}" style="width:auto"${index === 0 ? ' checked' : ''}>
<label for="${id}">${escapeHtml(person.name)} ${escapeHtml(masked(person.cert_no))} <code>${escapeHtml(person.user_id)}</code></label></p>`;
}

function consentPage(request: AuthorizeRequest, people: readonly Person[]): string {
  return pageDocument(
    '支付宝账号授权',
    `<h1>支付宝账号授权</h1>
<dl>
<dt>app_id</dt><dd id="app-id">${escapeHtml(request.appId)}</dd>
<dt>scope</dt><dd id="scope">${request.scope}</dd>
<dt>redirect_uri</dt><dd id="redirect-uri">${escapeHtml(request.redirectUri)}</dd>
</dl>
<p id="scope-text">该应用将${SCOPE_TEXT[request.scope]}</p>
<form method="post" action="${CONSENT_POST_PATH}">
${hidden('app_id', request.appId)}${hidden('scope', request.scope)}${hidden('redirect_uri', request.redirectUri)}${request.state ? hidden('state', request.state) : ''}
<p>以哪位会员授权 Agree as</p>
${people.map(personChoice).join('\n')}
<p><button id="agree" name="choice" value="agree" style="background:#1677ff;color:#fff;border-color:#1677ff">同意授权 Agree</button></p>
</form>`,
  );
}

function errorPage(status: number, problem: string): PageAnswer {
  const html = pageDocument('支付宝 - 授权出错', `<h1 class="error">授权出错</h1>\n<p id="problem">${escapeHtml(problem)}</p>`);
  return { status, headers: CONSENT_HEADERS, body: html };
}

/** The page for `query` (the URL's query, without `?`), or a 4xx page naming the parameter at fault. */
export function consentPageFor(admin: SandboxAdmin, query: string): PageAnswer {
  const read = readRequest(admin, new URLSearchParams(query));
  if (!read.ok) return errorPage(read.status, read.problem);
  const people = admin.identities().identities;
  if (!people.length) return errorPage(409, 'the sandbox knows no people: add one with POST /__admin/identities');
  return { status: 200, headers: CONSENT_HEADERS, body: consentPage(read.request, people) };
}

/** The page's form post: the chosen person agrees, and the browser goes on to redirect_uri with the auth_code. */
export async function agreeFromPage(admin: SandboxAdmin, formBody: string): Promise<PageAnswer> {
  const form = new URLSearchParams(formBody);
  const read = readRequest(admin, form);
  if (!read.ok) return errorPage(read.status, read.problem);
  const userId = form.get('user_id') ?? '';
  if (!/^2088\d{12}$/.test(userId)) return errorPage(400, 'choose the person who agrees (user_id, 2088 and 12 digits)');
  const { appId, scope, redirectUri, state } = read.request;
  let issued;
  try {
    issued = await admin.issueAuthCode({ app_id: appId, user_id: userId, scope, redirect_uri: redirectUri, ...(state ? { state } : {}) });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status !== 400 && status !== 404) throw error;
    return errorPage(status, (error as Error).message);
  }
  return { status: 303, headers: { location: issued.redirect_url! }, body: '' };
}
