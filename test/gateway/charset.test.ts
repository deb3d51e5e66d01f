/**
 * The charset parameter: values are decoded, and the signature verified, in the request's own bytes.
 * alipay-sdk always percent-encodes UTF-8, so GBK is exercised with a raw client that encodes and signs
 * GBK bytes as the Java and PHP SDKs do.
 */
import { describe, expect, it } from 'vitest';
import { CERTIFY_OPEN_INITIALIZE, certifyOpenInitializeExample } from '../support/certify-open.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signedRequest, signParams, type Charset } from '../support/signed-request.js';

const sandbox = useSandbox();

/** A request whose biz_content carries Chinese text (the page example's name 收委). */
function chineseRequest(charset: string): Record<string, string> {
  return {
    ...publicParams(CERTIFY_OPEN_INITIALIZE, { charset }),
    biz_content: JSON.stringify({ ...certifyOpenInitializeExample, outer_order_no: `GBK${charset.replace(/\W/g, '')}01` }),
  };
}

describe('charset', () => {
  it.each<[string, Charset]>([
    ['GBK', 'gbk'],
    ['gbk', 'gbk'],
    ['gb2312', 'gb2312'],
    ['UTF-8', 'utf-8'],
  ])('charset=%s with %s bytes, signed over %s bytes, succeeds', async (label, encoding) => {
    const params = chineseRequest(label);
    const node = nodeOf(await postForm(sandbox(), signedRequest(params, { charset: encoding })));
    expect(node.code).toBe('10000');
  });

  it('verifies GBK requests over GBK bytes: the same request signed over UTF-8 bytes is refused', async () => {
    const params = chineseRequest('GBK');
    const sign = signParams(params, { charset: 'utf-8' });
    const request = { path: `/gateway.do?${formEncode({ ...params, sign }, 'gbk')}`, body: '' };
    const node = nodeOf(await postForm(sandbox(), request));
    expect(node.sub_code).toBe('isv.invalid-signature');
    // The gateway's sign string shows the decoded name: the sandbox read the GBK bytes right.
    expect(node.sub_msg).toContain('收委');
  });

  it('refuses UTF-8 bytes labelled GBK (what alipay-sdk sends when configured GBK) with isv.invalid-charset', async () => {
    const params = chineseRequest('GBK');
    const node = nodeOf(await postForm(sandbox(), signedRequest(params, { charset: 'utf-8' })));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
    expect(node.sub_msg).toContain('send charset=utf-8');
  });

  it('refuses GBK bytes labelled UTF-8 with isv.invalid-charset', async () => {
    const params = chineseRequest('utf-8');
    const node = nodeOf(await postForm(sandbox(), signedRequest(params, { charset: 'gbk' })));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
    expect(node.sub_msg).toContain('not valid utf-8');
  });

  it('accepts ASCII-only requests labelled GBK from any client', async () => {
    const params = { ...publicParams(CERTIFY_OPEN_INITIALIZE, { charset: 'GBK' }), biz_content: JSON.stringify({ ...certifyOpenInitializeExample, identity_param: '{"identity_type":"CERT_INFO","cert_type":"IDENTITY_CARD","cert_name":"Zhang San","cert_no":"330106197909275965"}' }) };
    expect(nodeOf(await postForm(sandbox(), signedRequest(params, { charset: 'utf-8' }))).code).toBe('10000');
  });

  it('refuses a charset Alipay does not support with isv.invalid-charset', async () => {
    const node = nodeOf(await postForm(sandbox(), signedRequest(chineseRequest('big5'))));
    expect(node).toMatchObject({ code: '40002', sub_code: 'isv.invalid-charset' });
    expect(node.sub_msg).toContain('"big5" is not supported');
  });
});
