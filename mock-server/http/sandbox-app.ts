/**
 * The Express application: the web console and the admin API, the hosted pages (the OAuth consent
 * page among them) and their form posts, then JSON answers for anything else. `/` goes to the
 * console. gateway.do and the v3 paths never reach it: the server hands them to their handlers first
 * (sandbox.ts), on the path in normal form.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { DataDirError, reasonOf } from '../storage/durable-files.js';
import type { SandboxAdmin } from '../core/admin/sandbox-admin.js';
import { createConsoleRouter } from '../console/console-routes.js';
import type { RequestJournal } from '../core/journal/request-journal.js';
import type { Replication } from '../replicas/replication.js';
import { StateConflictError, StateUnavailableError } from '../core/state/shared-state.js';
import { createAdminRouter } from './admin-router.js';
import { createHostedPageRouter } from './hosted-page-routes.js';
import { OAUTH_AUTHORIZE_PATH } from '../core/pages/oauth-consent.js';

export interface SandboxAppDependencies {
  readonly logger: Logger;
  readonly admin: SandboxAdmin;
  readonly journal: RequestJournal;
  readonly alipayPublicKeyPem: string;
  /** State shared with other replicas: caught up with before each admin operation and hosted page. */
  readonly replication?: Replication;
}

/** A write to the data folder that failed: the disk is full, read-only, gone, not ours. */
function isStorageFailure(error: unknown): boolean {
  return error instanceof DataDirError || error instanceof StateUnavailableError || error instanceof StateConflictError || ['ENOSPC', 'EROFS', 'EDQUOT', 'EACCES', 'EPERM', 'ENOENT', 'EIO'].includes((error as { code?: string }).code ?? '');
}

interface HttpError {
  status?: number;
  type?: string;
  message?: string;
}

export function createSandboxApp(deps: SandboxAppDependencies): express.Express {
  const app = express();
  // The admin guard classified the request by its path in normal form (request-target.ts); routing
  // that ignored case would find admin routes under spellings the guard was not shown.
  app.enable('case sensitive routing');
  app.disable('x-powered-by');
  app.disable('etag');
  // The web console is what a person opening the sandbox in a browser wants to see.
  app.get('/', (_req: Request, res: Response) => res.redirect(302, '/__admin/ui'));
  const { replication } = deps;
  if (replication) {
    // What other replicas changed, before an admin answer or a hosted page reads the state.
    app.use(['/__admin', '/__sandbox', OAUTH_AUTHORIZE_PATH], (req: Request, _res: Response, next: NextFunction) => {
      replication.catchUp({ journal: req.baseUrl === '/__admin' }).then(
        () => next(),
        (error: unknown) => next(error instanceof StateUnavailableError ? error : new StateUnavailableError(`the shared state store ${replication.where} did not answer: ${(error as Error).message}`)),
      );
    });
  }
  app.use('/__admin', createConsoleRouter({ journal: deps.journal, alipayPublicKeyPem: deps.alipayPublicKeyPem }));
  app.use('/__admin', createAdminRouter(deps.admin));
  app.use(createHostedPageRouter(deps.admin));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `nothing at ${req.method} ${req.path}; the gateway is POST/GET /gateway.do` });
  });
  // Body-parser errors (bad JSON, too large) are the caller's; a change that could not be written is
  // the disk's (503, nothing acknowledged, retry); anything else is ours and is logged.
  app.use((error: HttpError, _req: Request, res: Response, _next: NextFunction) => {
    if (isStorageFailure(error)) {
      // A shared store away is said once by the replication, when it goes and when it is back.
      if (error instanceof StateUnavailableError && replication) replication.requestRefused(error);
      else deps.logger.error({ err: error }, 'an admin change could not be saved');
      res.status(503).json({ error: `the sandbox could not save this change (${reasonOf(error)}); nothing was changed on disk, retry` });
      return;
    }
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) deps.logger.error({ err: error }, 'admin request failed');
    const message =
      error.type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : status === 500
          ? 'the sandbox failed on this request; its log has the details'
          : (error.message ?? 'bad request');
    res.status(status).json({ error: message });
  });
  return app;
}
