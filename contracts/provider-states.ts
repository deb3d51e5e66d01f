/**
 * The provider states a pact may name in given(...), in domain words, and how the sandbox is put in
 * each: through its own gateway (a real inner.apply, a real initialize, each the method's own example
 * call from its definition) and its admin operations (a scenario for the app, a headless completion:
 * the admin core itself when the sandbox runs in the same process, else its admin API). Built
 * from a list of definitions, so that the states a method's example needs and its business codes'
 * scenarios come with its definition. Shared by the provider verification and `verify-pacts`.
 */
import { parse as parseYaml } from 'yaml';
import { AlipayApiError, AlipayClient } from '../client-harness/alipay-client.js';
import type { ApiMethod } from '../client-harness/api-types.js';
import { createAdminClient, type RemoteSandboxAdmin, type SandboxAdmin } from '../mock-server/index.js';
import { SUPPORTED_METHODS, businessErrorScenarios, documentedRows, exampleRequest, orderField, type ApiMethodDefinition } from '../mock-server/core/methods/index.js';

export interface StateTarget {
  /** The sandbox's base URL, e.g. http://127.0.0.1:8976 */
  readonly url: string;
  readonly appId: string;
  readonly privateKeyPem: string;
  readonly alipayPublicKeyPem: string;
  /**
   * The sandbox's admin core when it runs in this process (RunningSandbox.admin): the set-ups' admin
   * calls then skip HTTP, some 400 requests of a whole verification. Without it, the admin API at url.
   */
  readonly admin?: SandboxAdmin;
}

/** The target's admin operations: its admin core where it gives it, else its admin API over HTTP. */
export function adminOf(target: StateTarget): SandboxAdmin | RemoteSandboxAdmin {
  return target.admin ?? createAdminClient(target.url);
}

type Params = Readonly<Record<string, unknown>>;
/** Values a state hands back for injection into the request (certify_id, biz_no). */
type Injected = Record<string, string>;
type StateSetup = (params: Params, target: StateTarget) => Promise<Injected | undefined>;
type Definitions = readonly ApiMethodDefinition[];

async function setScenario(target: StateTarget, scenario: object): Promise<void> {
  await adminOf(target).setAppScenario(target.appId, scenario);
}

/** The scenario in which every method that documents `subCode` answers it. */
export function everywhereScenario(definitions: Definitions, subCode: string, subMsg?: string): object {
  const methods = definitions.filter((d) => documentedRows(d.businessErrors, subCode, subMsg).length > 0);
  if (!methods.length) throw new Error(`provider state: no method documents ${subCode}`);
  return { rules: [{ match: { method: { one_of: methods.map((d) => d.name) } }, outcome: { business_error: subCode, ...(subMsg ? { sub_msg: subMsg } : {}) } }] };
}

/**
 * The shipped per-code scenario of one method (scenarios/business-errors/<method>/<CODE>.yaml, as
 * `npm run docs` writes it), so that a pact naming it verifies the very file users load.
 */
export function perCodeScenario(definitions: Definitions, method: string, subCode: string, subMsg?: string): object {
  const definition = definitions.find((d) => d.name === method);
  if (!definition) throw new Error(`provider state: ${method} is not a method the sandbox serves`);
  const row = documentedRows(definition.businessErrors, subCode, subMsg)[0];
  if (!row) throw new Error(`provider state: ${method} does not document ${subCode}${subMsg ? ` (${subMsg})` : ''}`);
  // One file per row of the method's table, in the table's order.
  const file = businessErrorScenarios([definition])[definition.businessErrors.indexOf(row)]!;
  return parseYaml(file.text) as object;
}

/** The scenario of 'the API answers a business error': one method's shipped scenario where it is named, else every method's. */
export function businessErrorScenario(definitions: Definitions, params: Params): object {
  const subMsg = params.sub_msg as string | undefined;
  const method = params.method as string | undefined;
  const subCode = text(params, 'sub_code');
  return method ? perCodeScenario(definitions, method, subCode, subMsg) : everywhereScenario(definitions, subCode, subMsg);
}

/** Every method that documents `subCode` answers it. */
function businessErrorEverywhere(definitions: Definitions, subCode: string): StateSetup {
  return async (_params, target) => {
    await setScenario(target, everywhereScenario(definitions, subCode));
    return undefined;
  };
}

