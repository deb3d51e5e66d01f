/**
 * Every admin operation of the sandbox (their types: admin-api.ts), with its checks, in one
 * transport-independent module: the HTTP routes under /__admin, the programmatic API and the typed
 * HTTP client (admin-client.ts) all speak it. Inputs are validated here, as the caller sent them (JSON bodies are `unknown`), and every
 * refusal is an AdminError carrying the status a transport answers with. Modelled on WireMock's
 * `Admin` interface, which its HTTP client implements too.
 */
import type { RegisteredApps } from '../apps/registered-app.js';
import { AdminError } from './admin-error.js';
import { createAppAuthorizationAdmin } from './app-authorization-admin.js';
import { residentIdProblem } from '../identity/resident-id.js';
import { compileCriteria, CriteriaError, type EntryPredicate } from '../journal/request-criteria.js';
import type { RequestJournal } from '../journal/request-journal.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { AUTH_CODE_MS, OAUTH_SCOPES, authorizationRedirect, grantUserAuthorization, isOAuthScope, OAUTH_STATE_MAX_LENGTH, redirectScheme } from '../flows/user-authorizations.js';
import { alipayUserId } from '../methods/generated-ids.js';
import { compileScenario, parseScenarioText } from '../scenarios/load-scenario.js';
import { signStringOfValues } from '../protocol/signature.js';
import type { CoreCrypto } from '../protocol/core-crypto.js';
import { verifyResponse, type SandboxAlipayKey } from './response-verification.js';
import type { ScenarioBook } from '../scenarios/scenario-book.js';
import type { Scenario } from '../scenarios/scenario-rules.js';
import type { BusinessClock } from '../state/business-clock.js';
import { CertificationError, complete, type Completion } from '../flows/face-certification.js';
import { completeVerification, findVerification, type VerificationCompletion } from '../flows/identity-verification.js';
import type { Person, SandboxStore } from '../state/sandbox-store.js';
import { StateUnavailableError } from '../state/shared-state.js';
import type { SharedControls } from '../state/control-storage.js';

export { AdminError, refusalStatus } from './admin-error.js';
export type { ClockView, Health, IssuedAuthCode, RequestQuery, ResponseVerdict, SandboxAdmin } from './admin-api.js';
import type { ClockView, SandboxAdmin } from './admin-api.js';

export interface SandboxAdminDependencies {
  readonly apps: RegisteredApps;
  readonly scenarios: ScenarioBook;
  readonly journal: RequestJournal;
  readonly state: SandboxStore;
  readonly clock: BusinessClock;
  readonly definitions: readonly ApiMethodDefinition[];
  readonly alipayPublicKeyPem: string;
  /** Reads keys and verifies signatures (the platform's), for verifyResponse. */
  readonly crypto: CoreCrypto;
  readonly startedAt: number;
  /** The process's memory, as Node's process.memoryUsage() tells it (the platform's to know). */
  readonly memoryUsage: () => { readonly rss: number; readonly heapUsed: number };
  /** Re-reads the start scenario (its file, or the document given at start). */
  readonly restoreStartScenario: () => void;
  /** After the business clock moved: the retention rule drops what is now too old. */
  readonly onClockMoved?: () => void;
  /** Where control changes are kept: replicas' store (replicas/replication.ts) or the data folder (storage/control-files.ts). */
  readonly shared?: SharedControls;
}

const objectOf = (body: unknown): Record<string, unknown> => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});

