/**
 * The pact interactions every method gets from its definition alone: its example answered with
 * success (over gateway.do and, where it has one, its OpenAPI v3 path) and its example answered with
 * each documented business error, the provider state naming the method's shipped per-code scenario.
 * Pure data: the consumer test (client-harness/gateway.pact.test.ts) turns them into Pact's terms.
 */
import { documentedError, examplePublicParameters, exampleRequest, openApiPath, type ApiMethodDefinition, type ErrorFields, type ResponseField } from '../mock-server/core/methods/index.js';

export interface InteractionState {
  readonly name: string;
  readonly params?: Readonly<Record<string, string>>;
}

export type InteractionAnswer =
  /** A success node carrying these fields (the required ones: Pact cannot say a field may be absent). */
  | { readonly kind: 'success'; readonly fields: Readonly<Record<string, ResponseField>> }
  | { readonly kind: 'refusal'; readonly error: ErrorFields }
  /** A page API's answer: HTML, refusals too (a browser is shown them), so the contract is its type. */
  | { readonly kind: 'page' };

export interface MethodInteraction {
  readonly description: string;
  readonly method: string;
  readonly state: InteractionState;
  /** gateway.do, or the method's OpenAPI v3 path. */
  readonly path: string;
  readonly httpMethod: 'GET' | 'POST';
  readonly request: Readonly<Record<string, string>>;
  /** Public parameters beside the protocol's own, in the URL (a call's auth_token); over v3 they are in request. */
  readonly publicParameters?: Readonly<Record<string, string>>;
  /** Where the request's parameters travel: biz_content, top-level form fields, or the v3 query or JSON body. */
  readonly parametersAt: 'biz_content' | 'top-level' | 'v3';
  /** The request field whose value the provider state supplies. */
  readonly injected?: string;
  /** The public parameters (auth_token) whose values the provider state supplies too. */
  readonly publicInjected?: readonly string[];
  /** The response node's key: <method>_response, or error_response where the method answers refusals there. */
  readonly nodeKey: string;
  /** A success node with code and msg (every method but those whose successes carry only their fields). */
  readonly successWithCode: boolean;
  readonly answer: InteractionAnswer;
}

const REGISTERED: InteractionState = { name: 'the app is registered' };

/** The fields every success carries. */
function requiredFields(definition: ApiMethodDefinition): Record<string, ResponseField> {
  return Object.fromEntries(Object.entries(definition.responseFields).filter(([, field]) => !field.optional));
}

/** A page API is opened by a browser (GET, parameters in the URL); an API is posted a form. */
export function gatewayMethod(definition: ApiMethodDefinition): 'GET' | 'POST' {
  return definition.page ? 'GET' : 'POST';
}

function nodeKey(definition: ApiMethodDefinition, refusal: boolean): string {
  return refusal && definition.envelope?.refusalsInErrorResponse ? 'error_response' : `${definition.name.replaceAll('.', '_')}_response`;
}

function base(definition: ApiMethodDefinition) {
  return {
    method: definition.name,
    path: '/gateway.do',
    httpMethod: gatewayMethod(definition),
    request: exampleRequest(definition),
    ...(definition.exampleCall?.publicParameters ? { publicParameters: examplePublicParameters(definition) } : {}),
    parametersAt: definition.parametersAt ?? 'biz_content',
    successWithCode: !definition.envelope?.successWithoutCode,
  } as const;
}

/**
 * The example answered with success: after the state that makes what it carries, where it needs one.
 * The state makes the public parameters too: a token is never a value a contract can hold.
 */
function successInteraction(definition: ApiMethodDefinition): MethodInteraction {
  const needs = definition.exampleCall?.needs;
  return {
    ...base(definition),
    description: `${definition.name}: its example, answered with success`,
    state: needs ? { name: needs.state, ...(needs.params ? { params: needs.params } : {}) } : REGISTERED,
    ...(needs ? { injected: needs.field } : {}),
    ...(needs && definition.exampleCall?.publicParameters ? { publicInjected: Object.keys(definition.exampleCall.publicParameters) } : {}),
    nodeKey: nodeKey(definition, false),
    answer: definition.page ? { kind: 'page' } : { kind: 'success', fields: requiredFields(definition) },
  };
}

/**
 * The example answered with each documented row. The scenario answers before the method looks at the
 * request, so the example needs no state of its own; sub_msg tells apart rows that share a code.
 */
function refusalInteractions(definition: ApiMethodDefinition): MethodInteraction[] {
  const rows = definition.businessErrors;
  return rows.map((row) => {
    const shared = rows.filter((r) => r.sub_code === row.sub_code).length > 1;
    return {
      ...base(definition),
      description: `${definition.name}: its example, answered with ${row.sub_code}${shared ? ` ${row.sub_msg}` : ''}`,
      state: { name: 'the API answers a business error', params: { method: definition.name, sub_code: row.sub_code, ...(shared ? { sub_msg: row.sub_msg } : {}) } },
      nodeKey: nodeKey(definition, true),
      answer: definition.page ? { kind: 'page' } : { kind: 'refusal', error: documentedError(row) },
    };
  });
}

/**
 * The example over the method's v3 path, with the HTTP method its definition gives; v3 has no public parameters apart from its query or body.
 * An upload method's example goes as a JSON body, without files: a pact's body is one JSON or form document, which
 * cannot carry the multipart form whose `data` part the signature covers, and the sandbox serves its v3 path a JSON
 * body too (face.source.certify's picture is optional; a method whose file is required would need this left out).
 * The multipart form itself is tested with the real alipay-sdk in test/methods/face-source-certify.test.ts.
 */
function openApiInteraction(definition: ApiMethodDefinition): MethodInteraction[] {
  if (!definition.openApi) return [];
  const success = successInteraction(definition);
  const { publicParameters, ...rest } = success;
  return [{ ...rest, description: `${definition.name} over OpenAPI v3: its example, answered with success`, path: openApiPath(definition.name), httpMethod: definition.openApi, parametersAt: 'v3', request: { ...success.request, ...publicParameters } }];
}

export function methodInteractions(definitions: readonly ApiMethodDefinition[]): MethodInteraction[] {
  return definitions.flatMap((d) => [successInteraction(d), ...refusalInteractions(d), ...openApiInteraction(d)]);
}
