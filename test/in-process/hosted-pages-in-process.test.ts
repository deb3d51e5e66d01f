/**
 * The hosted pages in-process: the links the methods answer (the H5 face check's certify_url, the App
 * face verification's web_url, 核身's verify_url) are absolute on the Alipay origin the client called,
 * and the msw handlers and the undici agent serve those pages there, GET and form post, and the OAuth
 * consent page on Alipay's OAuth hosts, from the same table as the HTTP server, and a HEAD of each page
 * as the HTTP server answers it. Every connection undici tries is recorded: none is made, so every page
 * was answered in-process.
 */
import { AlipaySdk } from 'alipay-sdk';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { AlipayClient, type ApiMethod } from '../../client-harness/alipay-client.js';
import { TOP_LEVEL_PARAMETER_METHODS } from '../../client-harness/api-types.js';
import type { SandboxControls } from '../../mock-server/sandbox-core.js';
import { recordConnectionAttempts } from '../support/connection-attempts.js';
import { useInProcessSandboxes } from '../support/in-process-sandboxes.js';

const ALIPAY = 'https://openapi.alipay.com';
const ALIPAY_SANDBOX = 'https://openapi-sandbox.dl.alipaydev.com';
const OAUTH = 'https://openauth.alipay.com';
const FORM = 'application/x-www-form-urlencoded';
const PERSON = { cert_name: '收委', cert_no: '330106197909275965' };

const attemptedConnections = recordConnectionAttempts();

// A request the msw handlers do not answer is an error here, never a trip to the network.
const sandboxes = useInProcessSandboxes('error');
const msw = () => sandboxes().msw;
const agent = () => sandboxes().agent;

/** A gateway call: biz_content, or top-level parameters for the few methods that take them so. */
type Call = (method: string, parameters: Record<string, string>) => Promise<Record<string, unknown>>;

interface PageVisit {
  readonly status: number;
  readonly location: string | null;
  readonly contentType: string | null;
  readonly contentLength: string | null;
  readonly html: string;
}

/** A browser's steps on a page, as each adapter's world takes them: open a link, post the page's form; or ask for its headers. */
interface Browser {
  open(url: string): Promise<PageVisit>;
  post(url: string, form: string): Promise<PageVisit>;
  head(url: string): Promise<PageVisit>;
}

/** msw: the reference client and the global fetch, both answered by the handlers. */
function mswCall(gateway: string): Call {
  const client = new AlipayClient({ gateway: `${gateway}/gateway.do`, appId: msw().defaultApp.appId, privateKey: msw().defaultApp.privateKeyPem, alipayPublicKey: msw().alipayPublicKeyPem });
  return async (method, parameters) => ({ ...(await client.call(method as ApiMethod, parameters as never)) });
}

async function fetched(url: string, init: RequestInit = {}): Promise<PageVisit> {
  const response = await fetch(url, { ...init, redirect: 'manual' });
  const header = (name: string) => response.headers.get(name);
  return { status: response.status, location: header('location'), contentType: header('content-type'), contentLength: header('content-length'), html: await response.text() };
}

const mswBrowser: Browser = {
  open: (url) => fetched(url),
  post: (url, form) => fetched(url, { method: 'POST', headers: { 'content-type': FORM }, body: form }),
  head: (url) => fetched(url, { method: 'HEAD' }),
};

/** undici: alipay-sdk with the agent as its proxyAgent, and undici's request() through the same agent. */
function undiciCall(): Call {
  const sdk = new AlipaySdk({ ...agent().alipaySdkOptions(), camelcase: false });
  return async (method, parameters) => {
    const { traceId: _traceId, ...node } = await sdk.exec(method, (TOP_LEVEL_PARAMETER_METHODS as readonly string[]).includes(method) ? parameters : { bizContent: parameters }, { validateSign: true });
    return node;
  };
}

/** A GET, or with `form` its POST, or a HEAD. */
async function dispatched(url: string, form?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<PageVisit> {
  const post = form === undefined ? { method } : { method: 'POST' as const, headers: { 'content-type': FORM }, body: form };
  const response = await request(url, { ...post, dispatcher: agent().mockAgent });
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : null;
  };
  return { status: response.statusCode, location: header('location'), contentType: header('content-type'), contentLength: header('content-length'), html: await response.body.text() };
}

const undiciBrowser: Browser = {
  open: (url) => dispatched(url),
  post: dispatched,
  head: (url) => dispatched(url, undefined, 'HEAD'),
};

/** An H5 face check started and verified: its certify_id and the certify_url verify answers. */
async function startH5FaceCheck(call: Call, order: string): Promise<{ certifyId: string; certifyUrl: string }> {
  const { certify_id: certifyId } = await call('datadigital.fincloud.generalsaas.face.certify.initialize', {
    outer_order_no: order,
    biz_code: 'FUTURE_TECH_BIZ_FACE_SDK',
    identity_param: JSON.stringify({ identity_type: 'CERT_INFO', cert_type: 'IDENTITY_CARD', ...PERSON }),
    merchant_config: JSON.stringify({ return_url: 'https://shop.example/back' }),
  });
  const { certify_url: certifyUrl } = await call('datadigital.fincloud.generalsaas.face.certify.verify', { certify_id: certifyId as string });
  return { certifyId: certifyId as string, certifyUrl: certifyUrl as string };
}

