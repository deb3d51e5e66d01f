/**
 * The web console, in the browser: plain DOM, no framework, everything through the admin API
 * (/__admin) as any client would call it. Four sections: the live journal, outcomes per app (shipped
 * scenarios, an editor checked as you type, reset, the clock), verifications (pending certifications,
 * magic and synthetic identities), and apps (register, or generate a key pair and the alipay-sdk
 * configuration). Bundled by build/build-console.ts; the page shell is console-page.ts.
 */
import { admin, AdminClientError, consoleData, refusalText, setToken } from './admin-api.js';
import { h, clear, copyButton, labelled, pretty } from './dom.js';
import type { AppRecord } from '../../core/apps/registered-app.js';
import type { JournalEntry } from '../../core/journal/request-journal.js';
import type { Certification } from '../../core/state/sandbox-store.js';

/** A scenario file shipped in scenarios/, as the console's data endpoint lists it. */
interface ShippedScenario {
  readonly name: string;
  readonly document: unknown;
}

const status = document.getElementById('status')!;
function say(message: string): void {
  status.textContent = message;
}

/** Runs an action, saying what went wrong (the API's own message) instead of failing silently. */
async function attempt(action: () => Promise<unknown>, done?: string): Promise<void> {
  try {
    await action();
    if (done) say(done);
  } catch (error) {
    if (error instanceof AdminClientError && error.status === 401) return askForToken();
    say(refusalText(error));
  }
}

/** Bound beyond loopback, the admin API needs the token serve printed; the page asks for it once. */
function askForToken(): void {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off' });
  const dialog = h('form', { class: 'token' }, labelled('Admin token (printed by serve)', input), h('button', { type: 'submit' }, 'Use token'));
  dialog.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value);
    dialog.remove();
    void start();
  });
  document.querySelector('main')!.prepend(dialog);
  input.focus();
}

// ---------- tabs ----------

function showTab(id: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    const selected = tab.getAttribute('aria-controls') === id;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')!)!.hidden = !selected;
  }
  if (id === 'verifications') void refreshCertifications();
  if (id === 'outcomes' || id === 'apps') void refreshApps();
}

function setUpTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => showTab(tab.getAttribute('aria-controls')!));
    // Arrow keys move between tabs, as the WAI-ARIA tabs pattern has it.
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length]!;
      next.focus();
      showTab(next.getAttribute('aria-controls')!);
    });
  });
  showTab('requests');
}

// ---------- requests ----------

/** Each request shown, by id: its row, and the entry the filters read. */
const requestRows = new Map<number, { readonly row: HTMLTableRowElement; readonly entry: JournalEntry }>();
const filters = {
  app: h('input', { id: 'filter-app', type: 'search', placeholder: 'any app_id' }),
  method: h('select', { id: 'filter-method' }, h('option', { value: '' }, 'any method')),
  outcome: h('select', { id: 'filter-outcome' }, h('option', { value: '' }, 'any outcome'), h('option', { value: 'success' }, 'success (10000)'), h('option', { value: 'error' }, 'business or gateway error'), h('option', { value: 'refused' }, 'refused at protocol level')),
};
const requestBody = h('tbody');
const requestDetail = h('div', { id: 'request-detail', class: 'detail', 'aria-live': 'polite' }, h('p', {}, 'Choose a request to see it whole.'));
const knownMethods = new Set<string>();

function outcomeOf(entry: JournalEntry): 'success' | 'error' | 'refused' {
  if (entry.refused_at_protocol) return 'refused';
  return entry.response.code === '10000' || (entry.response.code === undefined && entry.response.http_status === 200) ? 'success' : 'error';
}

function shown(entry: JournalEntry): boolean {
  const app = filters.app.value.trim();
  return (!app || (entry.app_id ?? '').includes(app)) && (!filters.method.value || entry.method === filters.method.value) && (!filters.outcome.value || outcomeOf(entry) === filters.outcome.value);
}

function addRequest(entry: JournalEntry): void {
  if (requestRows.has(entry.id)) return;
  if (entry.method && !knownMethods.has(entry.method)) {
    knownMethods.add(entry.method);
    filters.method.append(h('option', { value: entry.method }, entry.method));
  }
  const open = h('button', { type: 'button', class: 'link', 'aria-label': `request ${entry.id}, ${entry.method ?? 'no method'}, ${entry.response.sub_code ?? entry.response.code ?? entry.response.http_status}` }, String(entry.id));
  open.addEventListener('click', () => void showRequest(entry.id));
  const row = h(
    'tr',
    { class: outcomeOf(entry), 'data-id': String(entry.id) },
    h('td', {}, open),
    h('td', {}, entry.at.slice(11, 23)),
    h('td', {}, entry.protocol),
    h('td', {}, entry.method ?? '—'),
    h('td', {}, entry.app_id ?? '—'),
    h('td', {}, entry.response.code ?? String(entry.response.http_status)),
    h('td', {}, entry.response.sub_code ?? ''),
    h('td', {}, entry.rule ? entry.rule.name : ''),
  );
  row.hidden = !shown(entry);
  requestRows.set(entry.id, { row, entry });
  // Newest first; the table's scroll box keeps its height, so nothing below it moves.
  requestBody.prepend(row);
}

