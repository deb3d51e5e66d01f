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

export const page = (status: number, html: string): PageAnswer => ({
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

/** A refusal of the admin core (404 unknown, 409 finished or out of time) as a page with `subCode`; anything else is the sandbox's failure. */
export function refusalPage(error: unknown, subCode: string): PageAnswer {
  const status = (error as { status?: unknown }).status;
  if (status !== 404 && status !== 409) throw error;
  return page(status, pageErrorPage(businessError(subCode, (error as Error).message)));
}

/** How a hosted page's form post is recorded: the choice it reads, the admin operation, where the browser goes next. */
export interface FormCompletion<Choice, Finished> {
  readonly choiceOf: (form: URLSearchParams) => Choice | undefined;
  readonly choices: string;
  readonly record: (choice: Choice) => Promise<Finished>;
  readonly refusalCode: string;
  /** The merchant's address to send the browser to, and the page shown where it is no web address. */
  readonly next: (finished: Finished) => { readonly url: string | undefined; readonly page: () => string };
}

/** Records a hosted page's form post, then sends the browser on, as Alipay does after its check. */
export async function completeFromForm<Choice, Finished>(formBody: string, completion: FormCompletion<Choice, Finished>): Promise<PageAnswer> {
  const choice = completion.choiceOf(new URLSearchParams(formBody));
  if (!choice) return page(400, pageErrorPage(businessError('INVALID_PARAMETER', `choose ${completion.choices}`)));
  let finished;
  try {
    finished = await completion.record(choice);
  } catch (error) {
    return refusalPage(error, completion.refusalCode);
  }
  const next = completion.next(finished);
  if (isWebAddress(next.url)) return { status: 303, headers: { location: next.url }, body: '' };
  return page(200, next.page());
}

/** Records the page's form post (`choice`, `reason`) for certification `id`. */
export function completeFromPage(admin: SandboxAdmin, id: string, formBody: string): Promise<PageAnswer> {
  return completeFromForm(formBody, {
    choiceOf,
    choices: 'pass, fail or cancel',
    record: (choice) => admin.completeCertification(id, choice),
    refusalCode: 'INVALID_PARAMETER',
    next: (certification) => ({ url: certification.return_url, page: () => returnPage(certification) }),
  });
}
