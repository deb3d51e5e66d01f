/**
 * What an Alipay API method is to the sandbox: data taken from its documentation page (the
 * biz_content schema, the documented business codes) plus a small handler. Methods know nothing of
 * HTTP; the engine hands them validated biz_content and turns their outcome into an envelope.
 */
import type { Membership } from '../identity/membership.js';
import type { UploadRule } from '../protocol/file-uploads.js';
import type { UploadedFile } from '../protocol/multipart-form.js';
import type { ErrorFields } from '../protocol/public-errors.js';
import type { SandboxStore } from '../state/sandbox-store.js';

/** One row of a page's 业务错误码 table, verbatim. */
export interface DocumentedBusinessError {
  /**
   * The code these rows are answered with: 40004 Business Failed on most pages; the OAuth pages'
   * isv.* codes come as 40002 Invalid Arguments, and the token errors of a call with auth_token
   * (alipay.user.info.share) as 20001 Insufficient Token Permissions; a token whose grant does not
   * cover the API as 40006 Insufficient Permissions; a listed isp.* code as 20000 Service Currently Unavailable.
   */
  readonly code?: '20000' | '20001' | '40002' | '40004' | '40006';
  readonly sub_code: string;
  readonly sub_msg: string;
  readonly solution: string;
}

/** Which schema failures a rule answers: a field absent or empty, or any other failure of it. */
export type FailureKind = 'missing' | 'invalid' | 'any';

export interface SchemaFailureRule {
  /** A dotted path ("cert_no", "identity_param.certNo"), a prefix ending in ".*", or "*" for every field. */
  readonly field: string;
  readonly on: FailureKind;
  readonly subCode: string;
  readonly subMsg?: string;
}

/**
 * A refused call: the node Alipay would answer (sub_msg verbatim from the page) and, separately, what
 * the sandbox knows about why, for the caller's eyes in the log and the x-sandbox-detail header.
 */
export interface Refusal {
  readonly error: ErrorFields;
  readonly detail: string;
}

/** One field of a success node, as the page's 响应参数 table types it. */
export interface ResponseField {
  readonly type: 'string' | 'boolean' | 'number' | 'object';
  /** The only values Alipay answers with, where the page lists them. */
  readonly enum?: readonly string[];
  /** An object's own fields (a JSON object in the answer, such as meta_info), typed alike. */
  readonly fields?: Readonly<Record<string, ResponseField>>;
  /** Absent from some successes (the page marks it optional, or it comes only in some states). */
  readonly optional?: true;
}

/** The usual response field: a string that every success carries. */
export const textField: ResponseField = { type: 'string' };

/** A string that some successes leave out (the page marks it optional, or it comes only in some states). */
export const optionalTextField: ResponseField = { type: 'string', optional: true };

/**
 * What a call of the method needs first, where it carries an id that another step makes (a query's
 * certify_id, an OAuth code): the provider state, in the contract kit's words, that makes it, and the
 * field the state's value goes in.
 */
export interface ExamplePrerequisite {
  readonly state: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly field: string;
}

/**
 * The method's example as the derived smoke check, contract and provider states send it. The page's
 * example is the start; the pages' ID numbers are no real ones, so a call the sandbox answers with
 * success needs a few fields put right.
 */
export interface ExampleCall {
  /** The request where the page shows none (the sibling methods without a seed page). */
  readonly request?: Readonly<Record<string, string>>;
  /** Fields in place of the page's: a real resident ID number where the page's cannot be one. */
  readonly corrections?: Readonly<Record<string, string>>;
  /** The order number a run makes its own (Alipay answers an order once); the first is the order. */
  readonly unique?: readonly string[];
  /**
   * Public parameters the call sends beside biz_content, in the URL as Alipay's SDKs send them (the
   * auth_token of a call made for a person). Where the call needs a state, the state makes these too.
   */
  readonly publicParameters?: Readonly<Record<string, string>>;
  readonly needs?: ExamplePrerequisite;
}

export interface MethodContext {
  /** Whose state the call reads and writes: the caller's app_id, or the merchant app of its app_auth_token. */
  readonly appId: string;
  /** The business clock (moved by POST /__admin/clock), for expiry and dates in ids. */
  readonly nowMs: number;
  readonly state: SandboxStore;
  /** Whether every well-formed identity is an Alipay member, or only the people the sandbox knows. */
  readonly membership: Membership;
  /** The request's other parameters (return_url, notify_url, ...), decoded. */
  readonly parameters: Readonly<Record<string, string>>;
  /**
   * Where the client reached the sandbox (scheme, host and port), where the adapter knows it: a link a
   * method hands out (a certify_url) points there.
   */
  readonly origin?: string;
  /**
   * The files a multipart/form-data request uploaded, by part name: only those the definition's uploads
   * name, each within its bound. Absent when the request uploaded none.
   */
  readonly files?: Readonly<Record<string, UploadedFile>>;
}

