/**
 * The hosted pages (core/pages/hosted-pages.ts: the certification page a certify_url or web_url opens,
 * the 核身 page a verify_url opens, Alipay's OAuth page at its own path, and what each posts) as the
 * HTTP server's routes, all on its one origin. The admin guard has already refused a cross-site post
 * to /__sandbox before a route here runs.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import { HOSTED_PAGES, PAGE_FORM_MAX_BYTES, PAGE_FORM_TYPE, type HostedPage, type PageRequest } from '../core/pages/hosted-pages.js';
import type { PageAnswer } from '../core/pages/page-completion.js';
import { exactRouter } from './exact-router.js';

function send(res: Response, answer: PageAnswer): void {
  res.status(answer.status).set(answer.headers).send(answer.body);
}

/** The pages' patterns have only `:name` segments, each one string (Express types a wildcard's as a list). */
function paramsOf(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.params)) if (typeof value === 'string') params[name] = value;
  return params;
}

/** Express's params, the query as sent (undecoded) and the parsed form, as a page reads them. */
function pageRequestOf(req: Request): PageRequest {
  return {
    params: paramsOf(req),
    query: req.originalUrl.split('?')[1] ?? '',
    form: typeof req.body === 'string' ? req.body : '',
  };
}

function pageHandler(admin: SandboxAdmin, page: HostedPage): RequestHandler {
  return async (req: Request, res: Response) => send(res, await page.answer(admin, pageRequestOf(req)));
}

export function createHostedPageRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  const form = express.text({ type: PAGE_FORM_TYPE, limit: PAGE_FORM_MAX_BYTES });
  for (const page of HOSTED_PAGES) {
    if (page.verb === 'GET') router.get(page.path, pageHandler(admin, page));
    else router.post(page.path, form, pageHandler(admin, page));
  }
  return router;
}
