/**
 * The reference client's request and result types (client-harness/api-types.ts), generated from the
 * definitions: the request from each biz_content schema, the result from its responseFields, so that
 * a method's shape is written once. `npm run docs` writes the file; a test fails when it drifts.
 */
import type { ApiMethodDefinition, ResponseField } from './api-method.js';

/** Where the generated file lives, relative to the package root. */
export const CLIENT_API_TYPES_FILE = 'client-harness/api-types.ts';

type SchemaNode = Readonly<Record<string, unknown>>;

const literal = (value: unknown): string => (typeof value === 'string' ? `'${value.replaceAll("'", "\\'")}'` : JSON.stringify(value));

/** A field name as a property key: bare where it can be. */
const key = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name));

/** The TypeScript type a JSON Schema node admits (the subset the pages' tables use). */
function schemaType(node: SchemaNode): string {
  if (Array.isArray(node.enum)) return node.enum.map(literal).join(' | ');
  if ('const' in node) return literal(node.const);
  if (Array.isArray(node.anyOf)) return node.anyOf.map((n) => schemaType(n as SchemaNode)).join(' | ');
  const types = Array.isArray(node.type) ? (node.type as string[]) : [node.type];
  return types
    .map((type) => {
      if (type === 'boolean') return 'boolean';
      if (type === 'number' || type === 'integer') return 'number';
      if (type === 'array') return `Array<${node.items ? schemaType(node.items as SchemaNode) : 'unknown'}>`;
      if (type === 'object') return node.properties ? objectType(node) : 'Record<string, unknown>';
      return 'string';
    })
    .join(' | ');
}

/** A type's members, each its line (or its comment and its line) at one indent. */
type Members = readonly string[];

const block = (members: Members, indent: string): string => (members.length ? `{\n${members.join('\n')}\n${indent}}` : 'Record<never, never>');

/** An object schema's properties as `name?: type`, each with its schema node. */
function properties(schema: SchemaNode): Array<{ readonly node: SchemaNode; readonly member: string }> {
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries((schema.properties ?? {}) as Record<string, SchemaNode>).map(([name, node]) => ({ node, member: `${key(name)}${required.has(name) ? '' : '?'}: ${schemaType(node)}` }));
}

/** An object schema's members, one a line at `indent` plus two, a JSON-text field with what its text holds. */
function schemaMembers(schema: SchemaNode, indent: string): Members {
  return properties(schema).map(({ node, member }) => {
    const line = `${indent}  ${member};`;
    return node.jsonString ? `${indent}  /** JSON text of ${schemaType(node.jsonString as SchemaNode)} */\n${line}` : line;
  });
}

/** An object schema as a TypeScript object type, inline: `{ a: string; b?: number }`. */
function objectType(schema: SchemaNode): string {
  const members = properties(schema).map(({ member }) => member);
  return members.length ? `{ ${members.join('; ')} }` : 'Record<never, never>';
}

function responseMembers(fields: Readonly<Record<string, ResponseField>>, indent: string): Members {
  return Object.entries(fields).map(([name, field]) => {
    const type = field.enum ? field.enum.map(literal).join(' | ') : field.fields ? block(responseMembers(field.fields, `${indent}  `), `${indent}  `) : field.type;
    return `${indent}  ${key(name)}${field.optional ? '?' : ''}: ${type};`;
  });
}

/** One method's request or response members. */
interface Shape {
  readonly method: string;
  readonly members: Members;
}

const INDENT = '    ';

const sameMembers = (a: Members, b: Members): boolean => a.length === b.length && a.every((member, i) => member === b[i]);
const begins = (longer: Members, shorter: Members): boolean => shorter.length < longer.length && shorter.every((member, i) => member === longer[i]);

/**
 * The type of shapes[index] as the file writes it, so that a shape of two members or more stands in the
 * file once: one the same as an earlier method's names that one (`AlipayApis['…']['response']`), one
 * that another's begins names that one and adds the rest; the others are spelled out.
 */
