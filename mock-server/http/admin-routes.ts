/**
 * The admin API under /__admin: each route a line that hands the request to the admin core
 * (admin/sandbox-admin.ts) and writes its answer. JSON in, JSON out; a refusal is its status with
 * `{ "error": "..." }` saying what to send (and `path`, for a scenario document).
 */
import express, { type Request, type Response } from 'express';
import { refusalStatus, type RequestQuery, type SandboxAdmin } from '../admin/sandbox-admin.js';
import { exactRouter } from './exact-router.js';

type Work = (req: Request) => unknown;

/** Answers with `status` and what `work` returns (text as text/plain, nothing as an empty 204). */
function answer(admin: SandboxAdmin, status: 200 | 201 | 204, work: Work) {
  return async (req: Request, res: Response): Promise<void> => {
    let result: unknown;
    try {
      result = await work(req);
      // Told to the other replicas (when there are any) before it is acknowledged.
      await admin.settled();
    } catch (error) {
      const refused = refusalStatus(error);
      if (refused === undefined) throw error;
      const path = (error as { path?: unknown }).path;
      res.status(refused).json({ error: (error as Error).message, ...(typeof path === 'string' ? { path } : {}) });
      return;
    }
    if (status === 204) res.status(204).end();
    else if (typeof result === 'string') res.status(status).type('text/plain').send(result);
    else res.status(status).json(result);
  };
}

const param = (req: Request, name: string): string => String(req.params[name]);
const queryText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every query parameter, so that an unknown criterion is refused by name rather than ignored. */
function requestQuery(req: Request): RequestQuery {
  return Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, queryText(value) ?? String(value)])) as RequestQuery;
}

function appIdQuery(req: Request): { app_id?: string } {
  const appId = queryText(req.query.app_id);
  return appId === undefined ? {} : { app_id: appId };
}

export function createAdminRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  router.use(express.json({ limit: '1mb' }));
  // Scenario documents may come as YAML, exactly as a scenario file holds them.
  router.use(express.text({ limit: '1mb', type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'] }));

  router.get('/health', answer(admin, 200, () => admin.health()));
  router.get('/alipay-public-key', answer(admin, 200, () => admin.alipayPublicKey()));
  router.post('/reset', answer(admin, 204, () => admin.reset()));

  router.get('/apps', answer(admin, 200, () => admin.apps()));
  router.post('/apps', answer(admin, 201, (req) => admin.registerApp(req.body)));
  router.get('/apps/:app_id', answer(admin, 200, (req) => admin.app(param(req, 'app_id'))));
  // Content encryption: { "aes_key": "<base64 of 16 bytes>" } sets the app's key; an empty body generates one.
  router.post('/apps/:app_id/aes-key', answer(admin, 200, (req) => admin.setAesKey(param(req, 'app_id'), (req.body as { aes_key?: unknown } | undefined)?.aes_key)));

  router.get('/scenario', answer(admin, 200, () => admin.startScenario()));
  router.post('/scenarios/check', answer(admin, 200, (req) => admin.checkScenario(req.body)));
  router.put('/apps/:app_id/scenario', answer(admin, 200, (req) => admin.setAppScenario(param(req, 'app_id'), req.body, `PUT /__admin/apps/${param(req, 'app_id')}/scenario`)));
  router.get('/apps/:app_id/scenario', answer(admin, 200, (req) => admin.appScenario(param(req, 'app_id'))));
  router.delete('/apps/:app_id/scenario', answer(admin, 204, (req) => admin.clearAppScenario(param(req, 'app_id'))));

  router.get('/requests', answer(admin, 200, (req) => admin.requests(requestQuery(req))));
  router.post('/requests/count', answer(admin, 200, (req) => admin.countRequests(req.body)));
  router.post('/requests/find', answer(admin, 200, (req) => admin.findRequests(req.body)));
  // WireMock's name for the requests no stub matched; here, the ones the gateway refused before any method ran.
  router.get('/requests/unmatched', answer(admin, 200, () => admin.refusedRequests()));
  router.get('/requests/refused', answer(admin, 200, () => admin.refusedRequests()));
  router.get('/requests/:id', answer(admin, 200, (req) => admin.request(/^\d+$/.test(param(req, 'id')) ? Number(param(req, 'id')) : Number.NaN)));
  router.delete('/requests', answer(admin, 204, () => admin.clearRequests()));

  router.get('/identities', answer(admin, 200, () => admin.identities()));
  router.post('/identities', answer(admin, 201, (req) => admin.addIdentity(req.body)));

  router.post('/auth-codes', answer(admin, 201, (req) => admin.issueAuthCode(req.body)));
  router.post('/app-auth-codes', answer(admin, 201, (req) => admin.issueAppAuthCode(req.body)));
  router.post('/app-auth-tokens', answer(admin, 201, (req) => admin.issueAppAuthToken(req.body)));
  router.get('/app-auth-tokens', answer(admin, 200, (req) => admin.appAuthTokens(appIdQuery(req))));
  router.get('/app-auth-tokens/:token', answer(admin, 200, (req) => admin.appAuthToken(param(req, 'token'))));
  router.delete('/app-auth-tokens/:token', answer(admin, 200, (req) => admin.revokeAppAuthToken(param(req, 'token'))));
  router.post('/app-auth-tokens/:token/expire', answer(admin, 200, (req) => admin.expireAppAuthToken(param(req, 'token'))));

  router.get('/certifications', answer(admin, 200, (req) => admin.certifications({ ...(queryText(req.query.status) ? { status: queryText(req.query.status) } : {}) })));
  router.get('/certifications/:id', answer(admin, 200, (req) => admin.certification(param(req, 'id'))));
  router.post('/certifications/:id/complete', answer(admin, 200, (req) => admin.completeCertification(param(req, 'id'), req.body)));

  router.get('/clock', answer(admin, 200, () => admin.clock()));
  router.post('/clock', answer(admin, 200, (req) => admin.moveClock(req.body)));
  router.delete('/clock', answer(admin, 200, () => admin.resetClock()));
  return router;
}
