/**
 * The gateway engine: one pure path from a raw gateway.do request to a raw response, shared by every
 * adapter (the HTTP server, msw handlers, the undici MockAgent). It decides every outcome; adapters
 * only translate.
 *
 *   bytes → protocol checks (authenticate-request.ts) → scenario decision → method → biz_content schema
 *         → method handler → state on disk → envelope (render-response.ts) → journal
 */
import type { ErrorObject } from 'ajv';
import type { RegisteredApp } from '../apps/registered-app.js';
import type { NewEntry, StoredEntry } from '../journal/request-journal.js';
import { withJsonText } from '../methods/biz-content.js';
import { bizContentNote, camelCaseFieldNotes, jsonMistakeNotes, mayNameCamelCase, withNotes } from '../methods/json-near-misses.js';
import type { RegisteredMethod } from '../methods/method-registry.js';
import { unknownMethodDiagnosis } from '../methods/method-suggestions.js';
import { PUBLIC_CODE_MSG, publicError, type ErrorFields } from '../protocol/public-errors.js';
import type { ResponseNode } from '../protocol/response-envelope.js';
import type { Decision } from '../scenarios/scenario-book.js';
import { fieldReader, type ScenarioOutcome } from '../scenarios/scenario-rules.js';
import { StateConflictError, StateUnavailableError } from '../state/shared-state.js';
import { authorizationOf } from './app-auth-token.js';
import { createAuthenticator } from './authenticate-request.js';
import { isConnectionFault } from './envelope-faults.js';
import { methodFiles } from './method-uploads.js';
import { Rejection, type Answer, type EntryPromise, type RequestState } from './request-state.js';
import { createOpenApiV3, memoryNonceBook } from './openapi-v3.js';
import { pageExampleNote } from './page-example-notes.js';
import { createResponder } from './render-response.js';
import type { GatewayEngine, GatewayEngineDependencies, GatewayRequest, GatewayResponse, OpenApiRequest } from './engine-contract.js';

export { DEFAULT_GATEWAY_SETTINGS } from './engine-contract.js';
export type { AppDirectory, GatewayEngine, GatewayEngineDependencies, GatewayOutcome, GatewayRequest, GatewayResponse, GatewaySettings, NonceBook, OpenApiRequest, ScenarioDecider } from './engine-contract.js';

/** Tries of a request whose commit another replica's beat (each runs over what that one committed). */
const CONFLICT_TRIES = 5;

type BizContent = { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly refusal: ErrorFields; readonly detail?: string };

interface AuthenticatedRequest {
  readonly method: string;
  readonly bizContent: BizContent;
  readonly app: RegisteredApp;
  /** Whose state the call reads and writes: the caller's app, or the merchant app of its app_auth_token. */
  readonly stateAppId: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly decision: Decision;
}

/** The node an answer carries, if any (what the journal keeps of it). */
const nodeOf = (answer: Answer): ResponseNode | undefined => (answer.kind === 'node' ? answer.node : undefined);

/** A normal success with a scenario's field overrides; null removes a field. */
function withOverrides(node: ResponseNode, overrides: Readonly<Record<string, unknown>>): ResponseNode {
  const out: ResponseNode = { ...node };
  for (const [field, value] of Object.entries(overrides)) {
    if (value === null) delete out[field];
    else out[field] = value;
  }
  return out;
}

