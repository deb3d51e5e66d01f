/**
 * A call that copies its method page's own example ID number: the envelope stays Alipay's (参数异常 and
 * the like), and x-sandbox-detail, the journal and the log say that the number is the page's example
 * and name the valid one the sandbox's example call sends instead.
 */
import { describe, expect, it } from 'vitest';
import { sdkFor } from '../support/alipay-sdk-client.js';
import { PAGE_EXAMPLES, VALID_AUTHQUERY_CERT_NO, VALID_CERT_INFO_CERT_NO, VALID_INNER_APPLY_CERT_NO, VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { detailOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const INITIALIZE = 'alipay.user.certify.open.initialize';

/** Each seed page's own example number (none of them valid), and the valid one the sandbox's example call sends instead. */
const PAGE_NUMBERS: Partial<Record<SeedMethod, { readonly page: string; readonly valid: string }>> = {
  'zhima.customer.certification.material.certify': { page: '260104197909275964', valid: VALID_CERT_INFO_CERT_NO },
  'alipay.user.auth.zhimaper.inner.apply': { page: '330701199901011311', valid: VALID_INNER_APPLY_CERT_NO },
  [INITIALIZE]: { page: '260104197909275964', valid: VALID_CERT_INFO_CERT_NO },
  'zhima.auth.info.authquery': { page: '33021199003132432', valid: VALID_AUTHQUERY_CERT_NO },
};

/** The journal's detail of the latest call of `method`. */
function lastDetail(method: string): string {
  return String(sandbox().requests({ method }).at(-1)?.response.detail);
}

describe("a page's own example ID number", () => {
  it("sent by alipay-sdk to certify-open's initialize, gets 参数异常 and a detail naming the page and the valid Hangzhou number", async () => {
    const node = await sdkFor(sandbox()).exec(INITIALIZE, { bizContent: PAGE_EXAMPLES[INITIALIZE] }, { validateSign: true });
    expect(node).toMatchObject({ code: '40004', sub_code: 'ILLEGAL_ARGUMENT_FORMAT', sub_msg: '参数异常' });
    const detail = lastDetail(INITIALIZE);
    expect(detail).toContain('starts with 2601, which is no province');
    expect(detail).toContain(`"260104197909275964" starts with 2601`);
    expect(detail).toContain(`it is the example on Alipay's own page for ${INITIALIZE}`);
    expect(detail).toContain(`such as ${VALID_CERT_INFO_CERT_NO} (issued in Hangzhou)`);
  });

  it.each(Object.entries(PAGE_NUMBERS))('sent by alipay-sdk to %s, is refused with the note naming the valid number', async (name, { page, valid }) => {
    const node = await sdkFor(sandbox()).exec(name, { bizContent: PAGE_EXAMPLES[name as SeedMethod] }, { validateSign: true });
    expect(node.code).not.toBe('10000');
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
