/**
 * What the admin API offers, as types alone: every operation of the admin core (sandbox-admin.ts) with
 * what it takes and answers. The typed client and the web console's page take their shapes from here;
 * nothing here needs Node, so the page's bundle can.
 */
import type { AppRecord } from '../apps/registered-app.js';
import type { AppAuthorizationAdmin } from './app-authorization-admin.js';
import type { RequestCriteria } from '../journal/request-criteria.js';
import type { JournalEntry } from '../journal/request-journal.js';
import type { Certification, Person } from '../state/sandbox-store.js';
import type { IdentityVerification } from '../flows/identity-verification.js';

export interface Health {
  readonly status: 'ok';
  readonly uptime_s: number;
  readonly memory: { readonly rss_bytes: number; readonly heap_used_bytes: number };
}

export interface ClockView {
  readonly now: string;
  readonly offset_ms: number;
}

/** A journal query as a caller writes it (GET /__admin/requests?…): the criteria of request-criteria.ts. */
export type RequestQuery = RequestCriteria;

/** An auth_code as Alipay's OAuth page hands it to the merchant's redirect_uri. */
export interface IssuedAuthCode {
  readonly auth_code: string;
  readonly app_id: string;
  readonly user_id: string;
  readonly open_id: string;
  readonly scope: string;
  readonly expires_at: string;
  /** redirect_uri with the query Alipay adds (app_id, source, scope, auth_code, and state if sent), when one was given. */
  readonly redirect_url?: string;
}

/** Whether a body a client could not verify carries a sign the sandbox's Alipay key verifies, and why the client failed. */
export interface ResponseVerdict {
  /** The response node the sign covers (`<method>_response` or error_response). */
  readonly node?: string;
  readonly signed: boolean;
  /** The node's text as the official SDKs cut it from the body, which the sign covers. */
  readonly signed_text?: string;
  readonly sign_verifies: boolean;
  readonly sign_type?: 'RSA2' | 'RSA';
  /** SHA-256 of the sandbox's Alipay public key (SPKI DER), hex. */
  readonly sandbox_key_fingerprint: string;
  /** The Alipay public key the client holds, when sent. */
  readonly client_key?: { readonly fingerprint: string; readonly is_sandbox_key: boolean };
  /** What to change, in a sentence. */
  readonly fix: string;
}

export interface SandboxAdmin extends AppAuthorizationAdmin {
  health(): Health;
  alipayPublicKey(): string;
  /** `{ body, charset?, alipay_public_key? }`: whether the body's sign verifies with the sandbox's key, and whether the client's key is it. */
  verifyResponse(request: unknown): ResponseVerdict;
  /** Registers or re-keys an app: `{ app_id, public_key | app_cert, sign_type? }`. */
  registerApp(registration: unknown): Promise<AppRecord>;
  app(appId: string): AppRecord;
  /** Sets `{ aes_key }`, or generates one when none is given. */
  setAesKey(appId: string, aesKey?: unknown): Promise<{ app_id: string; aes_key: string }>;
  startScenario(): { source: string; scenario: unknown };
  /** One app's own scenario: a document, or its YAML/JSON text; `source` names it in load errors. */
  setAppScenario(appId: string, scenario: unknown, source?: string): { app_id: string; scenario: unknown };
  appScenario(appId: string): { app_id: string; scenario: unknown };
  clearAppScenario(appId: string): void;
  requests(query?: RequestQuery): { capacity: number; requests: JournalEntry[] };
  /** One journalled request, with the sign string the gateway built for it (v1). */
  request(id: number): JournalEntry & { sign_string?: string; sign_string_note?: string };
  /** Every app the sandbox serves, the built-in one first. */
  apps(): { apps: AppRecord[] };
  /** Certifications, `{ status: 'pending' }` for those a person can still finish. */
  certifications(query?: { status?: string }): { certifications: Certification[] };
  /** Whether a scenario document (or its YAML/JSON text) would load, without setting it: `{ ok }` or the refusal. */
  checkScenario(scenario: unknown): { ok: true };
  /** How many journalled requests meet the criteria (unknown criteria are refused, 400). */
  countRequests(criteria?: unknown): { count: number };
  /** The journalled requests that meet the criteria, oldest first. */
  findRequests(criteria?: unknown): { requests: JournalEntry[] };
  /** The requests the gateway refused at protocol level (signature, app, public parameters), with why. */
  refusedRequests(): { requests: JournalEntry[] };
  clearRequests(): void;
  /** Back to the start state: app scenarios, counts, journal, grants and certifications, the clock. */
  reset(): Promise<void>;
  identities(): { identities: readonly Person[] };
  /** Adds a person `{ name, cert_no, mobile, user_id? }` the sandbox knows (members: closed). */
  addIdentity(person: unknown): Promise<Person>;
  /**
   * What Alipay's OAuth page does when a person agrees: an auth_code for `{ app_id, user_id | cert_no,
   * scope?, redirect_uri?, state? }` that alipay.system.oauth.token exchanges once.
   */
  issueAuthCode(request: unknown): Promise<IssuedAuthCode>;
  certification(id: string): Certification;
  /** Finishes a pending certification: `{ passed: true }`, `{ passed: false, reason }` or `{ cancelled: true }`. */
  completeCertification(id: string, completion: unknown): Promise<Certification>;
  /** A 核身 that alipay.security.risk.verifyidentity.initialize started, by its verify token. */
  identityVerification(token: string): IdentityVerification;
  /** Finishes a pending 核身, as the person on its verify page would: `{ passed: true }` or `{ passed: false, reason }`. */
  completeIdentityVerification(token: string, completion: unknown): Promise<IdentityVerification>;
  clock(): ClockView;
  /** `{ set: instant }` or `{ advance_ms }`. */
  moveClock(change: unknown): ClockView;
  resetClock(): ClockView;
  /**
   * Resolves once every control changed so far (scenarios, the clock, the journal, a reset) is where
   * the other replicas read it; without replicas at once. Rejects with StateUnavailableError if one
   * could not be stored: an admin answer waits for it before it says 2xx.
   */
  settled(): Promise<void>;
}
