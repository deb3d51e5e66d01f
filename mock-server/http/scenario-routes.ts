/**
 * Scenarios through the admin API: the start scenario to read, and one scenario per app_id to set,
 * read and clear, so that parallel test suites using different app_ids choose their own outcomes.
 */
import type express from 'express';
import type { Request, Response } from 'express';
import { compileScenario, parseScenarioText, ScenarioLoadError } from '../scenarios/load-scenario.js';
import type { AdminDependencies } from './admin-routes.js';

type AppRequest = Request<{ app_id: string }>;

function requireApp(deps: AdminDependencies, req: AppRequest, res: Response): boolean {
  if (deps.apps.find(req.params.app_id)) return true;
  res.status(404).json({ error: `no app ${req.params.app_id} is registered; POST it to /__admin/apps first` });
  return false;
}

export function scenarioRoutes(router: express.Router, deps: AdminDependencies): void {
  router.get('/scenario', (_req: Request, res: Response) => {
    const start = deps.scenarios.start;
    res.json({ source: start.source, scenario: start.document });
  });

  router.put('/apps/:app_id/scenario', (req: AppRequest, res: Response) => {
    if (!requireApp(deps, req, res)) return;
    const source = `PUT /__admin/apps/${req.params.app_id}/scenario`;
    try {
      const document: unknown = typeof req.body === 'string' ? parseScenarioText(req.body, source) : req.body;
      deps.scenarios.setForApp(req.params.app_id, compileScenario(document, source, deps.definitions));
      res.json({ app_id: req.params.app_id, scenario: document });
    } catch (error) {
      if (!(error instanceof ScenarioLoadError)) throw error;
      res.status(400).json({ error: error.message, path: error.path });
    }
  });

  router.get('/apps/:app_id/scenario', (req: AppRequest, res: Response) => {
    if (!requireApp(deps, req, res)) return;
    const scenario = deps.scenarios.forApp(req.params.app_id);
    if (!scenario) {
      res.status(404).json({ error: `app ${req.params.app_id} has no scenario of its own; the start scenario (${deps.scenarios.start.source}) applies` });
      return;
    }
    res.json({ app_id: req.params.app_id, scenario: scenario.document });
  });

  router.delete('/apps/:app_id/scenario', (req: AppRequest, res: Response) => {
    if (!requireApp(deps, req, res)) return;
    deps.scenarios.clearForApp(req.params.app_id);
    res.status(204).end();
  });
}