const clients = new WeakMap<StateTarget, AlipayClient>();

/** The target's client, made once: each making parses both keys' PEM. */
function clientFor(target: StateTarget): AlipayClient {
  let client = clients.get(target);
  if (!client) {
    client = new AlipayClient({ gateway: `${target.url}/gateway.do`, appId: target.appId, privateKey: target.privateKeyPem, alipayPublicKey: target.alipayPublicKeyPem });
    clients.set(target, client);
  }
  return client;
}

function text(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || !value) throw new Error(`provider state: the parameter ${name} is required`);
  return value;
}

function definitionNamed(definitions: Definitions, name: string): ApiMethodDefinition {
  const definition = definitions.find((d) => d.name === name);
  if (!definition) throw new Error(`provider state: ${name} is not among the methods`);
  return definition;
}

/** The method each `flow` of 'a certification was started' starts with (the README's flow names). */
const FLOW_STARTERS: Readonly<Record<string, string>> = {
  'certify-open': 'alipay.user.certify.open.initialize',
  zhima: 'zhima.customer.certification.initialize',
  'face-certify': 'datadigital.fincloud.generalsaas.face.certify.initialize',
  'face-verification': 'datadigital.fincloud.generalsaas.face.verification.initialize',
  'face-check': 'datadigital.fincloud.generalsaas.face.check.initialize',
};

/** The starter of the state's flow; certify-open where none is named. */
function flowStarter(definitions: Definitions, flow: unknown): ApiMethodDefinition {
  const starter = FLOW_STARTERS[typeof flow === 'string' ? flow : 'certify-open'];
  if (!starter) throw new Error(`provider state: no flow ${String(flow)} (one of ${Object.keys(FLOW_STARTERS).join(', ')})`);
  return definitionNamed(definitions, starter);
}

/** A starter's example for this state's order, person (cert_name, cert_no) and return_url where given. */
function startRequest(starter: ApiMethodDefinition, params: Params): Record<string, string> {
  const order = orderField(starter);
  if (!order) throw new Error(`provider state: ${starter.name} names no order field (exampleCall.unique)`);
  const request = { ...exampleRequest(starter), [order]: text(params, 'order_no') };
  const identity = JSON.parse(request.identity_param ?? '{}') as Record<string, unknown>;
  for (const name of ['cert_name', 'cert_no']) if (typeof params[name] === 'string') identity[name] = params[name];
  if (request.identity_param) request.identity_param = JSON.stringify(identity);
  // The App face verification carries its person at the top level rather than in identity_param.
  for (const name of ['cert_name', 'cert_no']) {
    const value = params[name];
    if (typeof value === 'string' && name in request) request[name] = value;
  }
  if (typeof params.return_url === 'string' && request.merchant_config) request.merchant_config = JSON.stringify({ ...JSON.parse(request.merchant_config), return_url: params.return_url });
  return request;
}

/** The values of the starter's answer that its siblings carry (certify_id, biz_no). */
function answeredIds(starter: ApiMethodDefinition, answer: Readonly<Record<string, unknown>>): Injected {
  return Object.fromEntries(Object.keys(starter.responseFields).filter((name) => typeof answer[name] === 'string').map((name) => [name, answer[name] as string]));
}

/** A certification started through the gateway with the starter's own example, as the consumer's initialize would start it. */
function startCertification(definitions: Definitions): (params: Params, target: StateTarget) => Promise<Injected> {
  return async (params, target) => {
    const starter = flowStarter(definitions, params.flow);
    const answer = await clientFor(target).call(starter.name as ApiMethod, startRequest(starter, params) as never);
    return answeredIds(starter, answer);
  };
}

function finishedCertification(definitions: Definitions, completion: (params: Params) => object): StateSetup {
  return async (params, target) => {
    const injected = await startCertification(definitions)(params, target);
    const id = injected.certify_id ?? injected.biz_no!;
    await adminOf(target).completeCertification(id, completion(params));
    return injected;
  };
}

/** One call of the first API that needs nothing first: a call the gateway counts, whatever it answers. */
async function anyCall(definitions: Definitions, target: StateTarget): Promise<void> {
  const definition = definitions.find((d) => !d.page && !d.exampleCall?.needs && d.parametersAt !== 'top-level');
  if (!definition) throw new Error('provider state: no API can be called without a state of its own');
  await clientFor(target)
    .call(definition.name as ApiMethod, exampleRequest(definition) as never)
    .catch((error: unknown) => {
      // A documented refusal is still a call the limit counted.
      if (!(error instanceof AlipayApiError)) throw error;
    });
}

