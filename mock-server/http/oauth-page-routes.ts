/**
 * Alipay's OAuth page (core/pages/oauth-consent.ts) on the HTTP server: the page at its path on
 * openauth.alipay.com, so a merchant's authorize URL works with only the host changed, and its
 * agreement under /__sandbox, where the admin guard refuses a cross-site post before it gets here.
 */
import express, { type Request, type Response } from 'express';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import { agreeFromPage, consentPageFor, CONSENT_POST_PATH, OAUTH_AUTHORIZE_PATH } from '../core/pages/oauth-consent.js';
import type { PageAnswer } from '../core/pages/page-completion.js';
import { exactRouter } from './exact-router.js';

function send(res: Response, answer: PageAnswer): void {
  res.status(answer.status).set(answer.headers).send(answer.body);
}

export function createOAuthPageRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  // The query as sent, undecoded: the page reads it as a browser's URL carries it.
  router.get(OAUTH_AUTHORIZE_PATH, (req: Request, res: Response) => send(res, consentPageFor(admin, req.originalUrl.split('?')[1] ?? '')));
  router.post(CONSENT_POST_PATH, express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' }), async (req: Request, res: Response) => {
    send(res, await agreeFromPage(admin, typeof req.body === 'string' ? req.body : ''));
  });
  return router;
}