/** The H5 face check: verify's certify_url, its page, Pass, and the query passes. */
async function h5FaceCheck(call: Call, browser: Browser, origin: string, order: string): Promise<void> {
  const { certifyId, certifyUrl } = await startH5FaceCheck(call, order);
  expect(certifyUrl).toBe(`${origin}/__sandbox/certifications/${certifyId}`);
  await passOnPage(browser, certifyUrl, 'https://shop.example/back');
  expect(await call('datadigital.fincloud.generalsaas.face.certify.query', { certify_id: certifyId })).toMatchObject({ code: '10000', passed: 'T' });
}

/** The App face verification: initialize's web_url, its page, Pass, and the query answers SUCCESS. */
async function appFaceVerification(call: Call, browser: Browser, origin: string, order: string): Promise<void> {
  const started = await call('datadigital.fincloud.generalsaas.face.verification.initialize', {
    outer_order_no: order,
    biz_code: 'DATA_DIGITAL_BIZ_CODE_FACE_VERIFICATION',
    identity_type: 'CERT_INFO',
    cert_type: 'IDENTITY_CARD',
    ...PERSON,
  });
  expect(started.web_url).toBe(`${origin}/__sandbox/certifications/${started.certify_id as string}`);
  await passOnPage(browser, started.web_url as string);
  expect(await call('datadigital.fincloud.generalsaas.face.verification.query', { certify_id: started.certify_id as string })).toMatchObject({ code: '10000', certify_state: 'SUCCESS' });
}

/** The 核身 scene of `bizId`, and what initialize answers for it (veritfy_token, verify_url). */
async function startVerification(call: Call, bizId: string) {
  const scene = { biz_id: bizId, scene_code: 'metro#metro#metro_forgetpwd_confirm#mobileClient' };
  const started = await call('alipay.security.risk.verifyidentity.initialize', { ...scene, product_code: 'SMS|FACE', account_id: PERSON.cert_no, account_name: PERSON.cert_name, account_type: 'CERT', biz_callback_url: 'https://shop.example/verified' });
  return { scene, started };
}

/** 核身: initialize's verify_url, its page, Pass, and confirm answers verify_result true. */
async function identityVerification(call: Call, browser: Browser, origin: string, bizId: string): Promise<void> {
  const { scene, started } = await startVerification(call, bizId);
  const token = started.veritfy_token as string;
  expect(started.verify_url).toBe(`${origin}/__sandbox/verifications/${token}`);
  await passOnPage(browser, started.verify_url as string, 'https://shop.example/verified');
  expect(await call('alipay.security.risk.verifyidentity.confirm', { ...scene, verify_token: token })).toMatchObject({ code: '10000', verify_result: true });
}

/** Opens the page a link names, posts Pass to where its form says (relative: the link's own origin), and is sent on. */
async function passOnPage(browser: Browser, link: string, sentTo?: string): Promise<void> {
  const page = await browser.open(link);
  expect(page.status).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  expect(action).toBe(`${new URL(link).pathname}/complete`);
  const posted = await browser.post(new URL(action!, link).href, 'choice=pass');
  if (sentTo) expect([posted.status, posted.location]).toEqual([303, sentTo]);
  else expect(posted.status).toBe(200);
}

/** What a merchant's authorize URL asks of Alipay's OAuth page for the sandbox's default app. */
function consentQuery(sandbox: SandboxControls): URLSearchParams {
  return new URLSearchParams({ app_id: sandbox.defaultApp.appId, scope: 'auth_user', redirect_uri: 'https://shop.example/callback', state: 'st-1' });
}

/** Alipay's OAuth page on its own host, the agreement posted back there, and the code exchanged for the person's info. */
async function consent(call: Call, browser: Browser, sandbox: SandboxControls): Promise<void> {
  const userId = sandbox.admin.identities().identities[0]!.user_id;
  const query = consentQuery(sandbox);
  const page = await browser.open(`${OAUTH}/oauth2/publicAppAuthorize.htm?${query}`);
  expect(page.status).toBe(200);
  expect(page.html).toContain('action="/__sandbox/oauth2/authorize"');
  const agreed = await browser.post(`${OAUTH}/__sandbox/oauth2/authorize`, `${query}&user_id=${userId}&choice=agree`);
  expect(agreed.status).toBe(303);
  const redirect = new URL(agreed.location!);
  expect(redirect.searchParams.get('state')).toBe('st-1');
  const token = await call('alipay.system.oauth.token', { grant_type: 'authorization_code', code: redirect.searchParams.get('auth_code')! });
  expect(await call('alipay.user.info.share', { auth_token: token.access_token as string })).toMatchObject({ code: '10000', user_id: userId });
}

