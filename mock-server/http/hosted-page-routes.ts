/**
 * Where the hosted certification page posts the tester's choice: the sandbox records it, then sends
 * the browser on to the merchant's return_url, as Alipay does after its face check.
 */
import express, { type Request, type Response } from 'express';
import { PAGE_CONTENT_SECURITY_POLICY } from '../pages/html.js';
import { businessError } from '../protocol/public-errors.js';
import { pageErrorPage, returnPage } from '../pages/certification-page.js';
import { CertificationError, type Completion } from '../state/certification-flow.js';
import type { Certification } from '../state/sandbox-store.js';

/** Only web addresses are followed: a javascript: or data: return_url must never run in the browser. */
function isWebAddress(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function choiceOf(body: Record<string, unknown>): Completion | undefined {
  if (body.choice === 'pass') return { passed: true };
  if (body.choice === 'fail') return { passed: false, reason: typeof body.reason === 'string' ? body.reason.slice(0, 256) : undefined };
  if (body.choice === 'cancel') return { cancelled: true };
  return undefined;
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('content-security-policy', PAGE_CONTENT_SECURITY_POLICY).type('html').send(html);
}

export function createHostedPageRouter(completeCertification: (id: string, completion: Completion) => Promise<Certification>): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.post('/certifications/:id/complete', async (req: Request<{ id: string }>, res: Response) => {
    const choice = choiceOf((req.body ?? {}) as Record<string, unknown>);
    if (!choice) {
      sendPage(res, 400, pageErrorPage(businessError('INVALID_PARAMETER', 'choose pass, fail or cancel')));
      return;
    }
    let certification: Certification;
    try {
      certification = await completeCertification(req.params.id, choice);
    } catch (error) {
      if (!(error instanceof CertificationError)) throw error;
      sendPage(res, error.status, pageErrorPage(businessError('INVALID_PARAMETER', error.message)));
      return;
    }
    if (isWebAddress(certification.return_url)) {
      res.redirect(303, certification.return_url);
      return;
    }
    sendPage(res, 200, returnPage(certification));
  });

  return router;
}