const nothingToSetUp: StateSetup = async () => undefined;

/** The person agreed (scope auth_base, or `scope`) and the app exchanged the code: whom, and their access_token. */
async function personsAccessToken(params: Params, target: StateTarget, scope = (params.scope as string | undefined) ?? 'auth_base') {
  const admin = adminOf(target);
  const userId = (params.user_id as string | undefined) ?? (await admin.identities()).identities[0]!.user_id;
  const issued = await admin.issueAuthCode({ app_id: target.appId, user_id: userId, scope });
  const token = await clientFor(target).call('alipay.system.oauth.token', { grant_type: 'authorization_code', code: issued.auth_code });
  const person = (await admin.identities()).identities.find((p) => p.user_id === userId)!;
  return { person, auth_token: token.access_token };
}

/** A person's id_verify token, and the verify_id of preconsult's example carrying that person's own elements. */
function preconsultedOwnElements(definitions: Definitions): StateSetup {
  return async (params, target) => {
    const { person, auth_token } = await personsAccessToken(params, target, 'id_verify');
    const preconsult = definitionNamed(definitions, 'alipay.user.certdoc.certverify.preconsult');
    const request = { ...exampleRequest(preconsult), user_name: person.name, cert_no: person.cert_no, mobile: person.mobile };
    const answer = await clientFor(target).call('alipay.user.certdoc.certverify.preconsult', request as never);
    return { auth_token, verify_id: answer.verify_id };
  };
}

/** A 核身 started with initialize's example for this state's biz_id: its verify token. */
function startedIdentityVerification(definitions: Definitions): StateSetup {
  return async (params, target) => {
    const initialize = definitionNamed(definitions, 'alipay.security.risk.verifyidentity.initialize');
    const request = { ...exampleRequest(initialize), biz_id: text(params, 'biz_id') };
    const answer = await clientFor(target).call('alipay.security.risk.verifyidentity.initialize', request as never);
    return { verify_token: answer.veritfy_token };
  };
}

