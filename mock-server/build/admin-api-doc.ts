/**
 * docs/admin-api.md, generated from the admin route table (core/admin/admin-routes.ts): a fixed
 * introduction (who may call it, how a client reaches it), then each operation's verb, path, what it
 * takes and what it does, so that the page lists exactly the routes the router serves.
 */
import { adminRoutes, type AdminRoute, type ArgumentSource } from '../core/admin/admin-routes.js';
import { generatedHeader } from './generated-header.js';

export const ADMIN_API_DOC_FILE = 'docs/admin-api.md';

const INTRODUCTION = `# The admin API

The admin API is the developer's, not the web's: it answers only requests whose \`Host\` is a name the
sandbox is reached by (loopback names, this machine's own addresses, \`--host\`, and names given with
\`--admin-hosts\`), so a DNS-rebinding page is refused; and a browser may change nothing from another
origin (a write with a foreign \`Origin\`, even a "simple" \`text/plain\` form post, gets 403; curl and test
code send no \`Origin\` and are served). Bound beyond loopback (\`--host 0.0.0.0\`), \`serve\` prints a
warning and an admin token, and \`/__admin\` needs \`Authorization: Bearer <token>\` (\`--admin-token\` or
\`ALIPAY_SANDBOX_ADMIN_TOKEN\` to choose it; \`keys generate --register\` sends the variable's). gateway.do
stays open, as Alipay's is, and so do the hosted pages' own form posts. Every spelling of an admin path
(case, \`http://host/…\` targets, dot segments, escapes, doubled slashes) is read in one normal form that
both the guard and the router go by. An admin 2xx means the change is on disk (or in the \`--store\`),
however many writers there are at once. [security.md](security.md) lists these promises
with the test that keeps each.

Every operation below is one of the sandbox's admin core, which answers the same in-process
(\`sandbox.admin.moveClock({ advance_ms: 86400000 })\`, on any sandbox the package gives you) and over
HTTP from another process with the typed client (\`createAdminClient('http://127.0.0.1:8976', { token })\`
from \`alipay-gateway-sandbox\`; a refusal is an \`AdminClientError\` with the status and the message).
A refusal over HTTP is a 4xx whose JSON body has \`error\` (and \`path\`, for a scenario document, where in
it); 503 means the change could not be stored and nothing changed.

Besides these operations, \`GET /__admin/openapi.json\` describes them as OpenAPI 3.1 (for a client
generator or Swagger UI), and \`GET /__admin/requests/stream\` sends the request journal live as
server-sent events (\`event: request\`, one journal entry per event), which the web console at
\`/__admin/ui\` shows.
`;

type Schema = Readonly<Record<string, unknown>>;

const code = (text: string) => `\`${text}\``;

/** A property's line: its name, whether it is required, and what it is (its description, values or type). */
function propertyText(name: string, schema: Schema, required: boolean): string {
  const values = Array.isArray(schema.enum) ? `${schema.enum.map((value) => code(String(value))).join(' or ')}` : undefined;
  const only = schema.const === undefined ? undefined : `only ${code(JSON.stringify(schema.const))}`;
  // The type is said when nothing else is: a described member's type is in its description.
  const type = schema.description || values || only || typeof schema.type !== 'string' ? undefined : `a ${schema.type}`;
  const what = [schema.description as string | undefined, values, only, type, schema.default === undefined ? undefined : `default ${code(String(schema.default))}`].filter(Boolean).join('; ');
  return `${code(name)}${required ? ' (required)' : ''}${what ? `: ${what}` : ''}`;
}

function bodyText(body: Schema): string {
  // A described body (a scenario document, the journal criteria) is described whole; its members say no more.
  if (body.description || !body.properties) return `JSON body: ${String(body.description ?? 'an object')}`;
  const required = new Set((body.required ?? []) as string[]);
  const properties = Object.entries(body.properties as Record<string, Schema>);
  return ['JSON body:', ...properties.map(([name, schema]) => propertyText(name, schema, required.has(name)))].join('<br>');
}

function argumentText(source: ArgumentSource, route: AdminRoute): string | undefined {
  if (source.from === 'path') return `${code(`:${source.name}`)} in the path`;
  if (source.from === 'query') return source.names ? `query ${source.names.map((name) => code(`?${name}=`)).join(', ')}` : 'the criteria as query parameters';
  if (source.from === 'body' || source.from === 'body-member') return route.body ? bodyText(route.body) : 'a JSON body';
  return undefined; // 'route': the request's own name, for messages; nothing a caller sends
}

/** What the route takes; a body described once even when several arguments come from it. */
function inputText(route: AdminRoute): string {
  const parts = [...new Set(route.arguments.map((source) => argumentText(source, route)).filter((text): text is string => text !== undefined))];
  return parts.length ? parts.join('<br>') : 'nothing';
}

function answerText(route: AdminRoute): string {
  if (route.status === 204) return '204, no body';
  return `${route.status}, ${route.answers === 'text' ? 'text' : 'JSON'}`;
}

function requestText(route: AdminRoute): string {
  const aliases = route.aliases?.map((alias) => `<br>also ${code(`${route.verb} /__admin${alias}`)}`).join('') ?? '';
  return `${code(`${route.verb} /__admin${route.path}`)}${aliases}`;
}

// A | in a cell, even inside backticks, ends the cell unless escaped.
const cell = (text: string) => text.replaceAll('|', '\\|');

/** The routes grouped by their first path segment, in the table's order (the router's order splits them). */
function routesInGroups() {
  const routes = adminRoutes();
  const groups = [...new Set(routes.map((route) => route.path.split('/')[1]))];
  return [...routes].sort((a, b) => groups.indexOf(a.path.split('/')[1]) - groups.indexOf(b.path.split('/')[1]));
}

/** The whole page, `<!-- header -->` first. */
export function adminApiMarkdown(): string {
  const rows = routesInGroups().map((route) => `| ${[requestText(route), route.summary, inputText(route), answerText(route)].map(cell).join(' | ')} |`);
  return [
    `<!-- ${generatedHeader('npm run docs', import.meta.url)} -->`,
    INTRODUCTION,
    '## Operations',
    '',
    '| request | what it does | takes | answers |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
