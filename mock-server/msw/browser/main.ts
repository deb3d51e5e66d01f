/**
 * The browser example: the sandbox core and its msw handlers run in the page; msw's service worker
 * routes the page's calls to Alipay's gateway to them. The page calls with the reference client.
 */
import { setupWorker } from 'msw/browser';
import { AlipayApiError, AlipayClient } from '../../../client-harness/alipay-client.js';
import { MemoryAppStorage } from '../../core/apps/app-storage.js';
import { createInProcessSigner } from '../../keys/alipay-signer.js';
import { nodeCrypto } from '../../keys/node-crypto.js';
import { parsePrivateKey } from '../../keys/rsa-keys.js';
import { assembleSandboxCore, sandboxLogger } from '../../sandbox-assembly.js';
import { MemoryStateStorage } from '../../core/state/state-storage.js';
import { alipayHandlers } from '../alipay-handlers.js';
import { ALIPAY_PRIVATE_KEY_PEM, BUNDLED_RESOURCES } from './bundled-resources.js';

const element = (id: string) => document.getElementById(id)!;

/**
 * A page has no resident set to read: Chromium's performance.memory gives the JS heap (its total in
 * place of rss); other browsers give nothing, and health says 0.
 */
function pageMemory(): { rss: number; heapUsed: number } {
  const memory = (performance as Performance & { memory?: { totalJSHeapSize: number; usedJSHeapSize: number } }).memory;
  return { rss: memory?.totalJSHeapSize ?? 0, heapUsed: memory?.usedJSHeapSize ?? 0 };
}

// The same assembly as on Node, given bundled texts instead of files and memory instead of a data folder.
const core = await assembleSandboxCore({
  resources: BUNDLED_RESOURCES,
  appStorage: new MemoryAppStorage(),
  stateStorage: new MemoryStateStorage(),
  crypto: nodeCrypto,
  signer: createInProcessSigner(parsePrivateKey(ALIPAY_PRIVATE_KEY_PEM)),
  logger: sandboxLogger(true),
  newTraceId: () => crypto.randomUUID().replaceAll('-', ''),
  memoryUsage: pageMemory,
});
await setupWorker(...alipayHandlers(core)).start({ serviceWorker: { url: './mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true });
element('status').textContent = 'ready';

const client = new AlipayClient({
  gateway: 'https://openapi.alipay.com/gateway.do',
  appId: core.defaultApp.appId,
  privateKey: core.defaultApp.privateKeyPem,
  alipayPublicKey: core.alipayPublicKeyPem,
});

const SCENARIOS: Readonly<Record<string, object>> = {
  normal: { rules: [] },
  NO_USER_ERROR: { rules: [{ match: { method: 'alipay.user.auth.zhimaper.inner.apply' }, outcome: { business_error: 'NO_USER_ERROR' } }] },
  SYSTEM_ERROR: { rules: [{ match: { method: 'alipay.user.auth.zhimaper.inner.apply' }, outcome: { business_error: 'SYSTEM_ERROR' } }] },
  outage: { rules: [{ outcome: { public_error: 'isp.unknow-error', sub_msg: '系统繁忙' } }] },
};

element('apply').addEventListener('click', async () => {
  core.setScenario(core.defaultApp.appId, SCENARIOS[(element('outcome') as HTMLSelectElement).value]!);
  element('status').textContent = 'calling…';
  try {
    const result = await client.call('alipay.user.auth.zhimaper.inner.apply', { cert_no: '330701199901011316', cert_type: 'IDENTITY_CARD', name: '张三', mobile: '13588111111' });
    element('result').textContent = JSON.stringify(result, null, 2);
  } catch (error) {
    element('result').textContent = error instanceof AlipayApiError ? JSON.stringify({ code: error.code, sub_code: error.subCode, sub_msg: error.subMsg }, null, 2) : String(error);
  }
  element('status').textContent = 'done';
});
