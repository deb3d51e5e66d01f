/**
 * The web console at /__admin/ui: its page and bundle (dist/console, from build/build-console.ts),
 * the live journal as server-sent events, and the few things only the console asks for (the shipped
 * scenarios, the magic identities, a synthetic person, a fresh key pair). Everything else it does
 * through the admin API, as any client would. The admin guard runs before all of it (Host, Origin,
 * token); only the page and its bundle, which hold no data, are served without the token.
 */
import { generateKeyPair, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import express, { type Request, type Response } from 'express';
import { parse as parseYaml } from 'yaml';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
import type { RequestJournal } from '../core/journal/request-journal.js';
import { exactRouter } from '../http/exact-router.js';
import { packagePath } from '../package-root.js';
import { consolePage } from './console-page.js';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface ConsoleDependencies {
  readonly journal: RequestJournal;
  /** The sandbox's Alipay public key, for the alipay-sdk configuration the console shows. */
  readonly alipayPublicKeyPem: string;
}

const BUNDLE_DIR = packagePath('dist', 'console');
const SHIPPED = packagePath('scenarios');
/** A comment line every 15 s keeps proxies and the browser from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export interface ShippedScenario {
  /** What --scenario takes: "gateway-outage", "business-errors/zhima.auth.info.authquery/ZM_ACCOUNT_PAUSE". */
  readonly name: string;
  readonly document: unknown;
}

/** The scenarios in scenarios/ (and scenarios/business-errors/<method>/), read once. */
function shippedScenarios(): ShippedScenario[] {
  const found: ShippedScenario[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) found.push({ name: relative(SHIPPED, path).replace(/\.ya?ml$/, ''), document: parseYaml(readFileSync(path, 'utf8')) });
    }
  };
  walk(SHIPPED);
  // The general ones first, then one per documented business error.
  return [...found.filter((s) => !s.name.includes('/')), ...found.filter((s) => s.name.includes('/'))];
}

function sendAsset(res: Response, file: string, type: string): void {
  const path = join(BUNDLE_DIR, file);
  if (!existsSync(path)) {
    res.status(503).type('text/plain').send(`the console is not built (${path} is missing): run npm run build`);
    return;
  }
  res.status(200).type(type).set('cache-control', 'no-cache').send(readFileSync(path));
}

/** The journal as server-sent events: every new entry as one `request` event, for as long as the client listens. */
function streamJournal(journal: RequestJournal) {
  return (req: Request, res: Response) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': journal stream\n\n');
    const unsubscribe = journal.subscribe((entry) => res.write(`event: request\ndata: ${JSON.stringify(entry)}\n\n`));
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  };
}

export function createConsoleRouter(deps: ConsoleDependencies): express.Router {
  const router = exactRouter();
  let scenarios: ShippedScenario[] | undefined;
  router.get('/ui', (_req, res) => {
    res.status(200).type('html').set('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'").send(consolePage());
  });
  router.get('/ui/console.js', (_req, res) => sendAsset(res, 'console.js', 'text/javascript'));
  router.get('/ui/console.css', (_req, res) => sendAsset(res, 'console.css', 'text/css'));
  router.get('/ui/data/scenarios', (_req, res) => {
    scenarios ??= shippedScenarios();
    res.json({ scenarios });
  });
  router.get('/ui/data/magic-identities', (_req, res) => {
    res.json({ identities: MAGIC_IDENTITIES.map(({ name, cert_no, mobile, purpose }) => ({ name, cert_no, mobile, purpose })) });
  });
  router.post('/ui/data/synthetic-identity', async (_req, res) => {
    // faker (2 MB of locales) is loaded by the first click that needs it, not by the admin API's
    // first request: it made that request block the sandbox for about 0.15 s.
    const { generateIdentities } = await import('../../fixtures/identities/synthetic-identities.js');
    const [person] = generateIdentities({ seed: randomInt(2 ** 31), count: 1 });
    res.json(person);
  });
  router.post('/ui/data/key-pair', async (_req, res) => {
    // TEST-ONLY: a fresh pair for an app in this sandbox; it is shown once and never stored or logged.
    // Generated on the thread pool: synchronously, its 0.1-0.5 s of CPU stalled every gateway.do answer.
    const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    res.set('cache-control', 'no-store').json({
      private_key_pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      alipay_public_key_pem: deps.alipayPublicKeyPem,
    });
  });
  router.get('/requests/stream', streamJournal(deps.journal));
  return router;
}
