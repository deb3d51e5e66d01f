/**
 * Authorization as calls affect each other at Alipay: inner.apply grants, authquery then answers
 * authorized true with a stable open_id (by cert or by userId), per app; who is a member depends on
 * whether the scenario keeps the world open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { generateIdentities } from '../../fixtures/identities/synthetic-identities.js';
import { loadFixturePeople } from '../../mock-server/files/fixture-people.js';
import { registerApp, reset, useScenario } from '../support/admin-client.js';
import { execSigned } from '../support/alipay-sdk-client.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

const APPLY = 'alipay.user.auth.zhimaper.inner.apply';
const AUTHQUERY = 'zhima.auth.info.authquery';
const [stranger] = generateIdentities({ seed: 77, count: 1 });
const [known] = loadFixturePeople();

const apply = (p: { cert_no: string; name: string; mobile: string }) =>
  execSigned(sandbox(), APPLY, { cert_no: p.cert_no, cert_type: 'IDENTITY_CARD', name: p.name, mobile: p.mobile });
const byCert = (p: { cert_no: string; name: string }) =>
  execSigned(sandbox(), AUTHQUERY, { identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: p.name, certNo: p.cert_no }) });
const byUserId = (userId: string) => execSigned(sandbox(), AUTHQUERY, { identity_type: '5', identity_param: JSON.stringify({ userId }) });

describe('in the open world (the default)', () => {
  it('authquery answers false before the grant, true after, with the same open_id every time', async () => {
    expect(await byCert(stranger!)).toEqual({ code: '10000', msg: 'Success', authorized: false });
    expect((await apply(stranger!)).code).toBe('10000');
    const first = await byCert(stranger!);
    expect(first).toMatchObject({ authorized: true, open_id: expect.stringMatching(/^2088\d{12}$/) });
    expect((await byCert(stranger!)).open_id).toBe(first.open_id);
  });

  it('a second apply returns the same tokens', async () => {
    const [a, b] = [await apply(stranger!), await apply(stranger!)];
    expect(b.access_token).toBe(a.access_token);
  });

  it('authorizes by userId (identity_type 5) for a person whose Alipay user id the sandbox knows', async () => {
    expect(await byUserId(known!.user_id)).toMatchObject({ authorized: false });
    await apply(known!);
    expect(await byUserId(known!.user_id)).toMatchObject({ authorized: true, open_id: (await byCert(known!)).open_id });
  });

  it('answers false when the name does not match the person who granted', async () => {
    await apply(stranger!);
    expect(await byCert({ ...stranger!, name: '王五' })).toMatchObject({ authorized: false });
  });

  it('keeps grants per app: another app is not authorized, and gets its own open_id once it is', async () => {
    const otherKey = await registerApp(sandbox(), '2021000000000801');
    await apply(stranger!);
    const query = (appId: string) =>
      postForm(
        sandbox(),
        signedRequest(
          { ...publicParams(AUTHQUERY, { app_id: appId }), biz_content: JSON.stringify({ identity_type: '2', identity_param: JSON.stringify({ certType: 'IDENTITY_CARD', name: stranger!.name, certNo: stranger!.cert_no }) }) },
          { privateKey: otherKey },
        ),
      ).then(nodeOf);
    expect(await query('2021000000000801')).toMatchObject({ authorized: false });
    const params = { ...publicParams(APPLY, { app_id: '2021000000000801' }), biz_content: JSON.stringify({ cert_no: stranger!.cert_no, cert_type: 'IDENTITY_CARD', name: stranger!.name, mobile: stranger!.mobile }) };
    await postForm(sandbox(), signedRequest(params, { privateKey: otherKey }));
    const other = await query('2021000000000801');
    expect(other.authorized).toBe(true);
    expect(other.open_id).not.toBe((await byCert(stranger!)).open_id);
  });

  it('forgets grants on reset', async () => {
    await apply(stranger!);
    await reset(sandbox());
    expect(await byCert(stranger!)).toMatchObject({ authorized: false });
  });
});

describe('in a closed world (members: closed)', () => {
  const closed = { members: 'closed', rules: [] };

  it('refuses a stranger with NO_USER_ERROR, and grants a known person with their own name and mobile', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, closed);
    expect(await apply(stranger!)).toMatchObject({ sub_code: 'NO_USER_ERROR' });
    expect(await apply({ ...known!, mobile: '13900000000' })).toMatchObject({ sub_code: 'NO_USER_ERROR' });
    expect(await apply(known!)).toMatchObject({ code: '10000' });
    expect(await byCert(known!)).toMatchObject({ authorized: true });
  });

  it('answers authquery for a stranger with ZM_ACCOUNT_NOT_EXISTED, and for an unknown userId with ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, closed);
    expect(await byCert(stranger!)).toMatchObject({ sub_code: 'ZM_ACCOUNT_NOT_EXISTED' });
    expect(await byUserId('2088999999999999')).toMatchObject({ sub_code: 'ZMCSP.ALIPAY_ACCOUNT_NOTEXISTED' });
  });

  it('admits a person added through POST /__admin/identities', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, closed);
    const response = await fetch(`${sandbox().url}/__admin/identities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: stranger!.name, cert_no: stranger!.cert_no, mobile: stranger!.mobile }),
    });
    expect(response.status).toBe(201);
    expect(await apply(stranger!)).toMatchObject({ code: '10000' });
    const listed = (await (await fetch(`${sandbox().url}/__admin/identities`)).json()) as { identities: Array<{ cert_no: string; source: string }> };
    expect(listed.identities.find((p) => p.cert_no === stranger!.cert_no)).toMatchObject({ source: 'admin' });
  });

  it('refuses an identity with an impossible cert_no with 400', async () => {
    const response = await fetch(`${sandbox().url}/__admin/identities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '张三', cert_no: '330701199901011311', mobile: '13588111111' }),
    });
    expect(response.status).toBe(400);
  });
});
