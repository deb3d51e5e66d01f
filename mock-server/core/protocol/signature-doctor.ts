/**
 * Why a gateway.do signature did not verify, for x-sandbox-detail: Alipay's answer is the same whatever
 * the mistake, so the sandbox tries the mistakes integrations commonly make, in turn, and names the
 * first under which the sign verifies, with its fix. Runs only after a signature has failed: a correct
 * request never pays for it. gateway.do's sign string and OpenAPI v3's (reference §7) have their own
 * mistakes; the keys tried after them and the fallback are the same.
 */
import type { RegisteredApp } from '../apps/registered-app.js';
import { encodeText, type RequestCharset } from './charset.js';
import type { CoreCrypto, VerificationKey } from './core-crypto.js';
import type { SignType } from './public-parameters.js';
import { utf8Bytes } from './bytes.js';
import { openApiSignString, signStringBytes, type OpenApiSignParts, type RequestParameter } from './signature.js';

export interface FailedSignature {
  /** The parameters as sent, in the order sent, empty ones included. */
  readonly list: readonly RequestParameter[];
  readonly charset: RequestCharset;
  readonly signType: SignType;
  readonly sign: string;
  /** The app the request names. */
  readonly app: RegisteredApp;
  /** Every app the sandbox serves, the built-in test app among them. */
  readonly apps: readonly RegisteredApp[];
}

/** One mistake to try: the bytes it would have signed, how, with which key, and what to say if it verifies. */
interface Attempt {
  readonly content: Uint8Array;
  readonly signType: SignType;
  readonly key: VerificationKey;
  readonly finding: string;
}

/** Other apps' keys tried at most: each is an RSA verification, and the registry has no bound. */
const MAX_OTHER_APPS = 32;

type Pair = Pick<RequestParameter, 'name' | 'value'>;

const byName = (a: Pair, b: Pair) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const joined = (params: readonly Pair[]) => params.map((p) => `${p.name}=${p.value}`).join('&');
const notSign = (p: Pair) => p.name !== 'sign';
const notEmpty = (p: Pair) => p.value !== '';

/** The gateway's own sign string with one change made to its parameters before they are sorted and joined. */
function variantText(list: readonly Pair[], change: (params: Pair[]) => Pair[]): string {
  return joined(change(list.filter(notSign).filter(notEmpty)).sort(byName));
}

const SIGN_HASH: Readonly<Record<SignType, string>> = { RSA2: 'SHA256withRSA', RSA: 'SHA1withRSA' };
const OTHER_SIGN_TYPE: Readonly<Record<SignType, SignType>> = { RSA2: 'RSA', RSA: 'RSA2' };

