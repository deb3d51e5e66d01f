/**
 * A call that copies its method page's own example ID number: the envelope stays Alipay's (参数异常 and
 * the like), and x-sandbox-detail, the journal and the log say that the number is the page's example
 * and name the valid one the sandbox's example call sends instead.
 */
import { describe, expect, it } from 'vitest';
import { pageExampleNumber } from '../../mock-server/core/engine/page-example-notes.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { PAGE_EXAMPLES, VALID_CERT_INFO_CERT_NO, VALID_REQUESTS } from '../support/page-examples.js';
import { detailOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const INITIALIZE = 'alipay.user.certify.open.initialize';
const WITH_PAGE_NUMBER = SUPPORTED_METHODS.filter((definition) => pageExampleNumber(definition));

/** The journal's detail of the latest call of `method`. */
function lastDetail(method: string): string {
  return String(sandbox().requests({ method }).at(-1)?.response.detail);
}

describe("a page's own example ID number", () => {
  it('is found for each page whose number the example call replaces, and for no other', () => {
    expect(WITH_PAGE_NUMBER.map((definition) => definition.name).sort()).toEqual([
      'alipay.user.auth.zhimaper.inner.apply',
      INITIALIZE,
      'zhima.auth.info.authquery',
      'zhima.customer.certification.material.certify',
    ]);
    expect(pageExampleNumber(SUPPORTED_METHODS.find((definition) => definition.name === INITIALIZE)!)).toEqual({ page: '260104197909275964', valid: VALID_CERT_INFO_CERT_NO });
  });

  it("sent by alipay-sdk to certify-open's initialize, gets 参数异常 and a detail naming the page and the valid Hangzhou number", async () => {
    const node = await sdkFor(sandbox()).exec(INITIALIZE, { bizContent: PAGE_EXAMPLES[INITIALIZE] }, { validateSign: true });
    expect(node).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
    const detail = lastDetail(INITIALIZE);
    expect(detail).toContain('starts with 2601, which is no province');
    expect(detail).toContain(`"260104197909275964" starts with 2601`);
    expect(detail).toContain(`it is the example on Alipay's own page for ${INITIALIZE}`);
    expect(detail).toContain(`such as ${VALID_CERT_INFO_CERT_NO} (issued in Hangzhou)`);
  });

  it.each(WITH_PAGE_NUMBER.map((definition) => [definition.name, definition] as const))('sent by alipay-sdk to %s, is refused with the note naming the valid number', async (name, definition) => {
    const node = await sdkFor(sandbox()).exec(name, { bizContent: PAGE_EXAMPLES[name as keyof typeof PAGE_EXAMPLES] }, { validateSign: true });
    expect(node.code).not.toBe('10000');
    const { page, valid } = pageExampleNumber(definition)!;
    expect(lastDetail(name)).toContain(`"${page}"`);
    expect(lastDetail(name)).toContain(`it is the example on Alipay's own page for ${name}`);
    expect(lastDetail(name)).toContain(`such as ${valid}`);
  });

  it('is named in the x-sandbox-detail header as in the journal', async () => {
    const answer = await postForm(sandbox(), signedRequest({ ...publicParams(INITIALIZE), biz_content: JSON.stringify(PAGE_EXAMPLES[INITIALIZE]) }));
    expect(detailOf(answer)).toContain("is the example on Alipay's own page");
    expect(detailOf(answer)).toBe(lastDetail(INITIALIZE));
  });

  it('is not mentioned for another wrong number, nor for the valid one', async () => {
    const otherWrong = VALID_REQUESTS[INITIALIZE].identity_param!.replace(VALID_CERT_INFO_CERT_NO, '260104197909275972');
    await sdkFor(sandbox()).exec(INITIALIZE, { bizContent: { ...VALID_REQUESTS[INITIALIZE], identity_param: otherWrong } });
    expect(lastDetail(INITIALIZE)).toContain('starts with 2601');
    expect(lastDetail(INITIALIZE)).not.toContain("Alipay's own page");
    const valid = await sdkFor(sandbox()).exec(INITIALIZE, { bizContent: { ...VALID_REQUESTS[INITIALIZE], outer_order_no: 'PAGENUMBERVALID1' } });
    expect(valid.code).toBe('10000');
  });
});
