/**
 * The console's HTML shell: four sections the bundle (ui/console.ts) fills in. No inline script or
 * style, so the page's Content-Security-Policy allows only its own two files.
 */
export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alipay gateway sandbox · console</title>
<link rel="stylesheet" href="/__admin/ui/console.css">
<script type="module" src="/__admin/ui/console.js"></script>
</head>
<body>
<header class="top">
  <h1>Alipay gateway sandbox</h1>
  <nav aria-label="Console sections">
    <ul role="tablist">
      <li><button role="tab" id="tab-requests" aria-controls="requests" aria-selected="true">Requests</button></li>
      <li><button role="tab" id="tab-outcomes" aria-controls="outcomes" aria-selected="false">Outcomes</button></li>
      <li><button role="tab" id="tab-verifications" aria-controls="verifications" aria-selected="false">Verifications</button></li>
      <li><button role="tab" id="tab-apps" aria-controls="apps" aria-selected="false">Apps</button></li>
    </ul>
  </nav>
  <p id="status" role="status" aria-live="polite"></p>
</header>
<main>
  <section id="requests" role="tabpanel" aria-labelledby="tab-requests"></section>
  <section id="outcomes" role="tabpanel" aria-labelledby="tab-outcomes" hidden></section>
  <section id="verifications" role="tabpanel" aria-labelledby="tab-verifications" hidden></section>
  <section id="apps" role="tabpanel" aria-labelledby="tab-apps" hidden></section>
</main>
<noscript>The console needs JavaScript; the admin API (/__admin) works without it.</noscript>
</body>
</html>
`;
}