function shapeType(shapes: readonly Shape[], index: number, part: 'request' | 'response'): string {
  const { members } = shapes[index]!;
  const named = (method: string) => `AlipayApis[${literal(method)}][${literal(part)}]`;
  if (members.length < 2) return block(members, INDENT);
  const same = shapes.slice(0, index).find((other) => sameMembers(other.members, members));
  if (same) return named(same.method);
  const base = shapes
    .filter((other) => other.members.length >= 2 && begins(members, other.members))
    .reduce<Shape | undefined>((longest, other) => (longest && longest.members.length >= other.members.length ? longest : other), undefined);
  return base ? `${named(base.method)} & ${block(members.slice(base.members.length), INDENT)}` : block(members, INDENT);
}

function apiEntries(apis: readonly ApiMethodDefinition[]): string[] {
  const requests = apis.map((d) => ({ method: d.name, members: schemaMembers(d.bizContentSchema, INDENT) }));
  const responses = apis.map((d) => ({ method: d.name, members: responseMembers(d.responseFields, INDENT) }));
  return apis.map((definition, i) =>
    [
      `  ${literal(definition.name)}: {`,
      `    /** ${definition.title} */`,
      `    request: ${shapeType(requests, i, 'request')};`,
      `    response: ${shapeType(responses, i, 'response')};`,
      '  };',
    ].join('\n'),
  );
}

const union = (names: readonly string[]): string => (names.length ? names.map(literal).join(' | ') : 'never');

export function clientApiTypes(definitions: readonly ApiMethodDefinition[]): string {
  const apis = definitions.filter((d) => !d.page);
  const pages = definitions.filter((d) => d.page);
  const topLevel = apis.filter((d) => d.parametersAt === 'top-level').map((d) => d.name);
  const codeless = apis.filter((d) => d.envelope?.successWithoutCode).map((d) => d.name);
  const openApi = apis.filter((d) => d.openApi).map((d) => `  ${literal(d.name)}: ${literal(d.openApi)},`);
  const openApiQuery = apis.filter((d) => d.openApi && d.openApiQuery).map((d) => `  ${literal(d.name)}: [${d.openApiQuery!.map(literal).join(', ')}],`);
  return `/**
 * Generated by \`npm run docs\` from the method definitions (mock-server/core/methods/); edit those, not
 * this: a test fails when the two differ. The APIs the sandbox serves, typed as their pages define
 * them: request parameters in, response node out.
 */

export interface AlipayApis {
${apiEntries(apis).join('\n')}
}

/** The page APIs: the client builds a signed URL for the user's browser instead of calling. */
export interface AlipayPageApis {
${pages.map((d) => `  ${literal(d.name)}: ${objectType(d.bizContentSchema)};`).join('\n')}
}

export type ApiMethod = keyof AlipayApis;
export type PageMethod = keyof AlipayPageApis;

/** The methods whose parameters travel top-level, beside the public ones, rather than in biz_content. */
export const TOP_LEVEL_PARAMETER_METHODS: readonly ApiMethod[] = [${topLevel.map(literal).join(', ')}];

/** The methods whose success node carries only its fields, without code and msg. */
export type CodelessMethod = ${union(codeless)};

/** The methods with an OpenAPI v3 path (\`/v3/\` and the name with dots as slashes), and its HTTP method. */
export const OPENAPI_V3 = {
${openApi.join('\n')}
} as const satisfies Partial<Record<ApiMethod, 'POST' | 'GET'>>;
export type OpenApiMethod = keyof typeof OPENAPI_V3;

/** The parameters a v3 POST sends in its query rather than its JSON body, as Alipay's v3 SDKs do. */
export const OPENAPI_V3_QUERY: Partial<Record<OpenApiMethod, readonly string[]>> = {
${openApiQuery.join('\n')}
};

export type BizContentOf<M extends ApiMethod> = AlipayApis[M]['request'];
export type ResultOf<M extends ApiMethod> = M extends CodelessMethod ? AlipayApis[M]['response'] : AlipayApis[M]['response'] & { code: '10000'; msg: string };
`;
}
