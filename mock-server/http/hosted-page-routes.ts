/**
 * The hosted certification page a certify_url opens, the 核身 page a verify_url opens, and where each
 * posts the tester's choice (see core/pages/page-completion.ts and verification-page.ts), for the HTTP server.
 */
import express, { type Request, type Response } from 'express';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import { completeFromPage, pageFromLink, type PageAnswer } from '../core/pages/page-completion.js';
import { completeVerificationFromPage, verificationPageFor } from '../core/pages/verification-page.js';
import { exactRouter } from './exact-router.js';

export function createHostedPageRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  router.use(express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' }));

  router.get('/certifications/:id', (req: Request<{ id: string }>, res: Response) => {
    send(res, pageFromLink(admin, req.params.id));
  });

  router.post('/certifications/:id/complete', async (req: Request<{ id: string }>, res: Response) => {
    send(res, await completeFromPage(admin, req.params.id, typeof req.body === 'string' ? req.body : ''));
  });

  router.get('/verifications/:token', (req: Request<{ token: string }>, res: Response) => send(res, verificationPageFor(admin, req.params.token)));

  router.post('/verifications/:token/complete', async (req: Request<{ token: string }>, res: Response) => {
    send(res, await completeVerificationFromPage(admin, req.params.token, typeof req.body === 'string' ? req.body : ''));
  });

  return router;
}

function send(res: Response, answer: PageAnswer): void {
  res.status(answer.status).set(answer.headers).send(answer.body);
}