describe('the hosted pages through msw (setupServer and fetch)', () => {
  it('the H5 face check: certify_url is on https://openapi.alipay.com, its page passes the person', () => h5FaceCheck(mswCall(ALIPAY), mswBrowser, ALIPAY, 'INPROC-MSW-H5'));

  it("the H5 face check on Alipay's sandbox gateway: the link is on that origin", () => h5FaceCheck(mswCall(ALIPAY_SANDBOX), mswBrowser, ALIPAY_SANDBOX, 'INPROC-MSW-H5-SB'));

  it('the App face verification: web_url is on https://openapi.alipay.com, its page passes the person', () => appFaceVerification(mswCall(ALIPAY), mswBrowser, ALIPAY, 'INPROC-MSW-APP'));

  it('核身: verify_url is on https://openapi.alipay.com, its page passes the person', () => identityVerification(mswCall(ALIPAY), mswBrowser, ALIPAY, 'INPROC-MSW-VERIFY'));

  it('the consent page on the OAuth host', () => consent(mswCall(ALIPAY), mswBrowser, msw()));
});

describe('the hosted pages through the undici MockAgent (alipay-sdk)', () => {
  it('the H5 face check: certify_url is on https://openapi.alipay.com, its page passes the person', () => h5FaceCheck(undiciCall(), undiciBrowser, ALIPAY, 'INPROC-UNDICI-H5'));

  it('the App face verification: web_url is on https://openapi.alipay.com, its page passes the person', () => appFaceVerification(undiciCall(), undiciBrowser, ALIPAY, 'INPROC-UNDICI-APP'));

  it('核身: verify_url is on https://openapi.alipay.com, its page passes the person', () => identityVerification(undiciCall(), undiciBrowser, ALIPAY, 'INPROC-UNDICI-VERIFY'));

  it('the consent page on the OAuth host', () => consent(undiciCall(), undiciBrowser, agent()));
});

/** A HEAD of a page's link is answered as the HTTP server answers it: the GET's status and headers, the GET body's length, no body. */
async function headLikeGet(browser: Browser, url: string, status: number): Promise<void> {
  const page = await browser.open(url);
  expect(page.status).toBe(status);
  const head = await browser.head(url);
  expect(head).toEqual({ ...page, contentLength: String(Buffer.byteLength(page.html)), html: '' });
}

describe('a HEAD of a hosted page in-process', () => {
  const adapters: ReadonlyArray<[string, () => Call, Browser, () => SandboxControls]> = [
    ['msw', () => mswCall(ALIPAY), mswBrowser, msw],
    ['undici', undiciCall, undiciBrowser, agent],
  ];

  it.each(adapters)('%s: the certification page, the 核身 page and the consent page, and a link to nothing', async (name, call, browser, sandbox) => {
    const { certifyUrl } = await startH5FaceCheck(call(), `INPROC-HEAD-${name}`);
    await headLikeGet(browser, certifyUrl, 200);
    const { started } = await startVerification(call(), `INPROC-HEAD-${name}`);
    await headLikeGet(browser, started.verify_url as string, 200);
    await headLikeGet(browser, `${OAUTH}/oauth2/publicAppAuthorize.htm?${consentQuery(sandbox())}`, 200);
    await headLikeGet(browser, `${ALIPAY}/__sandbox/verifications/nope`, 404);
  });
});

describe('bad input to an in-process page', () => {
  const browsers: ReadonlyArray<[string, Browser]> = [['msw', mswBrowser], ['undici', undiciBrowser]];

  it.each(browsers)('%s: an undecodable link, an unknown id, a missing choice and an oversized form are 4xx pages', async (_name, browser) => {
    const undecodable = await browser.open(`${ALIPAY}/__sandbox/certifications/%E4`);
    expect([undecodable.status, undecodable.html]).toEqual([400, expect.stringContaining('not valid percent-encoding')]);
    expect((await browser.open(`${ALIPAY}/__sandbox/verifications/nope`)).status).toBe(404);
    expect((await browser.post(`${ALIPAY}/__sandbox/certifications/nope/complete`, 'choice=maybe')).status).toBe(400);
    expect((await browser.post(`${ALIPAY}/__sandbox/verifications/nope/complete`, `choice=pass&reason=${'x'.repeat(20_000)}`)).status).toBe(413);
  });

  it('a page path is not served on a host it does not belong to', async () => {
    await expect(dispatched(`${OAUTH}/__sandbox/certifications/abc`)).rejects.toThrow(/an Alipay address the sandbox does not answer/);
    await expect(dispatched(`${ALIPAY}/oauth2/publicAppAuthorize.htm`)).rejects.toThrow(/an Alipay address the sandbox does not answer/);
  });
});

it('never tried to connect to anything: every link and page was answered in-process', () => {
  expect(attemptedConnections).toEqual([]);
});