function applyFilters(): void {
  for (const { row, entry } of requestRows.values()) row.hidden = !shown(entry);
}

async function showRequest(id: number): Promise<void> {
  await attempt(async () => {
    const entry = await admin.request(id);
    const parameters = { ...entry.parameters };
    const bizContent = parameters.biz_content;
    delete parameters.biz_content;
    clear(requestDetail).append(
      h('h3', {}, `Request ${entry.id}: ${entry.method ?? '(no method)'} from ${entry.app_id ?? '(no app)'}`),
      h('dl', {},
        h('dt', {}, 'Signature'), h('dd', { id: 'detail-signature' }, entry.signature === 'verified' ? 'verified' : entry.signature === 'refused' ? `did not verify${entry.response.detail ? ' (why: below)' : `: ${entry.response.sub_msg ?? ''}`}` : 'not checked (refused before the signature)'),
        h('dt', {}, 'Decided by'), h('dd', { id: 'detail-rule' }, entry.rule ? `${entry.rule.name} (${entry.rule.source})` : entry.refused_at_protocol ? 'the gateway\'s protocol checks' : 'normal behaviour'),
        ...(entry.response.detail ? [h('dt', {}, 'Why'), h('dd', { id: 'detail-why' }, entry.response.detail)] : []),
      ),
      h('h4', {}, 'Parameters'),
      h('table', { class: 'params' }, h('tbody', {}, ...Object.entries(parameters).map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value))))),
      ...(bizContent ? [h('h4', {}, 'biz_content'), h('pre', { id: 'detail-biz-content' }, pretty(bizContent))] : []),
      ...(entry.sign_string ? [h('h4', {}, 'Sign string the gateway built'), h('pre', { id: 'detail-sign-string', class: 'wrap' }, entry.sign_string), ...(entry.sign_string_note ? [h('p', {}, entry.sign_string_note)] : [])] : []),
      h('h4', {}, 'Response'),
      h('pre', { id: 'detail-response' }, JSON.stringify(entry.response.node ?? entry.response, null, 2)),
    );
  });
}

/** The journal as it is, then every new entry as it arrives, over the event stream. */
async function watchRequests(): Promise<void> {
  const { requests } = await admin.requests();
  for (const entry of requests) addRequest(entry);
  void followStream();
}

/** Server-sent events read with fetch, so that the token can go in a header (EventSource sends none). */
async function followStream(): Promise<void> {
  for (;;) {
    try {
      const response = await consoleData<Response>('GET', '/requests/stream', { raw: true });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          if (data) addRequest(JSON.parse(data.slice(6)) as JournalEntry);
        }
      }
    } catch {
      // The sandbox restarted or the network blinked: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function renderRequests(): void {
  const section = document.getElementById('requests')!;
  for (const control of Object.values(filters)) control.addEventListener('input', applyFilters);
  const clearButton = h('button', { type: 'button' }, 'Clear journal');
  clearButton.addEventListener('click', () =>
    void attempt(async () => {
      await admin.clearRequests();
      requestRows.clear();
      clear(requestBody);
    }, 'Journal cleared'),
  );
  section.append(
    h('h2', {}, 'Requests'),
    h('div', { class: 'filters' }, labelled('App', filters.app), labelled('Method', filters.method), labelled('Outcome', filters.outcome), clearButton),
    h('div', { class: 'split' },
      h('div', { class: 'journal', tabindex: '0', 'aria-label': 'Requests, newest first' },
        h('table', { id: 'journal' },
          h('thead', {}, h('tr', {}, ...['#', 'time', 'protocol', 'method', 'app_id', 'code', 'sub_code', 'rule'].map((title) => h('th', { scope: 'col' }, title)))),
          requestBody,
        ),
      ),
      requestDetail,
    ),
  );
}

// ---------- outcomes ----------

