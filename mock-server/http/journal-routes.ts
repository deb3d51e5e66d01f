/**
 * The request journal through the admin API: GET /__admin/requests?method=&app_id=&since=&until=
 * lists what the gateway answered (oldest first); DELETE clears it.
 */
import type express from 'express';
import type { Request, Response } from 'express';
import type { JournalFilter, RequestJournal } from '../journal/request-journal.js';

class FilterError extends Error {}

/** An instant given as epoch milliseconds or an ISO 8601 time. */
function instant(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new FilterError(`${name} must be epoch milliseconds or an ISO 8601 time, not "${text}"`);
  return ms;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function journalRoutes(router: express.Router, journal: RequestJournal): void {
  router.get('/requests', (req: Request, res: Response) => {
    let filter: JournalFilter;
    try {
      filter = {
        method: text(req.query.method),
        app_id: text(req.query.app_id),
        sinceMs: instant('since', req.query.since),
        untilMs: instant('until', req.query.until),
      };
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      res.status(400).json({ error: error.message });
      return;
    }
    res.json({ capacity: journal.capacity, requests: journal.list(filter) });
  });

  router.delete('/requests', (_req: Request, res: Response) => {
    journal.clear();
    res.status(204).end();
  });
}