export type MethodOutcome =
  | { readonly kind: 'success'; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly kind: 'page'; readonly html: string }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

export interface ApiMethodDefinition<BizContent = Record<string, unknown>> {
  /** The `method` parameter, e.g. alipay.user.certify.open.initialize. */
  readonly name: string;
  /** The page's title, e.g. 身份认证初始化服务. */
  readonly title: string;
  /**
   * JSON Schema of biz_content from the page's 请求参数 table. Fields that hold JSON text carry a
   * `jsonString` keyword with the schema of what they hold.
   */
  readonly bizContentSchema: Readonly<Record<string, unknown>>;
  /**
   * Where the 请求参数 travel: inside biz_content (most APIs), or as top-level parameters beside the
   * public ones (alipay.system.oauth.token's grant_type and code). The schema reads them alike.
   */
  readonly parametersAt?: 'biz_content' | 'top-level';
  /**
   * The HTTP method of its OpenAPI v3 path (`/v3/` and the name with dots as slashes), where Alipay's
   * v3 SDKs list one; none otherwise.
   */
  readonly openApi?: 'POST' | 'GET';
  /**
   * The parameters its v3 POST takes in the query rather than the JSON body, where Alipay's v3 SDKs send
   * them there (alipay.user.info.share's auth_token).
   */
  readonly openApiQuery?: readonly string[];
  /** How this method's answers differ from the usual envelope, as Alipay's own SDK samples show. */
  readonly envelope?: {
    /** Refusals come in error_response rather than the method's own response node. */
    readonly refusalsInErrorResponse?: true;
    /** A success node carries only its fields, without code and msg. */
    readonly successWithoutCode?: true;
  };
  readonly businessErrors: readonly DocumentedBusinessError[];
  /** The page's own biz_content example, verbatim (for the seed pages): tests send it as the page shows it. */
  readonly pageExample?: Readonly<Record<string, string>>;
  /** How the example is sent by what is derived from the definitions (smoke check, pact, provider states). */
  readonly exampleCall?: ExampleCall;
  /**
   * The kinds of record it keeps beyond the store's own people, grants and certifications (declared
   * with recordKind in its file; the store keeps them without knowing them).
   */
  readonly keeps?: readonly { readonly name: string }[];
  /** Where biz_content carries the person's resident ID number (a dotted path): what magic identities match on. */
  readonly identityField?: string;
  /**
   * The page's 响应参数 table: the fields a success carries and their types (scenarios may override
   * only these; the reference client's result types are generated from them).
   */
  readonly responseFields: Readonly<Record<string, ResponseField>>;
  /**
   * A page API (…certify): the client sends the user's browser to gateway.do, and the answer is an
   * HTML page rather than a JSON envelope; errors too are shown as a page.
   */
  readonly page?: true;
  /**
   * Which schema failures the page answers with which of its codes (the registry builds the mapping;
   * a failure no rule fits gets a public isv.invalid-parameter naming the field).
   */
  readonly schemaFailureRules: readonly SchemaFailureRule[];
  /**
   * The page's file parameters (a FileItem in Alipay's Java SDK, sent as a multipart/form-data part with
   * a filename), each with the page's bound. Any other file part is refused, and so is one of these sent
   * as a text parameter.
   */
  readonly uploads?: Readonly<Record<string, UploadRule>>;
  handle(bizContent: BizContent, context: MethodContext): MethodOutcome;
}

/** The OpenAPI v3 path of a method: `/v3/` and its name with dots as slashes. */
export function openApiPath(methodName: string): string {
  return `/v3/${methodName.replaceAll('.', '/')}`;
}

/** Lets definitions be typed by their own biz_content while the registry holds them all alike. */
export function defineApiMethod<BizContent>(definition: ApiMethodDefinition<BizContent>): ApiMethodDefinition {
  return definition as unknown as ApiMethodDefinition;
}

export function success(fields: Readonly<Record<string, unknown>>): MethodOutcome {
  return { kind: 'success', fields };
}

export function page(html: string): MethodOutcome {
  return { kind: 'page', html };
}

export function refused(refusal: Refusal): MethodOutcome {
  return { kind: 'refused', refusal };
}
