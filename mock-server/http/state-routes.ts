/**
 * The sandbox's state through the admin API: certifications finished without the hosted page, the
 * business clock moved, and the people the sandbox knows.
 */
import type express from 'express';
import type { Request, Response } from 'express';
import { residentIdProblem } from '../identity/resident-id.js';
import { CertificationError, type Completion } from '../state/certification-flow.js';
import type { Person } from '../state/sandbox-store.js';
import { alipayUserId } from '../methods/generated-ids.js';
import type { AdminDependencies } from './admin-routes.js';

function completionOf(body: unknown): Completion | string {
  const { passed, reason, cancelled } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (cancelled === true) return { cancelled: true };
  if (typeof passed !== 'boolean') return 'send { "passed": true } or { "passed": false, "reason": "..." } (or { "cancelled": true })';
  if (reason !== undefined && typeof reason !== 'string') return 'reason must be a string';
  return passed ? { passed } : { passed, reason };
}

function certificationRoutes(router: express.Router, deps: AdminDependencies): void {
  router.get('/certifications/:id', (req: Request<{ id: string }>, res: Response) => {
    const certification = deps.state.certification(req.params.id);
    if (!certification) {
      res.status(404).json({ error: `no certification ${req.params.id}` });
      return;
    }
    res.json(certification);
  });

  router.post('/certifications/:id/complete', async (req: Request<{ id: string }>, res: Response) => {
    const completion = completionOf(req.body);
    if (typeof completion === 'string') {
      res.status(400).json({ error: completion });
      return;
    }
    try {
      res.json(await deps.completeCertification(req.params.id, completion));
    } catch (error) {
      if (!(error instanceof CertificationError)) throw error;
      res.status(error.status).json({ error: error.message });
    }
  });
}

/** A time a Date can hold (±8.64e15 ms): JSON's 1e400 is Infinity, and must not reach the clock. */
function isInstant(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

function clockRoutes(router: express.Router, deps: AdminDependencies): void {
  const show = (res: Response) => res.json({ now: new Date(deps.clock.now()).toISOString(), offset_ms: deps.clock.offsetMs });

  router.get('/clock', (_req: Request, res: Response) => show(res));

  router.post('/clock', (req: Request, res: Response) => {
    const { set, advance_ms } = (req.body ?? {}) as { set?: unknown; advance_ms?: unknown };
    if (set !== undefined) {
      const ms = typeof set === 'number' ? set : Date.parse(String(set));
      if (!isInstant(ms)) {
        res.status(400).json({ error: 'set must be epoch milliseconds or an ISO 8601 time' });
        return;
      }
      deps.clock.set(ms);
    } else if (typeof advance_ms === 'number' && isInstant(deps.clock.now() + advance_ms)) {
      deps.clock.advance(advance_ms);
    } else {
      res.status(400).json({ error: 'send { "set": "2026-01-01T00:00:00Z" } or { "advance_ms": 86400000 }' });
      return;
    }
    show(res);
  });

  router.delete('/clock', (_req: Request, res: Response) => {
    deps.clock.reset();
    show(res);
  });
}

function personOf(body: unknown): Person | string {
  const { name, cert_no, mobile, user_id } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof name !== 'string' || !name) return 'name is required';
  if (typeof cert_no !== 'string' || residentIdProblem(cert_no)) return 'cert_no must be a valid 18-digit resident ID number';
  if (typeof mobile !== 'string' || !/^1\d{10}$/.test(mobile)) return 'mobile must be an 11-digit mainland mobile number';
  if (user_id !== undefined && (typeof user_id !== 'string' || !/^2088\d{12}$/.test(user_id))) return 'user_id must be 2088 and 12 digits';
  const certNo = cert_no.toUpperCase();
  return { name, cert_type: 'IDENTITY_CARD', cert_no: certNo, mobile, user_id: (user_id as string | undefined) ?? alipayUserId('person', certNo), source: 'admin' };
}

function identityRoutes(router: express.Router, deps: AdminDependencies): void {
  router.get('/identities', (_req: Request, res: Response) => {
    res.json({ identities: deps.state.people() });
  });

  router.post('/identities', async (req: Request, res: Response) => {
    const person = personOf(req.body);
    if (typeof person === 'string') {
      res.status(400).json({ error: person });
      return;
    }
    deps.state.addPerson(person);
    await deps.state.persist();
    res.status(201).json(person);
  });
}

export function stateRoutes(router: express.Router, deps: AdminDependencies): void {
  certificationRoutes(router, deps);
  clockRoutes(router, deps);
  identityRoutes(router, deps);
}
