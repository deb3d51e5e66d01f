/**
 * The admin core over HTTP: the same operations as `sandbox.admin`, each a call to /__admin, for a
 * sandbox in another process (`npx alipay-sandbox serve`, a CI service, a replica). A refusal comes
 * back as an AdminClientError with the status and the sandbox's own message.
 */
import type { SandboxAdmin } from './sandbox-admin.js';

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
  /** What a sandbox bound beyond loopback prints (`admin token`), sent as Authorization: Bearer. */
  readonly token?: string;
}

type Json = Record<string, unknown>;

export function createAdminClient(sandboxUrl: string, options: AdminClientOptions = {}): RemoteSandboxAdmin {
  const base = `${sandboxUrl.replace(/\/$/, '')}/__admin`;
  const authorization: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const yaml = typeof body === 'string';
    const headers = { ...authorization, ...(body === undefined ? {} : { 'content-type': yaml ? 'text/yaml' : 'application/json' }) };
    const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : yaml ? body : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) {
      let refusal: Json = {};
      try {
        refusal = JSON.parse(text) as Json;
      } catch {
        // Not the sandbox's JSON (a proxy's page, say): the text is the message.
      }
      throw new AdminClientError(response.status, typeof refusal.error === 'string' ? refusal.error : `${method} ${path} answered ${response.status}: ${text}`, typeof refusal.path === 'string' ? refusal.path : undefined);
    }
    if (response.status === 204) return undefined as T;
    return (response.headers.get('content-type')?.startsWith('text/plain') ? text : JSON.parse(text)) as T;
  }

  const id = encodeURIComponent;
  return {
    health: () => call('GET', '/health'),
    alipayPublicKey: () => call('GET', '/alipay-public-key'),
    registerApp: (registration) => call('POST', '/apps', registration),
    app: (appId) => call('GET', `/apps/${id(appId)}`),
    setAesKey: (appId, aesKey) => call('POST', `/apps/${id(appId)}/aes-key`, aesKey === undefined ? {} : { aes_key: aesKey }),
    startScenario: () => call('GET', '/scenario'),
    setAppScenario: (appId, scenario) => call('PUT', `/apps/${id(appId)}/scenario`, scenario),
    appScenario: (appId) => call('GET', `/apps/${id(appId)}/scenario`),
    clearAppScenario: (appId) => call('DELETE', `/apps/${id(appId)}/scenario`),
    requests: (query = {}) => {
      const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
      return call('GET', `/requests${search.size ? `?${search}` : ''}`);
    },
    countRequests: (criteria) => call('POST', '/requests/count', criteria ?? {}),
    findRequests: (criteria) => call('POST', '/requests/find', criteria ?? {}),
    refusedRequests: () => call('GET', '/requests/unmatched'),
    clearRequests: () => call('DELETE', '/requests'),
    reset: () => call('POST', '/reset'),
    identities: () => call('GET', '/identities'),
    addIdentity: (person) => call('POST', '/identities', person),
    issueAuthCode: (request) => call('POST', '/auth-codes', request),
    request: (requestId) => call('GET', `/requests/${requestId}`),
    apps: () => call('GET', '/apps'),
    certifications: (query = {}) => call('GET', `/certifications${query.status === undefined ? '' : `?status=${id(query.status)}`}`),
    checkScenario: (scenario) => call('POST', '/scenarios/check', scenario),
    issueAppAuthCode: (request) => call('POST', '/app-auth-codes', request),
    issueAppAuthToken: (request) => call('POST', '/app-auth-tokens', request),
    appAuthTokens: (query = {}) => call('GET', `/app-auth-tokens${query.app_id === undefined ? '' : `?app_id=${id(query.app_id)}`}`),
    appAuthToken: (token) => call('GET', `/app-auth-tokens/${id(token)}`),
    revokeAppAuthToken: (token) => call('DELETE', `/app-auth-tokens/${id(token)}`),
    expireAppAuthToken: (token) => call('POST', `/app-auth-tokens/${id(token)}/expire`),
    certification: (certificationId) => call('GET', `/certifications/${id(certificationId)}`),
    completeCertification: (certificationId, completion) => call('POST', `/certifications/${id(certificationId)}/complete`, completion),
    clock: () => call('GET', '/clock'),
    moveClock: (change) => call('POST', '/clock', change),
    resetClock: () => call('DELETE', '/clock'),
    // Every admin answer over HTTP comes once its change is shared: nothing is left to wait for.
    settled: async () => undefined,
  };
}
