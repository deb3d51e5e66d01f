/** HTML for the hosted pages: every value that reaches a page goes through escapeHtml. */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Inline styles only and no scripts: the pages' Content-Security-Policy allows nothing else. */
export const PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Every hosted page's headers: UTF-8 HTML under the policy above, whichever adapter serves it. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'text/html;charset=utf-8', 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY };

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem;color:#1677ff}.note{font-size:.8rem;color:#666;border-left:3px solid #faad14;padding-left:.5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{color:#666}dd{margin:0;word-break:break-all}
button{font-size:1rem;padding:.5rem 1rem;margin:.3rem .3rem .3rem 0;border-radius:6px;border:1px solid #ccc;cursor:pointer}
#pass{background:#1677ff;color:#fff;border-color:#1677ff}#fail{background:#fff1f0;border-color:#ff4d4f}
input{font-size:1rem;padding:.3rem;width:100%;box-sizing:border-box}.error{color:#cf1322}`;

export function pageDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
<p class="note">Alipay gateway sandbox: this page stands in for Alipay's identity check. It is not Alipay, and nothing here is verified.</p>
</body>
</html>
`;
}
