/**
 * The admin API, each operation once: its verb, path, answer status, what it takes and from where,
 * and the JSON Schema of its body. The HTTP router (http/admin-router.ts), the typed client
 * (admin-client.ts, which the web console uses too) and the OpenAPI description served at
 * /__admin/openapi.json (admin-openapi.ts) are all built from this table, as WireMock's AdminRoutes
 * builds its router and client. The operations themselves, and their checks, are the admin core's
 * (sandbox-admin.ts): a body schema here describes, the core decides.
 */
import type { SandboxAdmin } from './admin-api.js';

/** Every admin operation that is a request (settled is the in-process wait for replicas, not one). */
export type AdminOperation = Exclude<keyof SandboxAdmin, 'settled'>;

export type AdminVerb = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where one argument of the operation comes from in the request. */
export type ArgumentSource =
  /** A `:name` segment of the path; `integer`: digits, else NaN (the core refuses it). */
  | { readonly from: 'path'; readonly name: string; readonly integer?: true }
  /** The whole body: JSON, or YAML text for scenario documents. */
  | { readonly from: 'body' }
  /** One member of a JSON body. */
  | { readonly from: 'body-member'; readonly name: string }
  /** The query as an object of texts: every parameter, or only `names` (empty ones left out). */
  | { readonly from: 'query'; readonly names?: readonly string[] }
  /** The request as the caller wrote it ("PUT /__admin/apps/…/scenario"): a name for load errors; clients send nothing for it. */
  | { readonly from: 'route' };

export interface AdminRoute {
  readonly verb: AdminVerb;
  /** Below /__admin, with `:name` segments. */
  readonly path: string;
  /** Other paths answering the same (older or WireMock-style names). */
  readonly aliases?: readonly string[];
  readonly status: 200 | 201 | 204;
  readonly summary: string;
  /** The operation's arguments, in its parameter order. */
  readonly arguments: readonly ArgumentSource[];
  /** JSON Schema of the body, for the description (the core checks the body itself, with its own messages). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** What a 2xx carries: JSON (default), text, or nothing (204). */
  readonly answers?: 'text';
}

const appId = { from: 'path', name: 'app_id' } as const;
const body = { from: 'body' } as const;
const token = { from: 'path', name: 'token' } as const;
const certificationId = { from: 'path', name: 'id' } as const;

const SCENARIO_DOCUMENT = { description: 'a scenario document (scenarios/scenario.schema.json), as JSON or as YAML text (text/yaml)', type: ['object', 'string'] };
const REQUEST_CRITERIA = {
  type: 'object',
  description: 'journal criteria: method, app_id, auth_app_id, code, sub_code (text or { "regex" }), protocol, since, until, biz_content (field → text or { "regex" })',
  properties: { method: {}, app_id: {}, auth_app_id: {}, code: {}, sub_code: {}, protocol: { enum: ['v1', 'v3'] }, since: {}, until: {}, biz_content: { type: 'object' } },
  additionalProperties: false,
};
const text = (description: string) => ({ type: 'string', description });
const ISV_AUTHORIZATION = {
  type: 'object',
  required: ['app_id'],
  properties: { app_id: text('the ISV app'), auth_app_id: text("the merchant's app_id"), user_id: text('the merchant\'s Alipay user id'), methods: { type: 'array', items: { type: 'string' }, description: 'the APIs authorized (all when left out)' } },
};