/** Characters each encoder leaves as they are: encodeURIComponent's, and a form encoder's (Java's URLEncoder, URLSearchParams). */
const URL_ENCODERS = [
  { name: 'encodeURIComponent', unreserved: /[A-Za-z0-9\-_.!~*'()]/, spaceAsPlus: false },
  { name: 'form encoding', unreserved: /[A-Za-z0-9\-_.*]/, spaceAsPlus: true },
] as const;

function percentEncoded(value: string, charset: RequestCharset, encoder: (typeof URL_ENCODERS)[number]): string {
  let out = '';
  for (const byte of encodeText(value, charset)) {
    const char = String.fromCharCode(byte);
    if (encoder.unreserved.test(char)) out += char;
    else if (byte === 0x20 && encoder.spaceAsPlus) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Non-ASCII characters as JSON \u escapes, as Python's json.dumps and fastjson's browser-compatible mode write them. */
function asciiEscaped(json: string): string {
  return json.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function compactJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** JSON text (biz_content, a v3 body) in the forms a client may have signed instead of the text it sent, each with its description. */
function jsonForms(sent: string): { readonly text: string; readonly form: string }[] {
  const compact = compactJson(sent);
  const forms = [
    { text: compact, form: 'compact JSON re-serialised from its value' },
    { text: asciiEscaped(sent), form: 'JSON with its non-ASCII characters as \\u escapes' },
    { text: compact === undefined ? undefined : asciiEscaped(compact), form: 'compact JSON with \\u escapes' },
  ];
  return forms.filter((f): f is { text: string; form: string } => f.text !== undefined && f.text !== sent);
}

/** The sign strings of the common mistakes in building it, in the order they are tried. */
function* signStringMistakes(failed: FailedSignature): Generator<{ readonly text: string; readonly finding: string }> {
  const { list, charset } = failed;
  for (const encoder of URL_ENCODERS) {
    yield {
      text: variantText(list, (params) => params.map((p) => ({ name: p.name, value: percentEncoded(p.value, charset, encoder) }))),
      finding: `the sign string was built from URL-encoded values (${encoder.name}); sign the raw values and URL-encode only the request you send`,
    };
  }
  yield {
    text: variantText(list, (params) => params.filter((p) => p.name !== 'sign_type')),
    finding: 'the sign string leaves out sign_type; keep sign_type in it and leave out only sign (async notifications are the ones that drop sign_type)',
  };
  // A sign string cannot hold its own sign: what does happen is a sign parameter still empty when the string is built.
  yield {
    text: variantText(list, (params) => [...params, { name: 'sign', value: '' }]),
    finding: 'the sign string includes sign (empty, as it was before signing); leave sign out of the string you sign',
  };
  const empty = list.filter((p) => notSign(p) && !notEmpty(p)).map((p) => p.name);
  if (empty.length > 0) {
    yield {
      text: joined(list.filter(notSign).sort(byName)),
      finding: `the sign string keeps the empty parameters (${empty.join(', ')}), as alipay-sdk for Node does; Alipay drops empty values, so leave them out of the sign string or do not send them`,
    };
  }
  yield { text: joined(list.filter(notSign).filter(notEmpty)), finding: 'the sign string has the parameters in the order sent, not sorted; sort them by name in ASCII order' };
  const bizContent = list.find((p) => p.name === 'biz_content')?.value;
  for (const { text, form } of bizContent ? jsonForms(bizContent) : []) {
    yield {
      text: variantText(list, (params) => params.map((p) => (p.name === 'biz_content' ? { name: p.name, value: text } : p))),
      finding: `biz_content was signed as ${form}, not as the text sent; sign exactly the biz_content string you send`,
    };
  }
}

const CHARSET_NAME: Readonly<Record<RequestCharset, string>> = { 'utf-8': 'UTF-8', gbk: 'GBK' };

function otherAppFinding(other: RegisteredApp, app: RegisteredApp): string {
  const whose = other.builtIn ? `the sandbox's default test app's private key (app ${other.appId})` : `app ${other.appId}'s private key`;
  return `the sign was made with ${whose}, not app ${app.appId}'s; sign with the private key of the app named in app_id`;
}

/** Every mistake to try, lazily: the sign strings are built only until one verifies. */
function* attempts(failed: FailedSignature): Generator<Attempt> {
  const { app, signType, charset, list } = failed;
  const signed = signStringBytes(list);
  const other = OTHER_SIGN_TYPE[signType];
  yield {
    content: signed,
    signType: other,
    key: app.publicKey,
    finding: `the sign is ${SIGN_HASH[other]} (sign_type ${other}), but the request says sign_type ${signType}; sign with ${SIGN_HASH[signType]}, as ${signType} means`,
  };
  for (const mistake of signStringMistakes(failed)) yield { content: encodeText(mistake.text, charset), signType, key: app.publicKey, finding: mistake.finding };
  const text = joined(list.filter(notSign).filter(notEmpty).sort(byName));
  if (/[^\x00-\x7f]/.test(text)) {
    const otherCharset: RequestCharset = charset === 'utf-8' ? 'gbk' : 'utf-8';
    yield {
      content: encodeText(text, otherCharset),
      signType,
      key: app.publicKey,
      finding: `the sign string was signed as ${CHARSET_NAME[otherCharset]} bytes, but the request says charset=${charset}; sign the string's ${CHARSET_NAME[charset]} bytes, the charset the request declares`,
    };
  }
  yield* otherAppAttempts(signed, signType, app, failed.apps);
}

/** The right content signed with another app's key: another registered app's, or the default test app's. */
function* otherAppAttempts(content: Uint8Array, signType: SignType, app: RegisteredApp, apps: readonly RegisteredApp[]): Generator<Attempt> {
  const others = apps.filter((a) => a.appId !== app.appId).slice(0, MAX_OTHER_APPS);
  for (const a of others) yield { content, signType, key: a.publicKey, finding: otherAppFinding(a, app) };
}

/**
 * The fallback: no common mistake explains the sign. Either the parameters were changed after signing
 * (nothing can tell that apart from another key) or the key is not the registered one: the key's
 * fingerprint, as the platform computes it, is what to compare.
 */
function unknownKeyFinding(app: RegisteredApp, crypto: CoreCrypto): string {
  const read = crypto.readPublicKey(app.publicKeyPem);
  const fingerprint = 'fingerprint' in read ? ` has SPKI SHA-256 fingerprint ${read.fingerprint}` : '';
  return (
    `no common mistake explains the sign: the parameters differ from what was signed, or it was made with a key the sandbox does not know; app ${app.appId}'s registered public key${fingerprint}: ` +
    "compare it with your private key's (openssl pkey -in key.pem -pubout -outform DER | openssl dgst -sha256), and register the matching public key"
  );
}

/** The first common mistake under which the sign verifies, or the fingerprint of the key it should have been made with. */
export function diagnoseSignature(failed: FailedSignature, crypto: CoreCrypto): string {
  return firstFinding(attempts(failed), failed.sign, failed.app, crypto);
}

function firstFinding(tried: Iterable<Attempt>, sign: string, app: RegisteredApp, crypto: CoreCrypto): string {
  for (const attempt of tried) {
    if (crypto.verify(attempt.content, sign, attempt.signType, attempt.key)) return attempt.finding;
  }
  return unknownKeyFinding(app, crypto);
}

/** A v3 request whose Authorization sign did not verify: the parts of its sign string as received. */
export interface FailedOpenApiSignature extends OpenApiSignParts {
  readonly sign: string;
  readonly app: RegisteredApp;
  readonly apps: readonly RegisteredApp[];
}

/** Percent-decoding, undefined for a malformed escape; `plusAsSpace` as a form decoder reads a query. */
function urlDecoded(text: string, plusAsSpace: boolean): string | undefined {
  try {
    return decodeURIComponent(plusAsSpace ? text.replaceAll('+', ' ') : text);
  } catch {
    return undefined;
  }
}

/** The path with its query's names and values decoded and encoded again with `encoder`. */
function reencodedUrl(url: string, encoder: (typeof URL_ENCODERS)[number]): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const pairs: string[] = [];
  for (const pair of url.slice(at + 1).split('&')) {
    const parts = pair.split('=').map((part) => urlDecoded(part, true));
    if (parts.some((part) => part === undefined)) return undefined;
    pairs.push(parts.map((part) => percentEncoded(part!, 'utf-8', encoder)).join('='));
  }
  return `${url.slice(0, at)}?${pairs.join('&')}`;
}

/** Where a client that signs an app auth token line may have put the token instead of the header. */
function misplacedAppAuthToken(failed: FailedOpenApiSignature): string | undefined {
  const at = failed.url.indexOf('?');
  const inQuery = at < 0 ? null : new URLSearchParams(failed.url.slice(at + 1)).get('app_auth_token');
  if (inQuery) return inQuery;
  try {
    const body: unknown = JSON.parse(failed.body);
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).app_auth_token : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

const SIGN_AS_SENT = 'sign the path and query exactly as in the request line (build the URL once and use it for both)';

/** The v3 sign strings of the common mistakes in building it, in the order they are tried. */
function* openApiSignStringMistakes(failed: FailedOpenApiSignature): Generator<{ readonly text: string; readonly finding: string }> {
  const sent: OpenApiSignParts = { authString: failed.authString, httpMethod: failed.httpMethod, url: failed.url, body: failed.body, appAuthToken: failed.appAuthToken };
  const withChange = (change: Partial<OpenApiSignParts>) => openApiSignString({ ...sent, ...change });
  const expected = openApiSignString(sent);
  const { url, body, appAuthToken } = sent;
  const at = url.indexOf('?');
  if (at >= 0) {
    yield { text: withChange({ url: url.slice(0, at) }), finding: `the sign string's path leaves out the query (${url.slice(at)}); ${SIGN_AS_SENT}` };
  }
  const decodings = [
    { text: urlDecoded(url, false), how: 'URL-decoded' },
    { text: at < 0 ? undefined : ((query) => (query === undefined ? undefined : url.slice(0, at + 1) + query))(urlDecoded(url.slice(at + 1), true)), how: "URL-decoded (a query's + read as a space)" },
  ];
  for (const { text, how } of decodings) {
    if (text !== undefined) yield { text: withChange({ url: text }), finding: `the path and query were signed ${how}, not as sent; ${SIGN_AS_SENT}` };
  }
  for (const encoder of URL_ENCODERS) {
    const text = reencodedUrl(url, encoder);
    if (text !== undefined) yield { text: withChange({ url: text }), finding: `the query was signed encoded another way (${encoder.name}) than sent; ${SIGN_AS_SENT}` };
  }
  yield { text: expected.slice(0, -1), finding: 'the sign string has no newline after its last line; end every line with \\n, the last one included' };
  for (const { text, form } of jsonForms(body)) {
    yield { text: withChange({ body: text }), finding: `the body was signed as ${form}, not as the text sent; sign exactly the body you send` };
  }
  if (body !== '') {
    const leftOut = 'the sign string leaves out the body; sign the body exactly as sent, on the line after the path (an empty line only when there is no body)';
    yield { text: withChange({ body: '' }), finding: leftOut };
    yield { text: expected.replace(`\n${body}\n`, '\n'), finding: leftOut };
  }
  if (appAuthToken) {
    yield {
      text: withChange({ appAuthToken: undefined }),
      finding: 'the request sends alipay-app-auth-token but the sign string has no line for it; add the token and \\n after the body line whenever you send that header',
    };
  } else {
    const misplaced = misplacedAppAuthToken(failed);
    if (misplaced !== undefined) {
      yield {
        text: withChange({ appAuthToken: misplaced }),
        finding: 'the sign string has an app auth token line, but the request sends no alipay-app-auth-token header (the token is in the query or body); send the token in the alipay-app-auth-token header, or leave its line out',
      };
    }
    yield { text: `${expected}\n`, finding: 'the sign string ends with an empty app auth token line, but the request sends no alipay-app-auth-token header; add that line only with the header' };
  }
}

/** Every v3 mistake to try, lazily, each sign string once. */
function* openApiAttempts(failed: FailedOpenApiSignature): Generator<Attempt> {
  const expected = utf8Bytes(openApiSignString(failed));
  const { app } = failed;
  const tried = new Set<string>([openApiSignString(failed)]);
  for (const mistake of openApiSignStringMistakes(failed)) {
    if (tried.has(mistake.text)) continue;
    tried.add(mistake.text);
    yield { content: utf8Bytes(mistake.text), signType: 'RSA2', key: app.publicKey, finding: mistake.finding };
  }
  yield {
    content: expected,
    signType: 'RSA',
    key: app.publicKey,
    finding: 'the sign is SHA1withRSA; v3 takes SHA256withRSA only (the ALIPAY-SHA256withRSA scheme): sign with SHA256withRSA',
  };
  yield* otherAppAttempts(expected, 'RSA2', app, failed.apps);
}

/** The first common v3 mistake under which the sign verifies, or the fingerprint of the key it should have been made with. */
export function diagnoseOpenApiSignature(failed: FailedOpenApiSignature, crypto: CoreCrypto): string {
  return firstFinding(openApiAttempts(failed), failed.sign, failed.app, crypto);
}