let apps: AppRecord[] = [];
let shipped: ShippedScenario[] = [];
const scenarioApp = h('select', { id: 'scenario-app' });
const shippedChoice = h('select', { id: 'shipped-scenario' });
const editor = h('textarea', { id: 'scenario-editor', rows: '14', spellcheck: 'false', 'aria-describedby': 'scenario-check' });
const check = h('p', { id: 'scenario-check', role: 'status' });
const clockNow = h('output', { id: 'clock-now' });

async function refreshApps(): Promise<void> {
  await attempt(async () => {
    apps = (await admin.apps()).apps;
    const chosen = scenarioApp.value;
    clear(scenarioApp).append(...apps.map((app) => h('option', { value: app.app_id }, `${app.app_id}${app.registered_at === 'built-in' ? ' (default)' : ''}`)));
    if (apps.some((app) => app.app_id === chosen)) scenarioApp.value = chosen;
    renderAppList();
  });
}

/**
 * Counts what put text in the editor: loading an app's scenario, choosing a shipped one, typing. A load
 * answered after the user chose or typed something else leaves their text alone (picking an app and at
 * once a shipped scenario had the app's old scenario overwrite the choice, and that was applied).
 */
let editorText = 0;

async function loadAppScenario(): Promise<void> {
  const load = ++editorText;
  let text: string;
  try {
    const { scenario } = await admin.appScenario(scenarioApp.value);
    text = JSON.stringify(scenario, null, 2);
  } catch (error) {
    if (!(error instanceof AdminClientError) || error.status !== 404) throw error;
    text = JSON.stringify({ rules: [] }, null, 2);
  }
  if (load !== editorText) return;
  editor.value = text;
  await checkEditor();
}

let checking = 0;
/** Checked by the sandbox itself against the scenario schema and what it serves, with the error's path. */
async function checkEditor(): Promise<boolean> {
  const round = ++checking;
  let document: unknown;
  try {
    document = JSON.parse(editor.value);
  } catch (error) {
    check.textContent = `Not JSON: ${(error as Error).message}`;
    check.className = 'bad';
    return false;
  }
  try {
    await admin.checkScenario(document);
    if (round === checking) [check.textContent, check.className] = ['Valid scenario', 'good'];
    return true;
  } catch (error) {
    if (round === checking) [check.textContent, check.className] = [refusalText(error), 'bad'];
    return false;
  }
}

function renderOutcomes(): void {
  const section = document.getElementById('outcomes')!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  editor.addEventListener('input', () => {
    editorText++;
    clearTimeout(timer);
    timer = setTimeout(() => void checkEditor(), 250);
  });
  scenarioApp.addEventListener('change', () => void attempt(loadAppScenario));
  shippedChoice.addEventListener('change', () => {
    const found = shipped.find((s) => s.name === shippedChoice.value);
    if (found) {
      editorText++;
      editor.value = JSON.stringify(found.document, null, 2);
      void checkEditor();
    }
  });
  const apply = h('button', { type: 'button', id: 'apply-scenario' }, 'Apply to app');
  apply.addEventListener('click', () =>
    void attempt(async () => {
      if (!(await checkEditor())) throw new Error('Fix the scenario first: ' + check.textContent);
      await admin.setAppScenario(scenarioApp.value, JSON.parse(editor.value));
    }, `Scenario applied to app ${scenarioApp.value}`),
  );
  const drop = h('button', { type: 'button' }, 'Back to the start scenario');
  drop.addEventListener('click', () =>
    void attempt(async () => {
      await admin.clearAppScenario(scenarioApp.value);
      await loadAppScenario();
    }, `App ${scenarioApp.value} follows the start scenario again`),
  );
  const reset = h('button', { type: 'button', id: 'reset-sandbox' }, 'Reset the sandbox');
  reset.addEventListener('click', () => void attempt(async () => {
    await admin.reset();
    await refreshClock();
    await loadAppScenario();
  }, 'Reset: app scenarios, counts, journal, state and clock are back to the start'));

  const clockButton = (label: string, change: object | 'reset') => {
    const button = h('button', { type: 'button' }, label);
    button.addEventListener('click', () => void attempt(async () => {
      if (change === 'reset') await admin.resetClock();
      else await admin.moveClock(change);
      await refreshClock();
    }));
    return button;
  };
  section.append(
    h('h2', {}, 'Outcomes'),
    h('div', { class: 'filters' }, labelled('App', scenarioApp), labelled('Start from a shipped scenario', shippedChoice)),
    labelled('The app\'s scenario (JSON), checked as you type', editor),
    check,
    h('div', { class: 'buttons' }, apply, drop, reset),
    h('h3', {}, 'Business clock'),
    h('p', {}, 'Now: ', clockNow),
    h('div', { class: 'buttons' }, clockButton('+1 hour', { advance_ms: 3_600_000 }), clockButton('+23 hours', { advance_ms: 23 * 3_600_000 }), clockButton('+1 day', { advance_ms: 86_400_000 }), clockButton('Real time', 'reset')),
  );
}

