/**
 * The hosted page that stands in for Alipay's face check (alipay.user.certify.open.certify,
 * zhima.customer.certification.certify, the certify_url of datadigital.fincloud.generalsaas.face.certify.verify,
 * and the web_url of ...face.verification.initialize and ...face.check.initialize): it shows whom is being verified and lets the tester choose
 * pass, fail (with a reason) or cancel; the choice is posted to the sandbox, which records it and
 * sends the browser on to the merchant's return_url.
 */
import type { Certification } from '../state/sandbox-store.js';
import { escapeHtml, pageDocument } from './html.js';

/** Where the page posts the tester's choice. */
export function completionPath(certificationId: string): string {
  return `${hostedPagePath(certificationId)}/complete`;
}

/** Where a family whose certify call answers a link (certify_url) has the page served. */
export function hostedPagePath(certificationId: string): string {
  return `/__sandbox/certifications/${encodeURIComponent(certificationId)}`;
}

/** 330701199901011316 → 330701********1316: enough to recognise, as Alipay's own pages show it. */
export function maskedCertNo(certNo: string): string {
  return certNo.length > 10 ? `${certNo.slice(0, 6)}${'*'.repeat(certNo.length - 10)}${certNo.slice(-4)}` : certNo;
}

/** Whom the page verifies; a liveness check (face.check) names nobody, so it says so instead. */
function personRows(identity: Certification['identity']): string {
  if (!identity.cert_no) return '<dt>活体检测</dt><dd id="liveness-only">只检测活体，不核对身份 (liveness only)</dd>';
  return `<dt>姓名</dt><dd id="cert-name">${escapeHtml(identity.cert_name)}</dd>
<dt>证件号</dt><dd id="cert-no">${escapeHtml(maskedCertNo(identity.cert_no))}</dd>`;
}

export function certificationPage(certification: Certification): string {
  const idLabel = certification.kind === 'zhima-certification' ? 'biz_no' : 'certify_id';
  return pageDocument(
    '支付宝身份验证',
    `<h1>支付宝身份验证</h1>
<dl>
${personRows(certification.identity)}
<dt>认证场景</dt><dd>${escapeHtml(certification.biz_code)}</dd>
<dt>${idLabel}</dt><dd>${escapeHtml(certification.id)}</dd>
<dt>return_url</dt><dd id="return-url">${escapeHtml(certification.return_url ?? '(none)')}</dd>
</dl>
<form method="post" action="${escapeHtml(completionPath(certification.id))}">
<p><button id="pass" name="choice" value="pass">通过 Pass</button></p>
<p><label for="reason">不通过原因 Reason</label><input id="reason" name="reason" value="人脸比对不一致"></p>
<p><button id="fail" name="choice" value="fail">不通过 Fail</button>
<button id="cancel" name="choice" value="cancel">取消 Cancel</button></p>
</form>`,
  );
}

/** What a page API answers when the call is refused (bad signature, unknown or expired id, ...). */
export function pageErrorPage(node: { code: string; msg: string; sub_code?: string; sub_msg?: string }): string {
  return pageDocument(
    '支付宝 - 出错了',
    `<h1 class="error">出错了</h1>
<dl>
<dt>code</dt><dd id="code">${escapeHtml(node.code)} ${escapeHtml(node.msg)}</dd>
<dt>sub_code</dt><dd id="sub-code">${escapeHtml(node.sub_code ?? '')}</dd>
<dt>sub_msg</dt><dd id="sub-msg">${escapeHtml(node.sub_msg ?? '')}</dd>
</dl>`,
  );
}

/** After the choice, when return_url is not a web address the browser could be sent to. */
export function returnPage(certification: Certification): string {
  return pageDocument(
    '认证完成',
    `<h1>认证完成 ${escapeHtml(certification.status)}</h1>
<p>The merchant's return_url is not an http(s) address, so the sandbox stops here:</p>
<p id="return-url">${escapeHtml(certification.return_url ?? '(none)')}</p>`,
  );
}
