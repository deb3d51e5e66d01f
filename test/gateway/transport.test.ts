/**
 * How parameters may arrive: a GET with everything in the query (page APIs), a POST with everything in
 * the body, or split between the two as the SDKs split them; the gateway merges them.
 */
import { describe, expect, it } from 'vitest';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { answerOf, nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signParams } from '../support/signed-request.js';

const sandbox = useSandbox();

function allParams(outerOrderNo: string): Record<string, string> {
  const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: outerOrderNo }) };
  return { ...params, sign: signParams(params) };
}

describe('gateway.do transport', () => {
  it('answers a GET with every parameter in the query', async () => {
    const answer = await answerOf(await fetch(`${sandbox().gatewayUrl}?${formEncode(allParams('GET0001'))}`));
    expect(nodeOf(answer).code).toBe('10000');
  });

  it('answers a POST with every parameter in the body', async () => {
    expect(nodeOf(await postForm(sandbox(), { path: '/gateway.do', body: formEncode(allParams('POST0001')) })).code).toBe('10000');
  });

  it('merges a POST split between query and body, wherever each parameter is', async () => {
    const params = allParams('SPLIT0001');
    const names = Object.keys(params);
    const inQuery = Object.fromEntries(names.filter((_, i) => i % 2 === 0).map((n) => [n, params[n]!]));
    const inBody = Object.fromEntries(names.filter((_, i) => i % 2 === 1).map((n) => [n, params[n]!]));
    const answer = await postForm(sandbox(), { path: `/gateway.do?${formEncode(inQuery)}`, body: formEncode(inBody) });
    expect(nodeOf(answer).code).toBe('10000');
  });

  it('reads "+" in a form value as a space, as form encoding says', async () => {
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: 'A B' }) };
    const sign = signParams(params);
    const body = formEncode({ ...params, sign }).replace('A%20B', 'A+B');
    expect(body).toContain('A+B');
    expect(nodeOf(await postForm(sandbox(), { path: '/gateway.do', body })).code).toBe('10000');
  });
});
