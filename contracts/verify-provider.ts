/**
 * Provider verification: replays every interaction of the given pact files against a running sandbox,
 * each provider state set up first, each request re-signed (fresh timestamp, the sandbox app's key).
 * A pact naming a state the sandbox does not know fails before anything runs.
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { devNull } from 'node:os';
import { Verifier } from '@pact-foundation/pact';
import { gmt8Timestamp, signContent } from '../client-harness/alipay-client.js';
import { adminOf, isProviderState, PROVIDER_STATE_NAMES, PROVIDER_STATES, type StateTarget } from './provider-states.js';

export class UnknownProviderStateError extends Error {}

interface PactFile {
  interactions?: Array<{ description: string; providerStates?: Array<{ name: string }> }>;
}

/** Every state named in the files that the sandbox cannot set up, with where it is named. */
export function unknownProviderStates(pactFiles: readonly string[]): string[] {
  const unknown: string[] = [];
  for (const file of pactFiles) {
    const pact = JSON.parse(readFileSync(file, 'utf8')) as PactFile;
    for (const interaction of pact.interactions ?? []) {
      for (const state of interaction.providerStates ?? []) {
        if (!isProviderState(state.name)) unknown.push(`"${state.name}" (${file}: ${interaction.description})`);
      }
    }
  }
  return unknown;
}

type FilterRequest = IncomingMessage & { body?: unknown };

