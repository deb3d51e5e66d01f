/**
 * Request verification, as an integrator asks it: how many calls of a method, with which business
 * parameters, answered how, over which protocol; which requests the gateway refused, and why. The
 * same over HTTP (the typed admin client) and in-process (sandbox.requests).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { AdminClientError, createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import { reset } from '../support/admin-client.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));
const AUTHQUERY = 'zhima.auth.info.authquery';

async function someCalls(): Promise<void> {
  await execSigned(sandbox(), AUTHQUERY, VALID_REQUESTS[AUTHQUERY]);
  await execSigned(sandbox(), AUTHQUERY, { ...VALID_REQUESTS[AUTHQUERY], identity_type: '5', identity_param: '{"userId":"12345"}' });
  await execSigned(sandbox(), CERTIFY_OPEN_INITIALIZE, { ...certifyOpenInitializeExample, outer_order_no: 'VERIFY01' });
  const v3 = sdkFor(sandbox(), { endpoint: sandbox().url });
  await v3.curl('POST', '/v3/alipay/user/certify/open/initialize', { body: { ...certifyOpenInitializeExample, outer_order_no: 'VERIFY02' } });
  // Refused at protocol level: signed, then tampered with.
  const tampered = signedRequest({ ...publicParams(AUTHQUERY), biz_content: JSON.stringify(VALID_REQUESTS[AUTHQUERY]) });
  await postForm(sandbox(), { ...tampered, body: tampered.body.replace('C2B', 'B2B') });
}

describe('request verification', () => {
  it('counts by method, business parameters (plain, regex, one_of), answer and protocol', async () => {
    await someCalls();
    const { requests } = sandbox();
    expect(requests.count({ method: AUTHQUERY })).toBe(3);
    expect(requests.count({ method: AUTHQUERY, code: '10000' })).toBe(1);
    expect(requests.count({ method: AUTHQUERY, sub_code: 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED' })).toBe(1);
    expect(requests.count({ method: AUTHQUERY, biz_content: { 'identity_param.userId': '12345' } })).toBe(1);
    expect(requests.count({ biz_content: { outer_order_no: { regex: '^VERIFY0[12]$' } } })).toBe(2);
    expect(requests.count({ method: CERTIFY_OPEN_INITIALIZE, protocol: 'v3' })).toBe(1);
    expect(requests.count({ method: { one_of: [CERTIFY_OPEN_INITIALIZE, 'zhima.customer.certification.material.certify'] } })).toBe(2);
    expect(requests.count({ method: 'zhima.customer.certification.material.certify' })).toBe(0);
    expect(requests.count({ since: Date.now() + 60_000 })).toBe(0);
    expect(requests.find({ biz_content: { outer_order_no: 'VERIFY02' } }).map((e) => e.protocol)).toEqual(['v3']);
  });

  it('lists the requests refused at protocol level, with why, and only those', async () => {
    await someCalls();
    const refused = sandbox().requests.refused();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ method: AUTHQUERY, refused_at_protocol: true, response: { sub_code: 'isv.invalid-signature' } });
    // Alipay's words in sub_msg, the sandbox's why in detail: a parameter changed after signing.
    expect(refused[0]!.response.sub_msg).toContain('验签出错');
    expect(refused[0]!.response.detail).toContain('the parameters differ from what was signed');
  });

  it('answers the same over HTTP, and refuses an unknown criterion by name', async () => {
    await someCalls();
    const admin = createAdminClient(sandbox().url);
    expect(await admin.countRequests({ method: AUTHQUERY, code: '10000' })).toEqual({ count: 1 });
    expect((await admin.findRequests({ protocol: 'v3' })).requests).toHaveLength(1);
    expect((await admin.refusedRequests()).requests).toHaveLength(1);
    expect((await admin.requests({ sub_code: 'isv.invalid-signature' })).requests).toHaveLength(1);
    const unknown = (await admin.countRequests({ metod: AUTHQUERY }).catch((error: unknown) => error)) as AdminClientError;
    expect([unknown.status, unknown.message]).toEqual([400, 'unknown criterion metod; the criteria are method, app_id, auth_app_id, code, sub_code, protocol, since, until, biz_content']);
    const viaQuery = await fetch(`${sandbox().url}/__admin/requests?colour=red`);
    expect(viaQuery.status).toBe(400);
    const badRegex = (await admin.countRequests({ biz_content: { x: { regex: '(a' } } }).catch((error: unknown) => error)) as AdminClientError;
    expect(badRegex.status).toBe(400);
  });

  it('verifies a count, and says what was received when it is not met', async () => {
    await someCalls();
    expect(() => sandbox().requests.verify({ method: AUTHQUERY, code: '10000' })).not.toThrow();
    expect(() => sandbox().requests.verify({ method: 'zhima.customer.certification.material.certify' })).toThrow(
      /expected 1 request\(s\) matching \{"method":"zhima.customer.certification.material.certify"\}, found 0:\nnone\nall requests received:\n {2}#\d+ v1 zhima.auth.info.authquery app 2021000000000001 → 10000/,
    );
    expect(() => sandbox().requests.verify({ app_id: DEFAULT_APP_ID }, 99)).toThrow(/found 5/);
  });
});