export function createGatewayEngine(deps: GatewayEngineDependencies): GatewayEngine {
  const { methods, settings } = deps;
  const { authenticate, identify } = createAuthenticator(deps);
  const respond = createResponder(deps);
  const openApi = createOpenApiV3({ ...deps, newNonce: deps.newNonce ?? deps.newTraceId, nonces: deps.nonces ?? memoryNonceBook() });

  /** biz_content as the method reads it: JSON object fields of its JSON text fields written back as text. */
  function parseBizContent(text: string | undefined, method: RegisteredMethod | undefined): BizContent {
    if (text === undefined) return { ok: true, value: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, refusal: publicError('isv.invalid-parameter', `biz_content is not JSON (${(error as Error).message}); send a JSON object`) };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const note = bizContentNote(parsed);
      const refusal = publicError('isv.invalid-parameter', 'biz_content must be a JSON object');
      return { ok: false, refusal, ...(note === undefined ? {} : { detail: withNotes('biz_content must be a JSON object', [note]) }) };
    }
    const value = parsed as Record<string, unknown>;
    return { ok: true, value: method?.jsonTextFields.length ? withJsonText(value, method.jsonTextFields) : value };
  }

  /** A method whose 请求参数 are top-level parameters: they are its biz_content, for the schema and the rules. */
  function topLevelParameters(values: Readonly<Record<string, string>>, method: RegisteredMethod): BizContent {
    const value: Record<string, unknown> = {};
    for (const field of method.parameterNames) if (values[field] !== undefined) value[field] = values[field];
    return { ok: true, value };
  }

  function businessParameters(values: Readonly<Record<string, string>>, method: RegisteredMethod | undefined): BizContent {
    if (method?.definition.parametersAt === 'top-level') return topLevelParameters(values, method);
    return parseBizContent(values.biz_content, method);
  }

  function registeredMethod(name: string): RegisteredMethod {
    const registered = methods.get(name);
    if (!registered) {
      const refusal = `${name} is not an API this sandbox serves; see the README's method list`;
      throw new Rejection(publicError('isv.invalid-method', refusal), withNotes(refusal, [unknownMethodDiagnosis(name, [...methods.keys()])]));
    }
    return registered;
  }

  /** A refused request that copied its page's example ID number is told so (page-example-notes.ts). */
  function pageExampleNotes(definition: RegisteredMethod['definition'], bizContent: Readonly<Record<string, unknown>>): string[] {
    const note = pageExampleNote(definition, bizContent);
    return note === undefined ? [] : [note];
  }

  function runMethod(registered: RegisteredMethod, request: AuthenticatedRequest, state: RequestState): Answer {
    const { definition, validateBizContent, schemaFailure } = registered;
    const { origin } = state;
    const files = methodFiles(definition, state.files, request.parameters);
    if (!request.bizContent.ok) throw new Rejection(request.bizContent.refusal, request.bizContent.detail);
    const bizContent = request.bizContent.value;
    // Said whatever the answer: an optional field Alipay ignores does not make the call fail.
    const camelCase = mayNameCamelCase(request.parameters) ? camelCaseFieldNotes(definition.bizContentSchema, bizContent) : [];
    if (!validateBizContent(bizContent)) {
      const errors: readonly ErrorObject[] = validateBizContent.errors ?? [];
      const refusal = schemaFailure(errors);
      throw new Rejection(refusal.error, withNotes(refusal.detail, [...jsonMistakeNotes(errors), ...camelCase, ...pageExampleNotes(definition, bizContent)]));
    }
    const outcome = definition.handle(bizContent, {
      appId: request.stateAppId,
      nowMs: deps.businessNow(),
      state: deps.state,
      membership: request.decision.membership,
      parameters: request.parameters,
      ...(origin === undefined ? {} : { origin }),
      ...(files === undefined ? {} : { files }),
    });
    if (outcome.kind === 'refused') throw new Rejection(outcome.refusal.error, withNotes(outcome.refusal.detail, [...camelCase, ...pageExampleNotes(definition, bizContent)]));
    if (outcome.kind === 'page') return { kind: 'page', html: outcome.html };
    const node = { code: '10000', msg: PUBLIC_CODE_MSG['10000'], ...outcome.fields };
    // A success carries a detail only when the request had a mistake Alipay passes over.
    return camelCase.length ? { kind: 'node', node, detail: camelCase.join('; ') } : { kind: 'node', node };
  }

  /** Carries out what the scenario chose for an authenticated request. */
  function carryOut(outcome: ScenarioOutcome, request: AuthenticatedRequest, state: RequestState, rule: string): Answer {
    const { method } = request;
    switch (outcome.kind) {
      case 'normal': {
        const answered = runMethod(registeredMethod(method), request, state);
        return answered.kind === 'node' ? { ...answered, node: withOverrides(answered.node, outcome.overrides) } : answered;
      }
      case 'business-error': {
        const error = outcome.errorByMethod.get(method);
        // The loader requires match.method to name every method such a rule can match.
        if (!error) throw new Error(`${rule} has no business error for ${method}`);
        throw new Rejection(error, `chosen by ${rule}`);
      }
      case 'public-error':
        throw new Rejection(outcome.error, `chosen by ${rule}`);
      case 'http-status':
        return { kind: 'http-status', status: outcome.status };
      case 'fault':
        if (isConnectionFault(outcome.fault)) return { kind: 'connection', fault: outcome.fault };
        state.envelopeFault = outcome.fault;
        return carryOut({ kind: 'normal', overrides: {} }, request, state, rule);
    }
  }

  /**
   * Carries out a decision and starts writing what it changed, in one synchronous step: nothing else
   * runs between the method and the start of its write, so the write holds this request's changes
   * (a shared store commits them as the request's own, and may refuse them: see serve).
   */
  function carriedOut(decision: Decision, request: Omit<AuthenticatedRequest, 'decision'>, state: RequestState): Answer {
    state.decision = decision;
    const rule = decision.rule ? `${decision.rule.source}, ${decision.rule.name}` : 'normal behaviour';
    try {
      return carryOut(decision.outcome, { ...request, decision }, state, rule);
    } finally {
      if (deps.state.dirty) state.written = deps.state.persist(state.entry?.promise);
    }
  }

  /** The scenario's decision for an authenticated call of either protocol, carried out. */
  function dispatch(method: string, bizContent: BizContent, app: RegisteredApp, parameters: Readonly<Record<string, string>>, state: RequestState, appAuthToken: string | undefined): Answer | Promise<Answer> {
    if (appAuthToken !== undefined) state.authAppId = authorizationOf(deps.state, appAuthToken, app.appId, method, deps.businessNow()).auth_app_id;
    const stateAppId = state.authAppId ?? app.appId;
    const field = fieldReader(bizContent.ok ? bizContent.value : undefined);
    state.business = bizContent.ok ? bizContent.value : undefined;
    const request = { method, bizContent, app, stateAppId, parameters };
    const decision = state.decidedBefore ?? deps.scenarios.decide({ appId: app.appId, method, field });
    return decision instanceof Promise ? decision.then((decided) => carriedOut(decided, request, state)) : carriedOut(decision, request, state);
  }

  function answer(request: GatewayRequest, state: RequestState): Answer | Promise<Answer> {
    const { params, app, decoded } = authenticate(request, state);
    return dispatch(params.method, businessParameters(decoded.values, methods.get(params.method)), app, decoded.values, state, params.app_auth_token || undefined);
  }

  async function answerOpenApi(request: OpenApiRequest, state: RequestState): Promise<Answer> {
    const call = await openApi.authenticate(request, state);
    const text: Record<string, string> = {};
    for (const [name, value] of Object.entries(call.parameters)) text[name] = typeof value === 'string' ? value : JSON.stringify(value);
    // The journal shows a v3 call's parameters as it shows a gateway.do call's.
    state.decoded = { charset: 'utf-8', list: [], values: text };
    return dispatch(call.method.definition.name, { ok: true, value: call.parameters }, call.app, text, state, call.appAuthToken);
  }

  /** The request's state, told where the client reached the sandbox. */
  function withOrigin(state: RequestState, origin: string | undefined): RequestState {
    if (origin !== undefined) state.origin = origin;
    return state;
  }

  /** A refusal (or a failure of the sandbox itself, which callers see as aop.unknow-error) as an answer. */
  function refusalAnswer(error: unknown): Answer {
    if (error instanceof Rejection) return { kind: 'node', node: error.error, detail: error.detail };
    if (error instanceof StateUnavailableError) return unsaved(error);
    deps.onInternalError?.(error);
    return { kind: 'node', node: publicError('aop.unknow-error', 'the sandbox failed on this request; its log has the details') };
  }

  /** Shared with other replicas, the entry is where they read it before the answer goes out. */
  function record(protocol: 'v1' | 'v3', httpMethod: string, state: RequestState, response: GatewayResponse, node?: ResponseNode): void | Promise<void> {
    return deps.journal.record(journalFields(protocol, httpMethod, state, response, node));
  }

  /**
   * With a shared store, the request's journal entry is stored by the call that commits its changes:
   * one call fewer. The commit is then held until the answer is rendered (the entry describes it).
   */
  function promisedEntry(protocol: 'v1' | 'v3', httpMethod: string, state: RequestState): EntryPromise {
    let settle!: (entry: NewEntry | undefined) => void;
    const promise = new Promise<NewEntry | undefined>((done) => (settle = done));
    const entryOf = (response: GatewayResponse, answer: Answer) => deps.journal.entryOf(journalFields(protocol, httpMethod, state, response, nodeOf(answer)));
    return { promise, settleWhenRendered: (rendering, answer) => void rendering.then((response) => entryOf(response, answer)).then(settle, () => settle(undefined)) };
  }

  /** What the journal keeps of a request and its answer. */
  function journalFields(protocol: 'v1' | 'v3', httpMethod: string, state: RequestState, response: GatewayResponse, node?: ResponseNode): Omit<StoredEntry, 'id' | 'at'> {
    return {
      atMs: deps.now(),
      protocol,
      // No scenario decided: the protocol checks refused it before any method could run.
      refused_at_protocol: state.decision === undefined && node !== undefined && node.code !== '10000',
      business: state.business,
      http_method: httpMethod,
      method: state.method,
      app_id: state.app?.appId ?? state.decoded?.values.app_id,
      ...(state.authAppId ? { auth_app_id: state.authAppId } : {}),
      parameters: state.decoded?.values ?? {},
      response: {
        http_status: response.status,
        code: node?.code,
        sub_code: node?.sub_code,
        sub_msg: node?.sub_msg,
        detail: response.outcome.detail,
        fault: response.outcome.fault,
        ...(node ? { node } : {}),
      },
      ...(state.signature ? { signature: state.signature } : {}),
      rule: response.outcome.rule,
      delay_ms: response.delayMs,
    };
  }

  function unsaved(error: unknown): Answer {
    // A shared store that cannot be reached is the business system being down, as Alipay names it.
    if (error instanceof StateUnavailableError) {
      (deps.onStoreUnavailable ?? deps.onInternalError)?.(error);
      return { kind: 'node', node: publicError('isp.unknow-error', 'the sandbox cannot reach its state store; retry the call'), detail: error.message };
    }
    deps.onInternalError?.(error);
    return { kind: 'node', node: publicError('aop.unknow-error', 'the sandbox could not save its state; retry the call'), detail: String(error) };
  }

  /**
   * Changes this request made are on disk before it is answered: an acknowledged grant survives a
   * crash. The answer is rendered (signed) while the change is written, since both take a while and
   * neither needs the other; it is handed out only once the write is done, and a failed write
   * replaces it with the refusal. A shared store's commit waits for the answer instead, to carry its
   * journal entry: one call to the store fewer, where signing takes longer than the store's answer.
   */
  async function renderedWhenDurable(state: RequestState, result: Answer, render: (state: RequestState, result: Answer) => Promise<GatewayResponse>, lastTry: boolean): Promise<{ result: Answer; response: GatewayResponse; journalled?: boolean } | 'conflict'> {
    const written = state.written ?? (deps.state.dirty ? deps.state.persist(state.entry?.promise) : undefined);
    if (!written) return { result, response: await render(state, result) };
    const rendering = render(state, result);
    // A commit given the request's journal entry waits for it: a refused or failed one stores neither.
    state.entry?.settleWhenRendered(rendering, result);
    let journalled;
    try {
      journalled = (await written) === true;
    } catch (error) {
      rendering.catch(() => undefined);
      if (error instanceof StateConflictError && !lastTry) return 'conflict';
      const refusal = unsaved(error);
      return { result: refusal, response: await render(state, refusal) };
    }
    return { result, response: await rendering, journalled };
  }

  /** Before a request reads the state: what other replicas committed; undefined when all is in hand. */
  async function caughtUp(): Promise<Answer | undefined> {
    try {
      await deps.catchUp!();
      return undefined;
    } catch (error) {
      return unsaved(error instanceof StateUnavailableError ? error : new StateUnavailableError(`the shared state store did not answer: ${(error as Error).message}`));
    }
  }

  /**
   * One request of either protocol: its answer (or refusal), made durable, rendered, journalled.
   * `refused` learns what it can of a caller refused early.
   */
  async function serve(protocol: 'v1' | 'v3', httpMethod: string, answerOf: (state: RequestState) => Answer | Promise<Answer>, render: (state: RequestState, result: Answer) => Promise<GatewayResponse>, refused?: (state: RequestState) => void): Promise<GatewayResponse> {
    let decidedBefore: Decision | undefined;
    for (let tries = 1; ; tries++) {
      const state: RequestState = decidedBefore ? { decidedBefore } : {};
      if (deps.state.storesEntries) state.entry = promisedEntry(protocol, httpMethod, state);
      let answered = deps.catchUp ? await caughtUp() : undefined;
      if (!answered) {
        try {
          const answering = answerOf(state);
          answered = answering instanceof Promise ? await answering : answering;
        } catch (error) {
          refused?.(state);
          answered = refusalAnswer(error);
        }
      }
      const rendered = await renderedWhenDurable(state, answered, render, tries === CONFLICT_TRIES);
      // Another replica committed a record this request read: run it again over what that one wrote.
      if (rendered === 'conflict') {
        decidedBefore = state.decision;
        continue;
      }
      // Stored with the commit, where every replica reads it.
      if (rendered.journalled) return rendered.response;
      const recorded = record(protocol, httpMethod, state, rendered.response, nodeOf(rendered.result));
      // A journal that could not be written loses a diagnostic, not the answer; a store that did not
      // answer is its outage, said once by the store's owner, not once per request.
      if (recorded) await recorded.catch((error: unknown) => (error instanceof StateUnavailableError && deps.onStoreUnavailable ? undefined : deps.onInternalError?.(error)));
      return rendered.response;
    }
  }

  return {
    settings,
    handle: (request) =>
      serve('v1', request.httpMethod, (state) => answer(request, withOrigin(state, request.origin)), respond, (state) => {
        // Refused before its parameters were decoded: identify the caller from the query, best effort.
        if (!state.app && !state.method) identify(new URLSearchParams(request.rawQuery), state);
      }),
    handleOpenApi: (request) => serve('v3', request.httpMethod, (state) => answerOpenApi(request, withOrigin(state, request.origin)), openApi.respond),
  };
}