/** The request's form body as fields, whatever the verifier's proxy made of it. */
function formFields(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  if (Buffer.isBuffer(body) || typeof body === 'string') return Object.fromEntries(new URLSearchParams(body.toString()));
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/**
 * Puts values a state handed back (certify_id, biz_no) into biz_content, where the pact has examples;
 * top-level parameters of the same name (alipay.system.oauth.token's code, a call's auth_token) are
 * replaced where they are.
 */
function injectStateValues(bizContent: string | undefined, injected: Readonly<Record<string, string>>): string | undefined {
  if (bizContent === undefined || Object.keys(injected).length === 0) return bizContent;
  try {
    const parsed = JSON.parse(bizContent) as Record<string, unknown>;
    for (const [name, value] of Object.entries(injected)) if (name in parsed) parsed[name] = value;
    return JSON.stringify(parsed);
  } catch {
    return bizContent;
  }
}

/** An OpenAPI v3 request signed again for the target app, now (reference §7); its body rebuilt as sent. */
function resignOpenApi(req: FilterRequest, appId: string, privateKey: KeyObject): void {
  const raw: unknown = req.body;
  const body = raw === undefined || raw === null ? '' : Buffer.isBuffer(raw) || typeof raw === 'string' ? raw.toString() : JSON.stringify(raw);
  const authString = `app_id=${appId},nonce=${randomUUID()},timestamp=${Date.now()}`;
  const signature = sign('sha256', Buffer.from(`${authString}\n${req.method}\n${req.url}\n${body}\n`, 'utf8'), privateKey).toString('base64');
  req.headers.authorization = `ALIPAY-SHA256withRSA ${authString},sign=${signature}`;
  if (body) {
    const buffer = Buffer.from(body);
    req.body = buffer;
    req.headers['content-length'] = String(buffer.length);
  }
}

/** The deprecation Pact's request proxy (http-proxy 1.18) sets off: util._extend, deprecated at run time since Node 22. */
const PROXY_DEPRECATION = 'DEP0060';

/** A warning's code, from either form of process.emitWarning's arguments. */
function warningCode(rest: readonly unknown[]): unknown {
  const [typeOrOptions, code] = rest;
  return typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
}

/**
 * Runs the verification without the proxy's deprecation warning: it is Pact's dependency's, nothing
 * the user can act on, and Node prints it to their terminal. Every other warning still shows; Node
 * gives a deprecation once per process, so the warning does not come back after.
 */
async function withoutProxyDeprecation<T>(run: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    if (warningCode(rest) !== PROXY_DEPRECATION) Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return await run();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Where rustls-native-certs (in Pact's native core) reads root certificates from, when set. */
const ROOT_CERTIFICATE_VARIABLES = ['SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;

/**
 * Runs the verification with an empty root certificate store for Pact's native core. Its HTTP client
 * is built anew for every request it sends (a state set-up, the interaction, the teardown), and each
 * build reads and parses the system's root certificates (SSL_CERT_FILE and every file in SSL_CERT_DIR
 * where set): measured, more CPU than the rest of the verifier. Its requests go over plain HTTP to its
 * own proxy and the sandbox, the pacts are local files: no certificate is ever checked. An https
 * provider keeps the system's certificates. The variables are set back once the verifier is done.
 */
async function withoutRootCertificates<T>(providerUrl: string, run: () => Promise<T>): Promise<T> {
  if (new URL(providerUrl).protocol !== 'http:') return run();
  const saved = ROOT_CERTIFICATE_VARIABLES.map((name) => [name, process.env[name]] as const);
  process.env.SSL_CERT_FILE = devNull;
  delete process.env.SSL_CERT_DIR;
  try {
    return await run();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export interface VerificationOptions {
  readonly pactFiles: readonly string[];
  readonly target: StateTarget;
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export async function verifyPacts(options: VerificationOptions): Promise<void> {
  const unknown = unknownProviderStates(options.pactFiles);
  if (unknown.length) {
    throw new UnknownProviderStateError(`unknown provider state ${unknown.join(', ')}; the sandbox knows: ${PROVIDER_STATE_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  const { target } = options;
  const privateKey = createPrivateKey(target.privateKeyPem);
  let injected: Record<string, string> = {};

  const stateHandlers = Object.fromEntries(
    PROVIDER_STATE_NAMES.map((name) => [
      name,
      async (params?: unknown) => {
        const values = await PROVIDER_STATES[name as keyof typeof PROVIDER_STATES]((params ?? {}) as Record<string, unknown>, target);
        injected = { ...injected, ...values };
        return values;
      },
    ]),
  );

  const verifier = new Verifier({
    provider: 'alipay-gateway',
    providerBaseUrl: target.url,
    pactUrls: [...options.pactFiles],
    logLevel: options.logLevel ?? 'warn',
    stateHandlers,
    beforeEach: async () => {
      injected = {};
      await adminOf(target).reset();
    },
    // Pacts hold example timestamps and signatures: every request is signed again, as the real
    // client would sign it now. The proxy hands form bodies on re-encoded, so the body is rebuilt.
    requestFilter: (req: FilterRequest, _res, next) => {
      if (req.url?.startsWith('/v3/')) {
        resignOpenApi(req, target.appId, privateKey);
        return next();
      }
      if (!req.url?.startsWith('/gateway.do')) return next();
      const url = new URL(req.url, target.url);
      const query = Object.fromEntries(url.searchParams);
      const form = formFields(req.body);
      const params: Record<string, string> = { ...query, ...form, app_id: target.appId, timestamp: gmt8Timestamp(new Date()) };
      const bizContent = injectStateValues(params.biz_content, injected);
      if (bizContent !== undefined) params.biz_content = bizContent;
      // A public parameter a state made (auth_token) travels in the URL; the rest are form fields.
      for (const [name, value] of Object.entries(injected)) if ((name in form || url.searchParams.has(name)) && name !== 'biz_content') params[name] = value;
      const digest = params.sign_type === 'RSA' ? 'sha1' : 'sha256';
      params.sign = sign(digest, Buffer.from(signContent(params), 'utf8'), privateKey).toString('base64');
      const inQuery = new URLSearchParams();
      const inBody = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) (name in form ? inBody : inQuery).set(name, value);
      req.url = `${url.pathname}?${inQuery}`;
      if (req.method === 'POST') {
        const buffer = Buffer.from(inBody.toString());
        req.body = buffer;
        req.headers['content-type'] = 'application/x-www-form-urlencoded';
        req.headers['content-length'] = String(buffer.length);
      }
      return next();
    },
  });
  await withoutRootCertificates(target.url, () => withoutProxyDeprecation(() => verifier.verifyProvider()));
}