async function refreshClock(): Promise<void> {
  const clock = await admin.clock();
  clockNow.textContent = `${clock.now}${clock.offset_ms ? ` (moved ${Math.round(clock.offset_ms / 60_000)} min)` : ''}`;
}

// ---------- verifications ----------

const pendingList = h('ul', { id: 'pending', class: 'cards' });

async function refreshCertifications(): Promise<void> {
  await attempt(async () => {
    const { certifications } = await admin.certifications({ status: 'pending' });
    clear(pendingList);
    if (!certifications.length) pendingList.append(h('li', {}, 'No certification is waiting for a person.'));
    for (const certification of certifications) pendingList.append(pendingCard(certification));
  });
}

function pendingCard(certification: Certification): HTMLLIElement {
  const finish = (label: string, completion: () => object) => {
    const button = h('button', { type: 'button' }, label);
    button.addEventListener('click', () => void attempt(async () => {
      await admin.completeCertification(certification.id, completion());
      await refreshCertifications();
    }, `${certification.id}: ${label.toLowerCase()}`));
    return button;
  };
  const reason = h('input', { type: 'text', placeholder: 'Z1147', 'aria-label': `fail reason for ${certification.id}` });
  return h('li', { 'data-id': certification.id },
    h('p', {}, h('strong', {}, certification.kind === 'zhima-certification' ? 'biz_no ' : 'certify_id '), h('code', {}, certification.id)),
    h('p', {}, `${certification.identity.cert_name} · ${certification.biz_code} · app ${certification.app_id} · order ${certification.order_no}`),
    h('div', { class: 'buttons' }, finish('Pass', () => ({ passed: true })), finish('Fail', () => ({ passed: false, ...(reason.value ? { reason: reason.value } : {}) })), reason, finish('Cancel', () => ({ cancelled: true }))),
  );
}

let verificationsRendered = false;
async function renderVerifications(): Promise<void> {
  if (verificationsRendered) return;
  verificationsRendered = true;
  const section = document.getElementById('verifications')!;
  const refresh = h('button', { type: 'button' }, 'Refresh');
  refresh.addEventListener('click', () => void refreshCertifications());
  const synthetic = h('div', { id: 'synthetic' });
  const generate = h('button', { type: 'button', id: 'generate-identity' }, 'Generate a synthetic identity');
  generate.addEventListener('click', () => void attempt(async () => {
    const person = await consoleData<{ name: string; cert_no: string; mobile: string }>('POST', '/ui/data/synthetic-identity');
    clear(synthetic).append(h('dl', {}, ...(['name', 'cert_no', 'mobile'] as const).flatMap((field) => [h('dt', {}, field), h('dd', {}, h('code', {}, person[field]), ' ', copyButton(person[field], `${field} ${person[field]}`, say))])));
  }));
  const { identities } = await consoleData<{ identities: Array<{ name: string; cert_no: string; mobile: string; purpose: string }> }>('GET', '/ui/data/magic-identities');
  section.append(
    h('h2', {}, 'Verifications'),
    h('h3', {}, 'Waiting for a person'),
    h('div', { class: 'buttons' }, refresh),
    pendingList,
    h('h3', {}, 'Magic identities'),
    h('p', {}, 'Send one of these and the sandbox answers as the last column says, in any scenario.'),
    h('div', { class: 'scroll' }, h('table', { id: 'magic' },
      h('thead', {}, h('tr', {}, ...['cert_no', 'name', 'mobile', 'stands for'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, ...identities.map((identity) => h('tr', {}, h('td', {}, h('code', {}, identity.cert_no), ' ', copyButton(identity.cert_no, `cert_no ${identity.cert_no}`, say)), h('td', {}, identity.name), h('td', {}, identity.mobile), h('td', {}, identity.purpose)))),
    )),
    h('h3', {}, 'Synthetic identities'),
    generate,
    synthetic,
  );
}

// ---------- apps ----------

const appList = h('ul', { id: 'app-list' });

function renderAppList(): void {
  clear(appList).append(...apps.map((app) => h('li', {}, h('code', {}, app.app_id), ` ${app.sign_type}${app.app_cert_sn ? ' · certificate mode' : ''}${app.registered_at === 'built-in' ? ' · the default app' : ''}`)));
}

function renderApps(): void {
  const section = document.getElementById('apps')!;
  const appId = h('input', { id: 'new-app-id', type: 'text', inputmode: 'numeric', placeholder: '2021000000000001', required: '' });
  const publicKey = h('textarea', { id: 'new-app-key', rows: '6', spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY----- … or the bare base64 of Alipay\'s console' });
  const signType = h('select', { id: 'new-app-sign-type' }, h('option', { value: 'RSA2' }, 'RSA2 (SHA256withRSA)'), h('option', { value: 'RSA' }, 'RSA (SHA1withRSA)'));
  const generated = h('div', { id: 'generated', 'aria-live': 'polite' });
  const form = h('form', { id: 'register-app' }, labelled('app_id', appId), labelled('The app\'s public key', publicKey), labelled('Sign type', signType), h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Register app')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(async () => {
      await admin.registerApp({ app_id: appId.value.trim(), public_key: publicKey.value, sign_type: signType.value });
      await refreshApps();
    }, `App ${appId.value.trim()} registered`);
  });
  const generate = h('button', { type: 'button', id: 'generate-key-pair' }, 'Generate a key pair');
  generate.addEventListener('click', () => void attempt(async () => {
    const pair = await consoleData<{ private_key_pem: string; public_key_pem: string; alipay_public_key_pem: string }>('POST', '/ui/data/key-pair');
    publicKey.value = pair.public_key_pem;
    const config = [
      "import { AlipaySdk } from 'alipay-sdk';",
      '',
      '// TEST-ONLY keys for this sandbox.',
      'const alipay = new AlipaySdk({',
      `  appId: '${appId.value.trim() || '2021000000000001'}',`,
      `  privateKey: \`${pair.private_key_pem.trim()}\`,`,
      `  alipayPublicKey: \`${pair.alipay_public_key_pem.trim()}\`,`,
      `  gateway: '${location.origin}/gateway.do',`,
      '});',
    ].join('\n');
    clear(generated).append(
      h('p', {}, 'The public key is in the form; register the app, then configure alipay-sdk with this (the private key is shown once and kept nowhere):'),
      h('pre', { id: 'sdk-config' }, config),
      copyButton(config, 'the alipay-sdk configuration', say),
    );
  }));
  section.append(h('h2', {}, 'Apps'), appList, h('h3', {}, 'Register an app'), generate, form, generated, verifyResponseBox());
}

