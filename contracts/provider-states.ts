/**
 * The provider states a pact may name in given(...), in domain words, and how the sandbox is put in
 * each: through its own gateway (a real inner.apply, a real initialize) and its admin API (a scenario
 * for the app, a headless completion). Shared by the provider verification and `verify-pacts`.
 */
import { AlipayClient } from '../client-harness/alipay-client.js';
import { createAdminClient } from '../mock-server/admin/admin-client.js';
import { documentedRows } from '../mock-server/methods/business-errors.js';
import { SUPPORTED_METHODS } from '../mock-server/methods/method-registry.js';

export interface StateTarget {
  /** The sandbox's base URL, e.g. http://127.0.0.1:8976 */
  readonly url: string;
  readonly appId: string;
  readonly privateKeyPem: string;
  readonly alipayPublicKeyPem: string;
}

type Params = Readonly<Record<string, unknown>>;
/** Values a state hands back for injection into the request (certify_id, biz_no). */
type Injected = Record<string, string>;
type StateSetup = (params: Params, target: StateTarget) => Promise<Injected | undefined>;

async function setScenario(target: StateTarget, scenario: object): Promise<void> {
  await createAdminClient(target.url).setAppScenario(target.appId, scenario);
}

/** Every method that documents `subCode` answers it. */
function businessErrorEverywhere(subCode: string, subMsg?: string): StateSetup {
  return async (_params, target) => {
    const methods = SUPPORTED_METHODS.filter((d) => documentedRows(d.businessErrors, subCode, subMsg).length > 0);
    if (!methods.length) throw new Error(`provider state: no method documents ${subCode}`);
    await setScenario(target, { rules: [{ match: { method: { one_of: methods.map((d) => d.name) } }, outcome: { business_error: subCode, ...(subMsg ? { sub_msg: subMsg } : {}) } }] });
    return undefined;
  };
}

function clientFor(target: StateTarget): AlipayClient {
  return new AlipayClient({ gateway: `${target.url}/gateway.do`, appId: target.appId, privateKey: target.privateKeyPem, alipayPublicKey: target.alipayPublicKeyPem });
}

function text(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || !value) throw new Error(`provider state: the parameter ${name} is required`);
  return value;
}

/** A certification started through the gateway, as the consumer's own initialize would start it. */
async function startCertification(params: Params, target: StateTarget): Promise<Injected> {
  const client = clientFor(target);
  const identity = JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', cert_name: (params.cert_name as string) ?? '收委', cert_no: (params.cert_no as string) ?? '330106197909275965' });
  if (params.flow === 'zhima') {
    const started = await client.call('zhima.customer.certification.initialize', {
      transaction_id: text(params, 'order_no'),
      product_code: 'w1010100000000002978',
      biz_code: 'FACE',
      identity_param: identity,
    });
    return { biz_no: started.biz_no };
  }
  const started = await client.call('alipay.user.certify.open.initialize', {
    outer_order_no: text(params, 'order_no'),
    biz_code: 'FACE',
    identity_param: identity,
    merchant_config: JSON.stringify({ return_url: (params.return_url as string) ?? 'https://merchant.example/return' }),
  });
  return { certify_id: started.certify_id };
}

function finishedCertification(completion: (params: Params) => object): StateSetup {
  return async (params, target) => {
    const injected = await startCertification(params, target);
    const id = injected.certify_id ?? injected.biz_no!;
    await createAdminClient(target.url).completeCertification(id, completion(params));
    return injected;
  };
}

const nothingToSetUp: StateSetup = async () => undefined;

