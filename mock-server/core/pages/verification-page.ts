/**
 * The hosted page that stands in for Alipay's 核身 page, the verify_url of
 * alipay.security.risk.verifyidentity.initialize: it shows whom is being verified and with which
 * products, and lets the tester pass or fail the person. The choice is posted under /__sandbox, where
 * the admin guard refuses a cross-site post, goes through the admin core (core/flows/identity-verification.ts),
 * and the browser goes on to the merchant's biz_callback_url, as Alipay sends it after its check.
 */
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import { verificationPagePath, type IdentityVerification, type VerificationCompletion } from '../flows/identity-verification.js';
import { businessError } from '../protocol/public-errors.js';
import { maskedCertNo, pageErrorPage } from './certification-page.js';
import { escapeHtml, pageDocument } from './html.js';
import { completeFromForm, page, refusalPage, type PageAnswer } from './page-completion.js';

/** The products as the page lists them: initialize's product_code, SMS|FACE. */
const PRODUCT_WORDS: Readonly<Record<string, string>> = { SMS: '短信校验码', FACE: '人脸识别' };

function productList(productCode: string): string {
  return productCode
    .split('|')
    .map((product) => escapeHtml(PRODUCT_WORDS[product] ? `${PRODUCT_WORDS[product]} (${product})` : product))
    .join('、');
}

export function verificationPage(record: IdentityVerification): string {
  return pageDocument(
    '支付宝身份核验',
    `<h1>支付宝身份核验</h1>
<dl>
<dt>姓名</dt><dd id="account-name">${escapeHtml(record.account_name ?? '(none)')}</dd>
<dt>账号</dt><dd id="account-id">${escapeHtml(maskedCertNo(record.account_id))}</dd>
<dt>核验方式</dt><dd id="products">${productList(record.product_code)}</dd>
<dt>biz_id</dt><dd>${escapeHtml(record.biz_id)}</dd>
<dt>biz_callback_url</dt><dd id="callback-url">${escapeHtml(record.biz_callback_url ?? '(none)')}</dd>
</dl>
<form method="post" action="${escapeHtml(verificationPagePath(record.verify_token))}/complete">
<p><button id="pass" name="choice" value="pass">通过 Pass</button></p>
<p><label for="reason">不通过原因 Reason</label><input id="reason" name="reason" value="核身未通过"></p>
<p><button id="fail" name="choice" value="fail">不通过 Fail</button></p>
</form>`,
  );
}

/** After the choice, when biz_callback_url is not a web address the browser could be sent to. */
function finishedPage(record: IdentityVerification): string {
  return pageDocument('核身完成', `<h1>核身完成 ${escapeHtml(record.status)}</h1>\n<p id="callback-url">${escapeHtml(record.biz_callback_url ?? '(none)')}</p>`);
}


/** The page verify_url opens (GET /__sandbox/verifications/<token>): the token is the link's secret, as Alipay's link is. */
export function verificationPageFor(admin: SandboxAdmin, token: string): PageAnswer {
  let record;
  try {
    record = admin.identityVerification(token);
  } catch (error) {
    return refusalPage(error, 'VERIFY_TOKEN_INVALID');
  }
  if (record.status !== 'INIT') return page(409, pageErrorPage(businessError('VERIFY_TOKEN_INVALID', `identity verification ${token} is already ${record.status}`)));
  return page(200, verificationPage(record));
}

function choiceOf(form: URLSearchParams): VerificationCompletion | undefined {
  const choice = form.get('choice');
  if (choice === 'pass') return { passed: true };
  if (choice === 'fail') return { passed: false, reason: form.get('reason')?.slice(0, 256) };
  return undefined;
}

/** Records the page's form post (`choice`, `reason`) for `token`, then sends the browser to biz_callback_url. */
export function completeVerificationFromPage(admin: SandboxAdmin, token: string, formBody: string): Promise<PageAnswer> {
  return completeFromForm(formBody, {
    choiceOf,
    choices: 'pass or fail',
    record: (choice) => admin.completeIdentityVerification(token, choice),
    refusalCode: 'VERIFY_TOKEN_INVALID',
    next: (record) => ({ url: record.biz_callback_url, page: () => finishedPage(record) }),
  });
}
