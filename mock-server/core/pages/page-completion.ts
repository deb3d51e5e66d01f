/**
 * What happens when the hosted certification page posts the tester's choice, whichever adapter
 * carries the post (the HTTP server, msw in a page or a test, the undici agent): the choice is
 * recorded through the admin core, then the browser goes on to the merchant's return_url, as Alipay
 * sends it after its face check. A raw answer (status, headers, body) each adapter writes as it is.
 */
import type { SandboxAdmin } from '../admin/sandbox-admin.js';
import { businessError } from '../protocol/public-errors.js';
import type { Completion } from '../flows/face-certification.js';
import { certificationPage, pageErrorPage, returnPage } from './certification-page.js';
import { PAGE_HEADERS } from './html.js';

export interface PageAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Only web addresses are followed: a javascript: or data: return_url must never run in the browser. */
export function isWebAddress(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function choiceOf(form: URLSearchParams): Completion | undefined {
  const choice = form.get('choice');
  if (choice === 'pass') return { passed: true };
  if (choice === 'fail') return { passed: false, reason: form.get('reason')?.slice(0, 256) };
  if (choice === 'cancel') return { cancelled: true };
  return undefined;
}

const page = (status: number, html: string): PageAnswer => ({
  status,
  headers: PAGE_HEADERS,
  body: html,
});

/**
 * The page a certify_url opens (GET /__sandbox/certifications/<id>): the id is the link's secret, as
 * Alipay's signed link is, so any unfinished certification is shown; the post refuses one out of time.
 */
export function pageFromLink(admin: SandboxAdmin, id: string): PageAnswer {
  let certification;
  try {
    certification = admin.certification(id);
  } catch (error) {
    if ((error as { status?: unknown }).status !== 404) throw error;
    return page(404, pageErrorPage(businessError('OPEN_CERTIFY_BILL_NOT_EXIST', (error as Error).message)));
  }
  if (certification.status !== 'INIT') return page(409, pageErrorPage(businessError('INVALID_PARAMETER', `certification ${id} is already ${certification.status}`)));
  return page(200, certificationPage(certification));
}

/** Records the page's form post (`choice`, `reason`) for certification `id`. */
export async function completeFromPage(admin: SandboxAdmin, id: string, formBody: string): Promise<PageAnswer> {
  const choice = choiceOf(new URLSearchParams(formBody));
  if (!choice) return page(400, pageErrorPage(businessError('INVALID_PARAMETER', 'choose pass, fail or cancel')));
  let certification;
  try {
    certification = await admin.completeCertification(id, choice);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status !== 404 && status !== 409) throw error;
    return page(status, pageErrorPage(businessError('INVALID_PARAMETER', (error as Error).message)));
  }
  if (isWebAddress(certification.return_url)) return { status: 303, headers: { location: certification.return_url }, body: '' };
  return page(200, returnPage(certification));
}