/** A time a Date can hold (±8.64e15 ms): JSON's 1e400 is Infinity, and must not reach the clock. */
function isInstant(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

function completionOf(body: unknown): Completion {
  const { passed, reason, cancelled } = objectOf(body);
  if (cancelled === true) return { cancelled: true };
  if (typeof passed !== 'boolean') throw new AdminError(400, 'send { "passed": true } or { "passed": false, "reason": "..." } (or { "cancelled": true })');
  if (reason !== undefined && typeof reason !== 'string') throw new AdminError(400, 'reason must be a string');
  return passed ? { passed } : { passed, reason };
}

/** A 核身's verdict; a verify page has no cancel, so neither has this. */
function verificationCompletionOf(body: unknown): VerificationCompletion {
  const completion = completionOf(body);
  if ('cancelled' in completion) throw new AdminError(400, 'a verification is passed or failed: send { "passed": true } or { "passed": false, "reason": "..." }');
  return completion;
}

function personOf(body: unknown): Person {
  const { name, cert_no, mobile, user_id } = objectOf(body);
  if (typeof name !== 'string' || !name) throw new AdminError(400, 'name is required');
  if (typeof cert_no !== 'string' || residentIdProblem(cert_no)) throw new AdminError(400, 'cert_no must be a valid 18-digit resident ID number');
  if (typeof mobile !== 'string' || !/^1\d{10}$/.test(mobile)) throw new AdminError(400, 'mobile must be an 11-digit mainland mobile number');
  if (user_id !== undefined && (typeof user_id !== 'string' || !/^2088\d{12}$/.test(user_id))) throw new AdminError(400, 'user_id must be 2088 and 12 digits');
  const certNo = cert_no.toUpperCase();
  return { name, cert_type: 'IDENTITY_CARD', cert_no: certNo, mobile, user_id: (user_id as string | undefined) ?? alipayUserId('person', certNo), source: 'admin' };
}

/** Journal criteria compiled, a criterion that cannot be read refused as the admin core refuses (400). */
/** A scenario as the admin API takes it: a document, or its YAML/JSON text. */
function documentOf(scenario: unknown, source: string): unknown {
  return typeof scenario === 'string' ? parseScenarioText(scenario, source) : scenario;
}

function predicateOf(criteria: unknown): EntryPredicate {
  try {
    return compileCriteria(criteria);
  } catch (error) {
    if (error instanceof CriteriaError) throw new AdminError(400, error.message);
    throw error;
  }
}

export function createSandboxAdmin(deps: SandboxAdminDependencies): SandboxAdmin {
  const { apps, scenarios, journal, state, clock } = deps;

  function requireApp(appId: string): void {
    if (!apps.find(appId)) throw new AdminError(404, `no app ${appId} is registered; POST it to /__admin/apps first`);
  }

  let sandboxKey: SandboxAlipayKey | undefined;
  /** Read on first use: most sandboxes are never asked to verify an answer. */
  function sandboxAlipayKey(): SandboxAlipayKey {
    if (sandboxKey) return sandboxKey;
    const read = deps.crypto.readPublicKey(deps.alipayPublicKeyPem);
    if ('problem' in read) throw new Error(`the sandbox's own Alipay public key does not read: ${read.problem}`);
    return (sandboxKey = read);
  }

  const clockView = (): ClockView => ({ now: new Date(clock.now()).toISOString(), offset_ms: clock.offsetMs });

  /** The control changes not yet stored (in the data folder, or where the other replicas read them). */
  const sharing = new Set<Promise<void>>();
  /**
   * Stores a control change the admin already made in memory; `undo` takes it back if the store
   * refused it, so that a change answered 503 is not served either (unless a later one replaced it).
   */
  function share(tell: (controls: SharedControls) => Promise<void>, undo?: () => void): void {
    if (!deps.shared) return;
    const told = tell(deps.shared).catch((error: unknown) => {
      undo?.();
      throw new StateUnavailableError(`the change could not be stored: ${(error as Error).message}`);
    });
    sharing.add(told);
    told.then(
      () => sharing.delete(told),
      () => sharing.delete(told),
    );
  }

  /** Takes an app's scenario back to `previous`, unless a later setting replaced `id` meanwhile. */
  function restoreScenario(appId: string, id: string | undefined, previous: Scenario | undefined): () => void {
    return () => {
      if (scenarios.forApp(appId)?.id !== id) return;
      if (previous) scenarios.setForApp(appId, previous);
      else scenarios.clearForApp(appId);
    };
  }

  /** Takes the clock back to `previous`, unless it was moved again meanwhile. */
  function restoreClock(offsetMs: number, previous: number): () => void {
    return () => {
      if (clock.offsetMs === offsetMs) clock.setOffset(previous);
    };
  }

  return {
    ...createAppAuthorizationAdmin({ state, clock, definitions: deps.definitions, requireApp }),
    health() {
      const { rss, heapUsed } = deps.memoryUsage();
      return { status: 'ok', uptime_s: Math.round((Date.now() - deps.startedAt) / 1000), memory: { rss_bytes: rss, heap_used_bytes: heapUsed } };
    },
    alipayPublicKey: () => deps.alipayPublicKeyPem,
    verifyResponse: (request) => verifyResponse(deps.crypto, sandboxAlipayKey(), request),
    registerApp: (registration) => apps.register(registration),
    app(appId) {
      const record = apps.record(appId);
      if (!record) throw new AdminError(404, `no app ${appId} is registered; POST it to /__admin/apps`);
      return record;
    },
    async setAesKey(appId, aesKey) {
      const record = await apps.setAesKey(appId, aesKey);
      return { app_id: record.app_id, aes_key: record.aes_key! };
    },
    startScenario: () => ({ source: scenarios.start.source, scenario: scenarios.start.document }),
    setAppScenario(appId, scenario, source = `the scenario of app ${appId}`) {
      requireApp(appId);
      const document = documentOf(scenario, source);
      // Its own id: replicas count its calls together, and afresh after the next setting.
      const compiled = { ...compileScenario(document, source, deps.definitions), id: globalThis.crypto.randomUUID() };
      const previous = scenarios.forApp(appId);
      scenarios.setForApp(appId, compiled);
      share((shared) => shared.scenarioSet(appId, compiled), restoreScenario(appId, compiled.id, previous));
      return { app_id: appId, scenario: document };
    },
    appScenario(appId) {
      requireApp(appId);
      const scenario = scenarios.forApp(appId);
      if (!scenario) throw new AdminError(404, `app ${appId} has no scenario of its own; the start scenario (${scenarios.start.source}) applies`);
      return { app_id: appId, scenario: scenario.document };
    },
    clearAppScenario(appId) {
      requireApp(appId);
      const previous = scenarios.forApp(appId);
      scenarios.clearForApp(appId);
      share((shared) => shared.scenarioCleared(appId), restoreScenario(appId, undefined, previous));
    },
    requests: (query = {}) => ({ capacity: journal.capacity, requests: journal.matching(predicateOf(query)) }),
    request(id) {
      const entry = Number.isSafeInteger(id) ? journal.entry(id) : undefined;
      if (!entry) throw new AdminError(404, `no request ${id} in the journal (it keeps the last ${journal.capacity})`);
      if (entry.protocol !== 'v1' || !entry.parameters.sign) return entry;
      const cut = Object.values(entry.parameters).some((value) => /…\(\d+ characters\)$/.test(value));
      return { ...entry, sign_string: signStringOfValues(entry.parameters), ...(cut ? { sign_string_note: 'values over 2048 characters are cut in the journal, so this sign string is not the whole one' } : {}) };
    },
    apps: () => ({ apps: apps.records() }),
    certifications(query = {}) {
      const now = clock.now();
      const all = state.certifications();
      if (query.status === undefined) return { certifications: [...all] };
      if (query.status !== 'pending') throw new AdminError(400, 'status must be pending (or left out for all)');
      return { certifications: all.filter((c) => c.status === 'INIT' && now <= c.expires_at_ms) };
    },
    checkScenario(scenario) {
      const source = 'the scenario';
      compileScenario(documentOf(scenario, source), source, deps.definitions);
      return { ok: true };
    },
    countRequests: (criteria) => ({ count: journal.matching(predicateOf(criteria)).length }),
    findRequests: (criteria) => ({ requests: journal.matching(predicateOf(criteria)) }),
    refusedRequests: () => ({ requests: journal.matching((entry) => entry.refused_at_protocol) }),
    clearRequests() {
      journal.clear();
      share((shared) => shared.journalCleared());
    },
    async reset() {
      scenarios.reset();
      journal.clear();
      clock.reset();
      state.reset();
      deps.restoreStartScenario();
      share((shared) => shared.controlsReset());
      await state.persist();
    },
    identities: () => ({ identities: state.people() }),
    async addIdentity(body) {
      const person = personOf(body);
      state.addPerson(person);
      await state.persist();
      return person;
    },
    async issueAuthCode(body) {
      const { app_id, user_id, cert_no, scope = 'auth_base', redirect_uri, state: merchantState } = objectOf(body);
      if (typeof app_id !== 'string') throw new AdminError(400, 'app_id is required: the app whose redirect gets the code');
      requireApp(app_id);
      if (typeof scope !== 'string' || !isOAuthScope(scope)) throw new AdminError(400, `scope must be ${OAUTH_SCOPES.join(' or ')}`);
      if (redirect_uri !== undefined && typeof redirect_uri !== 'string') throw new AdminError(400, 'redirect_uri must be a string');
      if (redirect_uri && redirectScheme(redirect_uri) === undefined) throw new AdminError(400, `redirect_uri must be an absolute URL, not "${redirect_uri}"`);
      if (merchantState !== undefined && (typeof merchantState !== 'string' || merchantState.length > OAUTH_STATE_MAX_LENGTH)) throw new AdminError(400, `state must be a string of at most ${OAUTH_STATE_MAX_LENGTH} characters`);
      const person = typeof user_id === 'string' ? state.personByUserId(user_id) : typeof cert_no === 'string' ? state.person(cert_no) : undefined;
      if (!person) throw new AdminError(user_id ?? cert_no ? 404 : 400, 'send the user_id or cert_no of a person the sandbox knows (GET /__admin/identities; add one with POST /__admin/identities)');
      const record = grantUserAuthorization(state, { appId: app_id, person, scope, nowMs: clock.now() });
      await state.persist();
      const { auth_code, open_id } = record;
      const expires_at = new Date(record.issued_at_ms + AUTH_CODE_MS).toISOString();
      return { auth_code, app_id, user_id: person.user_id, open_id, scope, expires_at, ...(redirect_uri ? { redirect_url: authorizationRedirect(redirect_uri, record, merchantState as string | undefined) } : {}) };
    },
    certification(id) {
      const certification = state.certification(id);
      if (!certification) throw new AdminError(404, `no certification ${id}`);
      return certification;
    },
    async completeCertification(id, body) {
      const completion = completionOf(body);
      const certification = state.certification(id);
      if (!certification) throw new CertificationError(`no certification ${id}`, 404);
      complete(state, certification, completion, clock.now());
      await state.persist();
      return certification;
    },
    identityVerification: (token) => findVerification(state, token),
    async completeIdentityVerification(token, body) {
      const record = completeVerification(state, token, verificationCompletionOf(body), clock.now());
      await state.persist();
      return record;
    },
    clock: clockView,
    moveClock(change) {
      const { set, advance_ms } = objectOf(change);
      const previous = clock.offsetMs;
      if (set !== undefined) {
        const ms = typeof set === 'number' ? set : Date.parse(String(set));
        if (!isInstant(ms)) throw new AdminError(400, 'set must be epoch milliseconds or an ISO 8601 time');
        clock.set(ms);
      } else if (typeof advance_ms === 'number' && isInstant(clock.now() + advance_ms)) {
        clock.advance(advance_ms);
      } else {
        throw new AdminError(400, 'send { "set": "2026-01-01T00:00:00Z" } or { "advance_ms": 86400000 }');
      }
      share((shared) => shared.clockMoved(clock.offsetMs), restoreClock(clock.offsetMs, previous));
      deps.onClockMoved?.();
      return clockView();
    },
    resetClock() {
      const previous = clock.offsetMs;
      clock.reset();
      share((shared) => shared.clockMoved(0), restoreClock(0, previous));
      return clockView();
    },
    async settled() {
      await Promise.all([...sharing]);
    },
  };
}