/** Keyed by operation, so that each is there exactly once (the type says so). */
const ADMIN_ROUTES: { readonly [Operation in AdminOperation]: AdminRoute } = {
  health: { verb: 'GET', path: '/health', status: 200, summary: 'status, uptime and memory', arguments: [] },
  alipayPublicKey: { verb: 'GET', path: '/alipay-public-key', status: 200, summary: "the sandbox's \"Alipay\" public key, PEM text", arguments: [], answers: 'text' },
  verifyResponse: {
    verb: 'POST',
    path: '/verify-response',
    status: 200,
    summary: "why a client could not verify an answer: whether its sign verifies with the sandbox's Alipay key, and whether the client's key is that key",
    arguments: [body],
    body: {
      type: 'object',
      required: ['body'],
      properties: {
        body: text('the response body as the client received it, the raw JSON text'),
        charset: { enum: ['utf-8', 'gbk', 'gb2312'], default: 'utf-8', description: 'the charset the request sent' },
        alipay_public_key: text('the Alipay public key the client holds, PEM'),
      },
    },
  },
  reset: { verb: 'POST', path: '/reset', status: 204, summary: 'back to the start state: app scenarios, counts, journal, grants and certifications, the clock', arguments: [] },

  apps: { verb: 'GET', path: '/apps', status: 200, summary: 'every app the sandbox serves, the built-in one first', arguments: [] },
  registerApp: {
    verb: 'POST',
    path: '/apps',
    status: 201,
    summary: 'registers or re-keys an app, by its public key or a certificate the sandbox issued',
    arguments: [body],
    body: {
      type: 'object',
      required: ['app_id'],
      properties: {
        app_id: text('1 to 32 letters, digits, "_" or "-" (Alipay app_ids are 16 digits)'),
        public_key: text('PEM, or the bare base64 from Alipay\'s console; PKCS#1 or SPKI'),
        app_cert: text('instead of public_key: an app certificate issued by the sandbox\'s root CA'),
        sign_type: { enum: ['RSA2', 'RSA'], default: 'RSA2' },
      },
    },
  },
  app: { verb: 'GET', path: '/apps/:app_id', status: 200, summary: "an app's record", arguments: [appId] },
  setAesKey: {
    verb: 'POST',
    path: '/apps/:app_id/aes-key',
    status: 200,
    summary: "sets the app's AES key for content encryption, or generates one when none is sent",
    arguments: [appId, { from: 'body-member', name: 'aes_key' }],
    body: { type: 'object', properties: { aes_key: text('base64 of 16 bytes') } },
  },

  startScenario: { verb: 'GET', path: '/scenario', status: 200, summary: 'the start scenario', arguments: [] },
  checkScenario: { verb: 'POST', path: '/scenarios/check', status: 200, summary: 'whether a scenario document would load, without setting it', arguments: [body], body: SCENARIO_DOCUMENT },
  setAppScenario: { verb: 'PUT', path: '/apps/:app_id/scenario', status: 200, summary: "one app's own scenario", arguments: [appId, body, { from: 'route' }], body: SCENARIO_DOCUMENT },
  appScenario: { verb: 'GET', path: '/apps/:app_id/scenario', status: 200, summary: "one app's own scenario, as it was set", arguments: [appId] },
  clearAppScenario: { verb: 'DELETE', path: '/apps/:app_id/scenario', status: 204, summary: "removes an app's own scenario: the start scenario applies again", arguments: [appId] },

  requests: { verb: 'GET', path: '/requests', status: 200, summary: 'the request journal, filtered by the query (the criteria of /requests/count)', arguments: [{ from: 'query' }] },
  countRequests: { verb: 'POST', path: '/requests/count', status: 200, summary: 'how many journalled requests meet the criteria', arguments: [body], body: REQUEST_CRITERIA },
  findRequests: { verb: 'POST', path: '/requests/find', status: 200, summary: 'the journalled requests that meet the criteria, oldest first', arguments: [body], body: REQUEST_CRITERIA },
  // WireMock's name for the requests no stub matched; here, the ones the gateway refused before any method ran.
  refusedRequests: { verb: 'GET', path: '/requests/unmatched', aliases: ['/requests/refused'], status: 200, summary: 'the requests the gateway refused at protocol level, with why', arguments: [] },
  request: { verb: 'GET', path: '/requests/:id', status: 200, summary: 'one journalled request, with the sign string the gateway built for it (v1)', arguments: [{ from: 'path', name: 'id', integer: true }] },
  clearRequests: { verb: 'DELETE', path: '/requests', status: 204, summary: 'empties the request journal', arguments: [] },

  identities: { verb: 'GET', path: '/identities', status: 200, summary: 'the people the sandbox knows', arguments: [] },
  addIdentity: {
    verb: 'POST',
    path: '/identities',
    status: 201,
    summary: 'adds a person the sandbox knows',
    arguments: [body],
    body: { type: 'object', required: ['name', 'cert_no', 'mobile'], properties: { name: text('the person\'s name'), cert_no: text('an 18-digit resident ID number'), mobile: text('11 digits'), user_id: text('2088 and 12 digits') } },
  },

  issueAuthCode: {
    verb: 'POST',
    path: '/auth-codes',
    status: 201,
    summary: "an auth_code, as Alipay's OAuth page gives one when a person agrees",
    arguments: [body],
    body: { type: 'object', required: ['app_id'], properties: { app_id: {}, user_id: {}, cert_no: {}, scope: { enum: ['auth_base', 'auth_user'] }, redirect_uri: text('an absolute URL'), state: text('the merchant\'s value, handed back on the redirect (at most 100 characters)') } },
  },
  issueAppAuthCode: {
    verb: 'POST',
    path: '/app-auth-codes',
    status: 201,
    summary: 'an app_auth_code, as a merchant authorizing a third-party (ISV) app gives one',
    arguments: [body],
    body: ISV_AUTHORIZATION,
  },
  issueAppAuthToken: {
    verb: 'POST',
    path: '/app-auth-tokens',
    status: 201,
    summary: 'an app_auth_token straight away, without the code exchange',
    arguments: [body],
    body: ISV_AUTHORIZATION,
  },
  appAuthTokens: { verb: 'GET', path: '/app-auth-tokens', status: 200, summary: 'the app_auth_tokens issued, of one ISV app with ?app_id=', arguments: [{ from: 'query', names: ['app_id'] }] },
  appAuthToken: { verb: 'GET', path: '/app-auth-tokens/:token', status: 200, summary: 'one app_auth_token and its status', arguments: [token] },
  revokeAppAuthToken: { verb: 'DELETE', path: '/app-auth-tokens/:token', status: 200, summary: 'the merchant cancels the authorization', arguments: [token] },
  expireAppAuthToken: { verb: 'POST', path: '/app-auth-tokens/:token/expire', status: 200, summary: 'the token expires now, on the business clock', arguments: [token] },

  certifications: { verb: 'GET', path: '/certifications', status: 200, summary: 'certifications; ?status=pending: those a person can still finish', arguments: [{ from: 'query', names: ['status'] }] },
  certification: { verb: 'GET', path: '/certifications/:id', status: 200, summary: 'one certification', arguments: [certificationId] },
  completeCertification: {
    verb: 'POST',
    path: '/certifications/:id/complete',
    status: 200,
    summary: 'finishes a pending certification, as the person on the hosted page would',
    arguments: [certificationId, body],
    body: { type: 'object', properties: { passed: { type: 'boolean' }, reason: { type: 'string' }, cancelled: { const: true } } },
  },

  identityVerification: { verb: 'GET', path: '/verifications/:token', status: 200, summary: 'one identity verification (核身) by its verify token', arguments: [token] },
  completeIdentityVerification: {
    verb: 'POST',
    path: '/verifications/:token/complete',
    status: 200,
    summary: 'finishes a pending identity verification, as the person on its verify page would',
    arguments: [token, body],
    body: { type: 'object', properties: { passed: { type: 'boolean' }, reason: { type: 'string' } } },
  },

  clock: { verb: 'GET', path: '/clock', status: 200, summary: 'the business clock', arguments: [] },
  moveClock: {
    verb: 'POST',
    path: '/clock',
    status: 200,
    summary: 'sets or advances the business clock',
    arguments: [body],
    body: { type: 'object', properties: { set: { type: ['string', 'number'], description: 'an ISO 8601 time or epoch milliseconds' }, advance_ms: { type: 'number' } } },
  },
  resetClock: { verb: 'DELETE', path: '/clock', status: 200, summary: 'the business clock back to real time', arguments: [] },
};

/**
 * The routes as a list, literal paths before those with a `:name` in the same place, so that
 * `/requests/unmatched` is matched before `/requests/:id`.
 */
export function adminRoutes(): readonly (AdminRoute & { readonly operation: AdminOperation })[] {
  const routes = (Object.keys(ADMIN_ROUTES) as AdminOperation[]).map((operation) => ({ operation, ...ADMIN_ROUTES[operation] }));
  return routes.sort((a, b) => Number(a.path.includes(':')) - Number(b.path.includes(':')));
}

/** The route's path with its `:name` segments filled in (encoded). */
export function fillPath(path: string, values: Readonly<Record<string, unknown>>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(values[name])));
}
