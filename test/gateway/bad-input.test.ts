/**
 * Bad input never crashes, hangs or gets an HTTP 500: it gets an Alipay envelope with a documented
 * code and a sub_msg saying what to fix, and the sandbox keeps serving.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { answerOf, nodeOf, postForm, useSandbox, type GatewayAnswer } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();

function validRequest() {
  return signedRequest({ ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: JSON.stringify(certifyOpenInitializeExample) });
}

/** Every bad request is followed by a good one, which must still succeed. */
afterEach(async () => {
  expect(nodeOf(await postForm(sandbox(), validRequest())).code).toBe('10000');
});

function expectEnvelope(answer: GatewayAnswer, subCode: string, hint: string | RegExp) {
  expect(answer.status).toBe(200);
  const node = nodeOf(answer);
  expect(node.sub_code).toBe(subCode);
  expect(node.sub_msg).toMatch(hint);
}

/** A seeded generator, so the garbage is the same on every run. */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state >> 16;
  }
  return bytes;
}

describe('malformed requests', () => {
  it('invalid percent-encoding in the body gets isv.invalid-parameter naming the bytes', async () => {
    const valid = validRequest();
    const answer = await postForm(sandbox(), { ...valid, body: `${valid.body}&x=%G1` });
    expectEnvelope(answer, 'isv.invalid-parameter', /invalid percent-encoding "%G1"/);
    // The app was identified from the query: the refusal is signed under the method's node.
    expect(answer.json.sign).toBeTypeOf('string');
  });

  it('a truncated percent escape at the end of the query gets isv.invalid-parameter', async () => {
    const valid = validRequest();
    expectEnvelope(await postForm(sandbox(), { ...valid, path: `${valid.path}&x=%4` }), 'isv.invalid-parameter', /percent-encoding/);
  });

  it('a JSON body gets isv.invalid-parameter telling the caller to send a form', async () => {
    const answer = await postForm(sandbox(), { path: '/gateway.do', body: JSON.stringify(certifyOpenInitializeExample) }, 'application/json');
    expectEnvelope(answer, 'isv.invalid-parameter', /Content-Type application\/json is not accepted.*x-www-form-urlencoded/);
    expect(Object.keys(answer.json)).toEqual(['error_response']);
  });

  it('a parameter given twice gets isv.invalid-parameter naming it', async () => {
    const valid = validRequest();
    const answer = await postForm(sandbox(), { ...valid, body: `${valid.body}&biz_content=%7B%7D` });
    expectEnvelope(answer, 'isv.invalid-parameter', /biz_content appears twice in the body/);
  });

  it('a parameter in both query and body with another value gets isv.invalid-parameter naming both values', async () => {
    const valid = validRequest();
    const answer = await postForm(sandbox(), { ...valid, body: `${valid.body}&app_id=2021000000009999` });
    expectEnvelope(answer, 'isv.invalid-parameter', /app_id appears in both the query and the body with different values \("2021000000000001" and "2021000000009999"\)/);
  });

  it('biz_content that is not JSON gets isv.invalid-parameter', async () => {
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE), biz_content: '{outer_order_no:1' };
    expectEnvelope(await postForm(sandbox(), signedRequest(params)), 'isv.invalid-parameter', /biz_content is not JSON/);
  });

  it.each([1, 2, 3, 4, 5])('binary garbage (seed %i) as a form body gets an envelope', async (seed) => {
    const answer = await answerOf(
      await fetch(`${sandbox().url}/gateway.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: garbage(4096, seed),
      }),
    );
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json)).toEqual(['error_response']);
    const node = answer.json.error_response as Record<string, string>;
    expect(['40001', '40002']).toContain(node.code);
    expect(node.sub_msg).toMatch(/\S/);
  });

  it('binary garbage with no content type gets an envelope', async () => {
    const answer = await answerOf(await fetch(`${sandbox().url}/gateway.do`, { method: 'POST', body: garbage(1024, 7) }));
    expect(answer.status).toBe(200);
    expect(nodeOf(answer).code).toMatch(/^400/);
  });

  it('a value with a lone surrogate, echoed in the detail, gets its envelope and a readable header', async () => {
    const biz = '{"identity_type":"2","identity_param":"{\\"certType\\":\\"\\\\ud800\\",\\"name\\":\\"x\\",\\"certNo\\":\\"330211199003132437\\"}"}';
    const answer = await postForm(sandbox(), signedRequest({ ...publicParams('zhima.auth.info.authquery'), biz_content: biz }));
    expect(nodeOf(answer).sub_code).toBe('ILLEGAL_ARGUMENT');
    expect(decodeURI(answer.headers.get('x-sandbox-detail')!)).toContain('certType must be IDENTITY_CARD, not "\uFFFD"');
  });

  it('a PUT gets isv.invalid-parameter saying gateway.do takes GET or POST', async () => {
    const answer = await answerOf(await fetch(`${sandbox().url}/gateway.do`, { method: 'PUT', body: 'a=b' }));
    expectEnvelope(answer, 'isv.invalid-parameter', /takes GET or POST, not PUT/);
  });

  it('an empty GET gets isv.missing-app-id', async () => {
    expectEnvelope(await answerOf(await fetch(`${sandbox().url}/gateway.do`)), 'isv.missing-app-id', /no app_id parameter/);
  });
});

describe('a body over the 4 MB default limit', () => {
  it('gets isv.invalid-parameter naming the limit, and the connection is closed', async () => {
    const valid = validRequest();
    const body = `${valid.body}&padding=${'a'.repeat(4 * 1024 * 1024)}`;
    const answer = await postForm(sandbox(), { ...valid, body });
    expectEnvelope(answer, 'isv.invalid-parameter', /exceeds the sandbox's limit of 4194304 bytes/);
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('is answered without waiting for a client that never finishes sending', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${sandbox().url}/gateway.do`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      // 5 MB sent, then the request is left open: no end() ever comes.
      req.write(Buffer.alloc(5 * 1024 * 1024, 0x61));
    });
    expect(JSON.parse(answer).error_response.sub_msg).toMatch(/exceeds the sandbox's limit/);
  });
});

describe('the admin API with bad input', () => {
  it('answers a body that is not JSON with 400 and a message, not 500', async () => {
    const response = await fetch(`${sandbox().url}/__admin/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"app_id":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'the body is not valid JSON' });
  });

  it('answers an unknown path with 404 JSON', async () => {
    const response = await fetch(`${sandbox().url}/nowhere`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('/gateway.do');
  });
});
