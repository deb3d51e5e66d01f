/**
 * A request the gateway refuses, and what the engine has learnt about the request by then: together
 * they decide the envelope (node key, signing, encryption) of any answer.
 */
import type { RegisteredApp } from '../apps/registered-app.js';
import type { ErrorFields } from '../protocol/public-errors.js';
import type { SignType } from '../protocol/public-parameters.js';
import type { UploadedFile } from '../protocol/multipart-form.js';
import type { DecodedParameters } from '../protocol/request-parameters.js';
import type { ResponseNode } from '../protocol/response-envelope.js';
import type { Decision } from '../scenarios/scenario-book.js';
import type { PromisedEntry } from '../state/shared-state.js';
import type { GatewayResponse } from './engine-contract.js';
import type { ConnectionFault, EnvelopeFault } from './envelope-faults.js';

/** A request the gateway refuses; `error` is the node it answers with, `detail` says why. */
export class Rejection extends Error {
  readonly detail: string;
  constructor(
    readonly error: ErrorFields,
    detail?: string,
  ) {
    super(error.sub_msg);
    this.detail = detail ?? error.sub_msg;
  }
}

/** What the engine learns about a request as it goes: who calls, and what the scenario decided. */
export interface RequestState {
  method?: string;
  app?: RegisteredApp;
  /** The request's own sign_type, when it names one the gateway knows. */
  signType?: SignType;
  decoded?: DecodedParameters;
  /** A multipart request's file parts by name (not parameters: the sign string leaves them out). */
  files?: ReadonlyMap<string, UploadedFile>;
  decision?: Decision;
  /**
   * A rerun after a conflict (another replica committed what this request read): the decision of the
   * try that conflicted, carried out again. Deciding anew would count the call twice (nth, every, rate).
   */
  decidedBefore?: Decision;
  /** Whether the signature check ran, and held. */
  signature?: 'verified' | 'refused';
  /** The merchant app whose app_auth_token the call sent. */
  authAppId?: string;
  /** The business parameters the method was given (biz_content, or v3's body), for the journal's criteria. */
  business?: Readonly<Record<string, unknown>>;
  /** A scenario's fault applied to whatever envelope the request gets. */
  envelopeFault?: EnvelopeFault;
  /** A certificate-mode request: the answer carries alipay_cert_sn. */
  certificateMode?: boolean;
  /** The request's content was AES-encrypted: so is the answer's node. */
  aesKey?: Uint8Array;
  /** Where the client reached the sandbox, where the adapter said (GatewayRequest.origin). */
  origin?: string;
  /**
   * The write of what the method changed, started as the method returned (before anything else ran);
   * true when it stored the request's journal entry too.
   */
  written?: Promise<boolean | void>;
  /** With a shared store: the request's journal entry, promised to its commit and settled once the answer is rendered. */
  entry?: EntryPromise;
}

/** A request's journal entry, promised before the answer it describes is made. */
export interface EntryPromise {
  readonly promise: PromisedEntry;
  /** Settles it with this answer's entry once rendered; with none if that fails, so that the commit it holds still goes. */
  settleWhenRendered(rendering: Promise<GatewayResponse>, answer: Answer): void;
}

/** The engine's answer before it becomes bytes. */
export type Answer =
  | { readonly kind: 'node'; readonly node: ResponseNode; readonly detail?: string }
  | { readonly kind: 'page'; readonly html: string }
  | { readonly kind: 'connection'; readonly fault: ConnectionFault }
  | { readonly kind: 'http-status'; readonly status: number };

