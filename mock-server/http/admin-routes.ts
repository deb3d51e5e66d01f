/**
 * The admin API under /__admin: what a test suite uses to set the sandbox up. JSON in, JSON out;
 * a bad request gets a 4xx with a message saying what to send.
 */
import express, { type Request, type Response } from 'express';
import { AppRegistrationError, type AppRegistry } from '../apps/app-registry.js';

export interface AdminDependencies {
  readonly apps: AppRegistry;
  readonly alipayPublicKeyPem: string;
  readonly startedAt: number;
}

export function createAdminRouter(deps: AdminDependencies): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok', uptime_s: Math.round((Date.now() - deps.startedAt) / 1000) });
  });

  router.get('/alipay-public-key', (_req: Request, res: Response) => {
    res.type('text/plain').send(deps.alipayPublicKeyPem);
  });

  router.post('/apps', async (req: Request, res: Response) => {
    try {
      res.status(201).json(await deps.apps.register(req.body));
    } catch (error) {
      if (!(error instanceof AppRegistrationError)) throw error;
      res.status(error.status).json({ error: error.message });
    }
  });

  router.get('/apps/:app_id', (req: Request<{ app_id: string }>, res: Response) => {
    const record = deps.apps.record(req.params.app_id);
    if (!record) {
      res.status(404).json({ error: `no app ${req.params.app_id} is registered; POST it to /__admin/apps` });
      return;
    }
    res.json(record);
  });

  return router;
}