/** A client that "fails to verify the response" pastes the body here: the sandbox says which side is wrong. */
function verifyResponseBox(): HTMLElement {
  const body = h('textarea', { id: 'verify-body', rows: '5', spellcheck: 'false', placeholder: '{"…_response":{…},"sign":"…"} as your client received it', required: '' });
  const key = h('textarea', { id: 'verify-key', rows: '4', spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY----- the Alipay public key your client holds (optional)' });
  const charset = h('select', { id: 'verify-charset' }, ...['utf-8', 'gbk'].map((name) => h('option', { value: name }, name)));
  const verdict = h('div', { id: 'verify-verdict', 'aria-live': 'polite' });
  const form = h('form', { id: 'verify-response' }, labelled('Response body', body), labelled('Alipay public key', key), labelled('Charset', charset), h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Verify')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(async () => {
      const answer = await admin.verifyResponse({ body: body.value, charset: charset.value, ...(key.value.trim() ? { alipay_public_key: key.value } : {}) });
      const keyLine = answer.client_key ? `your key ${answer.client_key.is_sandbox_key ? 'is' : 'is not'} the sandbox's` : 'no key sent';
      clear(verdict).append(h('p', { class: answer.sign_verifies ? 'ok' : 'refused' }, `sign ${answer.sign_verifies ? 'verifies' : answer.signed ? 'does not verify' : 'absent'}; ${keyLine}`), h('p', {}, answer.fix));
    });
  });
  return h('div', {}, h('h3', {}, 'Verify a response'), h('p', {}, 'Your client says the sign does not verify? Paste the body it received.'), form, verdict);
}

// ---------- start ----------

async function start(): Promise<void> {
  await attempt(async () => {
    shipped = (await consoleData<{ scenarios: ShippedScenario[] }>('GET', '/ui/data/scenarios')).scenarios;
    clear(shippedChoice).append(h('option', { value: '' }, '(choose one)'), ...shipped.map((s) => h('option', { value: s.name }, s.name)));
    await refreshApps();
    await loadAppScenario();
    await refreshClock();
    await renderVerifications();
    await watchRequests();
    say('Connected');
  });
}

renderRequests();
renderOutcomes();
renderApps();
setUpTabs();
void start();
