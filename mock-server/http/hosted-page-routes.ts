/**
 * The hosted certification page a certify_url opens, and where it posts the tester's choice (see
 * core/pages/page-completion.ts), for the HTTP server.
 */
import express, { type Request, type Response } from 'express';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import { completeFromPage, pageFromLink } from '../core/pages/page-completion.js';
import { exactRouter } from './exact-router.js';

export function createHostedPageRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  router.use(express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' }));

  router.get('/certifications/:id', (req: Request<{ id: string }>, res: Response) => {
    const answer = pageFromLink(admin, req.params.id);
    res.status(answer.status).set(answer.headers).send(answer.body);
  });

  router.post('/certifications/:id/complete', async (req: Request<{ id: string }>, res: Response) => {
    const answer = await completeFromPage(admin, req.params.id, typeof req.body === 'string' ? req.body : '');
    res.status(answer.status).set(answer.headers).send(answer.body);
  });

  return router;
}
