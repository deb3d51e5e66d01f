/**
 * The admin API under /__admin, built from the route table (core/admin/admin-routes.ts): each route reads
 * its operation's arguments from the request, hands them to the admin core and writes its answer.
 * JSON in, JSON out; a refusal is its status with `{ "error": "..." }` saying what to send (and
 * `path`, for a scenario document). GET /__admin/openapi.json describes it all.
 */
import express, { type Request, type Response } from 'express';
import { adminOpenApi } from '../core/admin/admin-openapi.js';
import { adminRoutes, type ArgumentSource } from '../core/admin/admin-routes.js';
import { refusalStatus, type SandboxAdmin } from '../core/admin/sandbox-admin.js';
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

/** The query's parameters as texts: every one (an unknown criterion is then refused by name rather than ignored), or only `names`. */
function queryOf(req: Request, names: readonly string[] | undefined): Record<string, string> {
  const entries = Object.entries(req.query).map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : String(value)]);
  return Object.fromEntries(names ? entries.filter(([name, value]) => names.includes(name) && value !== '') : entries);
}

function argumentOf(req: Request, source: ArgumentSource): unknown {
  switch (source.from) {
    case 'path': {
      const value = String(req.params[source.name]);
      return source.integer ? (/^\d+$/.test(value) ? Number(value) : Number.NaN) : value;
    }
    case 'body':
      return req.body;
    case 'body-member':
      return (req.body as Record<string, unknown> | null | undefined)?.[source.name];
    case 'query':
      return queryOf(req, source.names);
    case 'route':
      return `${req.method} ${req.originalUrl.split('?')[0]}`;
  }
}

export function createAdminRouter(admin: SandboxAdmin): express.Router {
  const router = exactRouter();
  router.use(express.json({ limit: '1mb' }));
  // Scenario documents may come as YAML, exactly as a scenario file holds them.
  router.use(express.text({ limit: '1mb', type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'] }));
  router.get('/openapi.json', (_req, res) => void res.json(adminOpenApi()));
  for (const route of adminRoutes()) {
    const operation = admin[route.operation] as (...args: unknown[]) => unknown;
    const handler = answer(admin, route.status, (req) => Reflect.apply(operation, admin, route.arguments.map((source) => argumentOf(req, source))));
    const verb = route.verb.toLowerCase() as Lowercase<typeof route.verb>;
    for (const path of [route.path, ...(route.aliases ?? [])]) router[verb](path, handler);
  }
  return router;
}
