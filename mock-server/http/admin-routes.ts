/**
 * The admin API under /__admin: what a test suite uses to set the sandbox up and look at what it did.
 * JSON in, JSON out; a bad request gets a 4xx with a message saying what to send.
 */
import express, { type Request, type Response } from 'express';
import { AppRegistrationError, type AppRegistry } from '../apps/app-registry.js';
import type { RequestJournal } from '../journal/request-journal.js';
import type { ApiMethodDefinition } from '../methods/api-method.js';
import type { ScenarioBook } from '../scenarios/scenario-book.js';
import { journalRoutes } from './journal-routes.js';
import { scenarioRoutes } from './scenario-routes.js';
import { stateRoutes } from './state-routes.js';
import type { BusinessClock } from '../state/business-clock.js';
import type { Certification, SandboxStore } from '../state/sandbox-store.js';
import type { Completion } from '../state/certification-flow.js';

export interface AdminDependencies {
  readonly apps: AppRegistry;
  readonly scenarios: ScenarioBook;
  readonly journal: RequestJournal;
  readonly state: SandboxStore;
  readonly clock: BusinessClock;
  readonly definitions: readonly ApiMethodDefinition[];
  /**
   * Back to the start state: app scenarios, counts, journal, authorizations and certifications
   * cleared, the clock back to real time, the scenario file re-read. Apps and people stay.
   */
  readonly reset: () => Promise<void>;
  /** Finishes a pending certification, as the hosted page does; throws CertificationError. */
  readonly completeCertification: (id: string, completion: Completion) => Promise<Certification>;
  readonly alipayPublicKeyPem: string;
  readonly startedAt: number;
}

function appRoutes(router: express.Router, deps: AdminDependencies): void {
  router.post('/apps', async (req: Request, res: Response) => {
    try {
      res.status(201).json(await deps.apps.register(req.body));
    } catch (error) {
      if (!(error instanceof AppRegistrationError)) throw error;
      res.status(error.status).json({ error: error.message });
    }
  });

  // Content encryption: { "aes_key": "<base64 of 16 bytes>" } sets the app's key; an empty body generates one.
  router.post('/apps/:app_id/aes-key', async (req: Request<{ app_id: string }>, res: Response) => {
    try {
      const record = await deps.apps.setAesKey(req.params.app_id, (req.body as { aes_key?: unknown } | undefined)?.aes_key);
      res.json({ app_id: record.app_id, aes_key: record.aes_key });
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
}

export function createAdminRouter(deps: AdminDependencies): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  // Scenario documents may come as YAML, exactly as a scenario file holds them.
  router.use(express.text({ limit: '1mb', type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'] }));

  router.get('/health', (_req: Request, res: Response) => {
    // Memory too: a soak run (npm run soak) watches it for growth.
    const { rss, heapUsed } = process.memoryUsage();
    res.json({ status: 'ok', uptime_s: Math.round((Date.now() - deps.startedAt) / 1000), memory: { rss_bytes: rss, heap_used_bytes: heapUsed } });
  });

  router.get('/alipay-public-key', (_req: Request, res: Response) => {
    res.type('text/plain').send(deps.alipayPublicKeyPem);
  });

  router.post('/reset', async (_req: Request, res: Response) => {
    await deps.reset();
    res.status(204).end();
  });

  appRoutes(router, deps);
  scenarioRoutes(router, deps);
  journalRoutes(router, deps.journal);
  stateRoutes(router, deps);
  return router;
}
