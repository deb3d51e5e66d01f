/**
 * How rules pick requests: by method, app_id, biz_content fields (also inside JSON strings) with
 * equals / regex / one_of, and by call count (nth, first, every), first match winning, one-shot rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentities, type SyntheticIdentity } from '../../fixtures/identities/synthetic-identities.js';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { registerApp, reset, useScenario } from '../support/admin-client.js';
import { VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const AUTHQUERY = 'zhima.auth.info.authquery';
const VERIFY = 'alipay.security.risk.verifyidentity.apply';
const BUSY = { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' };

async function subCodeOf(method: SeedMethod, change: Record<string, string> = {}): Promise<string> {
  const biz = { ...VALID_REQUESTS[method], ...change };
  const node = nodeOf(await postForm(sandbox(), signedRequest({ ...publicParams(method), biz_content: JSON.stringify(biz) })));
  return node.sub_code ?? node.code!;
}

async function subCodes(count: number, method: SeedMethod = AUTHQUERY): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await subCodeOf(method));
  return out;
}

describe('matching on fields', () => {
  it('a plain value equals the method; other methods are untouched', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: AUTHQUERY }, outcome: BUSY }] });
    expect(await subCodeOf(AUTHQUERY)).toBe('isp.unknow-error');
    expect(await subCodeOf(VERIFY)).toBe('10000');
  });

  it('one_of lists methods', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: { one_of: [AUTHQUERY, VERIFY] } }, outcome: BUSY }] });
    expect([await subCodeOf(AUTHQUERY), await subCodeOf(VERIFY), await subCodeOf('alipay.user.certify.open.initialize')]).toEqual([
      'isp.unknow-error',
      'isp.unknow-error',
      '10000',
    ]);
  });

  it('regex matches a biz_content field', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { biz_content: { biz_id: { regex: '^retry_' } } }, outcome: BUSY }] });
    expect(await subCodeOf(VERIFY, { biz_id: 'retry_001' })).toBe('isp.unknow-error');
    expect(await subCodeOf(VERIFY, { biz_id: 'first_001' })).toBe('10000');
  });

  it('a dotted path reads inside JSON held in a string (identity_param.certNo)', async () => {
    const [paused, other] = generateIdentities({ seed: 3, count: 2 });
    const identity = (p: SyntheticIdentity) => JSON.stringify({ certType: 'IDENTITY_CARD', name: p.name, certNo: p.cert_no });
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [{ match: { method: AUTHQUERY, biz_content: { 'identity_param.certNo': { equals: paused!.cert_no } } }, outcome: { business_error: 'ZM_ACCOUNT_PAUSE' } }],
    });
    expect(await subCodeOf(AUTHQUERY, { identity_param: identity(paused!) })).toBe('ZM_ACCOUNT_PAUSE');
    expect(await subCodeOf(AUTHQUERY, { identity_param: identity(other!) })).toBe('10000');
  });

  it('numbers inside nested JSON match as text (biz_params.qrcode_expired_time)', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { biz_content: { 'biz_params.qrcode_expired_time': 604800 } }, outcome: BUSY }] });
    expect(await subCodeOf(VERIFY)).toBe('isp.unknow-error');
    expect(await subCodeOf(VERIFY, { biz_params: '{"qrcode_expired_time":60}' })).toBe('10000');
  });

  it('app_id limits a rule to one app', async () => {
    const other = await registerApp(sandbox(), '2021000000000601');
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { app_id: '2021000000000601' }, outcome: BUSY }] });
    expect(await subCodeOf(AUTHQUERY)).toBe('10000');
    // The rule is in the default app's scenario, so the other app never reaches it.
    const params = { ...publicParams(AUTHQUERY, { app_id: '2021000000000601' }), biz_content: JSON.stringify(VALID_REQUESTS[AUTHQUERY]) };
    expect(nodeOf(await postForm(sandbox(), signedRequest(params, { privateKey: other }))).code).toBe('10000');
  });
});

describe('matching on call counts (per app_id)', () => {
  it('nth fires on that matching call only', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { call: { nth: 2 } }, outcome: BUSY }] });
    expect(await subCodes(4)).toEqual(['10000', 'isp.unknow-error', '10000', '10000']);
  });

  it('first fires on the first N matching calls', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { call: { first: 2 } }, outcome: BUSY }] });
    expect(await subCodes(4)).toEqual(['isp.unknow-error', 'isp.unknow-error', '10000', '10000']);
  });

  it('every fires on every nth matching call', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { call: { every: 3 } }, outcome: BUSY }] });
    expect(await subCodes(7)).toEqual(['10000', '10000', 'isp.unknow-error', '10000', '10000', 'isp.unknow-error', '10000']);
  });

  it('counts only the calls the rule\'s other conditions match', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: AUTHQUERY, call: { nth: 2 } }, outcome: BUSY }] });
    expect([await subCodeOf(AUTHQUERY), await subCodeOf(VERIFY), await subCodeOf(VERIFY), await subCodeOf(AUTHQUERY)]).toEqual([
      '10000',
      '10000',
      '10000',
      'isp.unknow-error',
    ]);
  });
});

describe('rule order and one-shot rules', () => {
  it('the first matching rule wins', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [
        { match: { method: AUTHQUERY }, outcome: { business_error: 'ZM_ACCOUNT_PAUSE' } },
        { outcome: BUSY },
      ],
    });
    expect([await subCodeOf(AUTHQUERY), await subCodeOf(VERIFY)]).toEqual(['ZM_ACCOUNT_PAUSE', 'isp.unknow-error']);
  });

  it('a once rule fires once, then the next rule decides', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, {
      rules: [
        { once: true, outcome: BUSY },
        { outcome: { business_error: 'SYSTEM_ERROR' }, match: { method: AUTHQUERY } },
      ],
    });
    expect(await subCodes(3)).toEqual(['isp.unknow-error', 'SYSTEM_ERROR', 'SYSTEM_ERROR']);
  });

  it('reset arms one-shot rules and call counts again', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ once: true, outcome: BUSY }] });
    expect(await subCodes(2)).toEqual(['isp.unknow-error', '10000']);
    await reset(sandbox());
    // Reset also cleared the app's scenario: set it again, and it fires again from the start.
    expect(await subCodes(1)).toEqual(['10000']);
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ once: true, outcome: BUSY }] });
    expect(await subCodes(2)).toEqual(['isp.unknow-error', '10000']);
  });

  it('a request no rule matches gets normal behaviour', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ match: { method: VERIFY }, outcome: BUSY }] });
    expect(await subCodeOf(AUTHQUERY)).toBe('10000');
  });
});

describe('scenarios see only requests that passed the protocol checks', () => {
  it('a badly signed request gets isv.invalid-signature even under a catch-all rule', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, { rules: [{ outcome: BUSY }] });
    const request = signedRequest({ ...publicParams(AUTHQUERY), biz_content: JSON.stringify(VALID_REQUESTS[AUTHQUERY]) });
    const tampered = { ...request, body: request.body.replace('C2B', 'B2B') };
    expect(nodeOf(await postForm(sandbox(), tampered)).sub_code).toBe('isv.invalid-signature');
  });
});