/** Name → set-up. The README lists these names for users' own pacts. */
export const PROVIDER_STATES = {
  'the app is registered': nothingToSetUp,
  'identity has not authorized the app': nothingToSetUp,
  'identity has authorized the app': async (params: Params, target: StateTarget) => {
    await clientFor(target).call('alipay.user.auth.zhimaper.inner.apply', {
      cert_no: text(params, 'cert_no'),
      cert_type: 'IDENTITY_CARD',
      name: text(params, 'name'),
      mobile: text(params, 'mobile'),
    });
    return undefined;
  },
  'a certification was started': startCertification,
  // Alipay's OAuth page, agreed to by a person the sandbox knows (user_id, or the first fixture person).
  'the person agreed on the OAuth page': async (params: Params, target: StateTarget) => {
    const admin = createAdminClient(target.url);
    const userId = (params.user_id as string | undefined) ?? (await admin.identities()).identities[0]!.user_id;
    const issued = await admin.issueAuthCode({ app_id: target.appId, user_id: userId });
    return { code: issued.auth_code };
  },
  // Alipay's authorization page, where a merchant (auth_app_id, optional) authorizes this app as its ISV.
  'a merchant authorized the app': async (params: Params, target: StateTarget) => {
    const auth_app_id = params.auth_app_id as string | undefined;
    const issued = await createAdminClient(target.url).issueAppAuthCode({ app_id: target.appId, ...(auth_app_id ? { auth_app_id } : {}) });
    return { code: issued.app_auth_code };
  },
  'the certification passed': finishedCertification(() => ({ passed: true })),
  // Started, never finished, and its 23 hours are over (the business clock moved on a day).
  'the certification expired unfinished': async (params: Params, target: StateTarget) => {
    const injected = await startCertification(params, target);
    await createAdminClient(target.url).moveClock({ advance_ms: 24 * 3600_000 });
    return injected;
  },
  'the certification failed': finishedCertification((params) => ({ passed: false, reason: (params.reason as string) ?? 'Z1147' })),
  'the app is over its call limit': async (_params: Params, target: StateTarget) => {
    await setScenario(target, { rules: [{ name: 'call limit', match: { rate: { calls: 1, per_ms: 86_400_000 } }, outcome: { throttled: true } }] });
    // The one call the limit allows, so the interaction's own call is the one over it.
    await clientFor(target).call('alipay.security.risk.verifyidentity.apply', {
      biz_id: 'call_limit_state',
      account_id: '330102198807312189',
      validate_product_group: '{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"}',
      scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient',
    });
    return undefined;
  },
  'the gateway is busy': async (_params: Params, target: StateTarget) => {
    await setScenario(target, { rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] });
    return undefined;
  },
  'Alipay is busy': businessErrorEverywhere('SYSTEM_ERROR'),
  'no Alipay member has these identity elements': businessErrorEverywhere('NO_USER_ERROR'),
  'the person has no Zhima account': businessErrorEverywhere('ZM_ACCOUNT_NOT_EXISTED'),
  "the person's Zhima account is paused": businessErrorEverywhere('ZM_ACCOUNT_PAUSE'),
  "the person's Alipay account is not ID-verified": businessErrorEverywhere('ALIPAY_ACCOUNT_NOTCERTIFIE'),
  "the person's identity is doubtful": businessErrorEverywhere('ALIPAY_RELATED_UNKNOWN'),
  'the person is suspected of using a simulated account': businessErrorEverywhere('ALIPAY_SIMULATE_ACCOUNT'),
  "the merchant's contract does not cover the certification": async (_params: Params, target: StateTarget) => {
    await setScenario(target, {
      rules: [
        { match: { method: 'alipay.user.certify.open.initialize' }, outcome: { business_error: 'ARRANGEMENT_STATUS_ERROR' } },
        { match: { method: { one_of: ['zhima.customer.certification.material.certify', 'zhima.customer.certification.initialize'] } }, outcome: { business_error: 'ARRANGEMENT_ERROR' } },
      ],
    });
    return undefined;
  },
  'the certification fails on a business error': businessErrorEverywhere('BIZ_ERROR'),
  'the certification order cannot be updated': businessErrorEverywhere('TRANSACTION_ERROR'),
  'the API answers a business error': (params: Params, target: StateTarget) => businessErrorEverywhere(text(params, 'sub_code'), params.sub_msg as string | undefined)(params, target),
} as const satisfies Record<string, StateSetup>;

export const PROVIDER_STATE_NAMES: readonly string[] = Object.keys(PROVIDER_STATES);

export function isProviderState(name: string): name is ProviderStateName {
  return Object.hasOwn(PROVIDER_STATES, name);
}

/** Typed names for the consumer tests, so a typo fails to compile rather than at verification. */
export type ProviderStateName = keyof typeof PROVIDER_STATES;