/** Name → set-up, each set up with the given methods' own examples and tables. */
function statesFor(definitions: Definitions) {
  return {
    'the app is registered': nothingToSetUp,
    'identity has not authorized the app': nothingToSetUp,
    'identity has authorized the app': async (params: Params, target: StateTarget) => {
      const innerApply = definitionNamed(definitions, 'alipay.user.auth.zhimaper.inner.apply');
      const request = { ...exampleRequest(innerApply), cert_no: text(params, 'cert_no'), cert_type: 'IDENTITY_CARD' as const, name: text(params, 'name'), mobile: text(params, 'mobile') };
      await clientFor(target).call('alipay.user.auth.zhimaper.inner.apply', request);
      return undefined;
    },
    'a certification was started': startCertification(definitions),
    // Alipay's OAuth page, agreed to by a person the sandbox knows (user_id, or the first fixture person).
    'the person agreed on the OAuth page': async (params: Params, target: StateTarget) => {
      const admin = adminOf(target);
      const userId = (params.user_id as string | undefined) ?? (await admin.identities()).identities[0]!.user_id;
      const issued = await admin.issueAuthCode({ app_id: target.appId, user_id: userId });
      return { code: issued.auth_code };
    },
    // The person agreed (scope auth_base, or `scope`) and the app exchanged the code: its access_token.
    "the app holds the person's access token": async (params: Params, target: StateTarget) => ({ auth_token: (await personsAccessToken(params, target)).auth_token }),
    // With the person's id_verify token, the app preconsulted the person's own name, ID number and mobile.
    "the app preconsulted the person's own elements": preconsultedOwnElements(definitions),
    // alipay.security.risk.verifyidentity.initialize for `biz_id`: the person has not yet been on the verify page.
    'an identity verification was started': startedIdentityVerification(definitions),
    // Alipay's authorization page, where a merchant (auth_app_id, optional) authorizes this app as its ISV.
    'a merchant authorized the app': async (params: Params, target: StateTarget) => {
      const auth_app_id = params.auth_app_id as string | undefined;
      const issued = await adminOf(target).issueAppAuthCode({ app_id: target.appId, ...(auth_app_id ? { auth_app_id } : {}) });
      return { code: issued.app_auth_code };
    },
    'the certification passed': finishedCertification(definitions, () => ({ passed: true })),
    // Started, never finished, and its 23 hours are over (the business clock moved on a day).
    'the certification expired unfinished': async (params: Params, target: StateTarget) => {
      const injected = await startCertification(definitions)(params, target);
      await adminOf(target).moveClock({ advance_ms: 24 * 3600_000 });
      return injected;
    },
    'the certification failed': finishedCertification(definitions, (params) => ({ passed: false, reason: (params.reason as string) ?? 'Z1147' })),
    'the app is over its call limit': async (_params: Params, target: StateTarget) => {
      await setScenario(target, { rules: [{ name: 'call limit', match: { rate: { calls: 1, per_ms: 86_400_000 } }, outcome: { throttled: true } }] });
      // The one call the limit allows, so the interaction's own call is the one over it.
      await anyCall(definitions, target);
      return undefined;
    },
    'the gateway is busy': async (_params: Params, target: StateTarget) => {
      await setScenario(target, { rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] });
      return undefined;
    },
    'Alipay is busy': businessErrorEverywhere(definitions, 'SYSTEM_ERROR'),
    'no Alipay member has these identity elements': businessErrorEverywhere(definitions, 'NO_USER_ERROR'),
    'the person has no Zhima account': businessErrorEverywhere(definitions, 'ZM_ACCOUNT_NOT_EXISTED'),
    "the person's Zhima account is paused": businessErrorEverywhere(definitions, 'ZM_ACCOUNT_PAUSE'),
    "the person's Alipay account is not ID-verified": businessErrorEverywhere(definitions, 'ALIPAY_ACCOUNT_NOTCERTIFIE'),
    "the person's identity is doubtful": businessErrorEverywhere(definitions, 'ALIPAY_RELATED_UNKNOWN'),
    'the person is suspected of using a simulated account': businessErrorEverywhere(definitions, 'ALIPAY_SIMULATE_ACCOUNT'),
    "the merchant's contract does not cover the certification": async (_params: Params, target: StateTarget) => {
      await setScenario(target, {
        rules: [
          { match: { method: 'alipay.user.certify.open.initialize' }, outcome: { business_error: 'ARRANGEMENT_STATUS_ERROR' } },
          { match: { method: { one_of: ['zhima.customer.certification.material.certify', 'zhima.customer.certification.initialize'] } }, outcome: { business_error: 'ARRANGEMENT_ERROR' } },
        ],
      });
      return undefined;
    },
    'the certification fails on a business error': businessErrorEverywhere(definitions, 'BIZ_ERROR'),
    'the certification order cannot be updated': businessErrorEverywhere(definitions, 'TRANSACTION_ERROR'),
    // `method` (optional) names one method: its shipped per-code scenario, as the derived pact uses it.
    'the API answers a business error': async (params: Params, target: StateTarget) => {
      await setScenario(target, businessErrorScenario(definitions, params));
      return undefined;
    },
  } as const satisfies Record<string, StateSetup>;
}

/** Typed names for the consumer tests, so a typo fails to compile rather than at verification. */
export type ProviderStateName = keyof ReturnType<typeof statesFor>;

/**
 * The provider states for these methods. A method whose example needs a state the sandbox cannot set
 * up fails here, at load, rather than as a pact that never verifies.
 */
export function providerStates(definitions: Definitions = SUPPORTED_METHODS): Readonly<Record<ProviderStateName, StateSetup>> {
  const states = statesFor(definitions);
  for (const definition of definitions) {
    const needed = definition.exampleCall?.needs?.state;
    if (needed !== undefined && !Object.hasOwn(states, needed)) throw new Error(`${definition.name} needs the provider state "${needed}", which the sandbox cannot set up`);
  }
  return states;
}

/** Name → set-up. The README lists these names for users' own pacts. */
export const PROVIDER_STATES = providerStates();

export const PROVIDER_STATE_NAMES: readonly string[] = Object.keys(PROVIDER_STATES);

export function isProviderState(name: string): name is ProviderStateName {
  return Object.hasOwn(PROVIDER_STATES, name);
}
