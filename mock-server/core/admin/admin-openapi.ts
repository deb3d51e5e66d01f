/**
 * The admin API described as OpenAPI 3.1, from the route table (admin-routes.ts): what
 * GET /__admin/openapi.json serves, for a client generator or a look in Swagger UI.
 */
import { adminRoutes, type AdminRoute, type ArgumentSource } from './admin-routes.js';

type Json = Record<string, unknown>;

const REFUSAL = {
  description: 'refused: the body says what to send',
  content: { 'application/json': { schema: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, path: { type: 'string', description: 'where in a scenario document' } } } } },
};

/** `/apps/:app_id` → `/__admin/apps/{app_id}`. */
function openApiPath(path: string): string {
  return `/__admin${path.replace(/:(\w+)/g, '{$1}')}`;
}

function parametersOf(route: AdminRoute): Json[] {
  return route.arguments.flatMap((source: ArgumentSource): Json[] => {
    if (source.from === 'path') return [{ name: source.name, in: 'path', required: true, schema: { type: source.integer ? 'integer' : 'string' } }];
    if (source.from === 'query') return (source.names ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
    return [];
  });
}

function requestBodyOf(route: AdminRoute): Json | undefined {
  if (!route.body) return undefined;
  const schema = route.body;
  // Scenario documents are taken as YAML text too, exactly as a scenario file holds them.
  const yaml = Array.isArray(schema.type) && schema.type.includes('string') ? { 'text/yaml': { schema: { type: 'string' } } } : {};
  return { required: route.arguments.some((source) => source.from === 'body'), content: { 'application/json': { schema }, ...yaml } };
}

function answerOf(route: AdminRoute): Json {
  if (route.status === 204) return { description: 'done' };
  const type = route.answers === 'text' ? 'text/plain' : 'application/json';
  return { description: route.summary, content: { [type]: { schema: route.answers === 'text' ? { type: 'string' } : { type: 'object' } } } };
}

function operationOf(route: AdminRoute & { operation: string }): Json {
  const requestBody = requestBodyOf(route);
  return {
    operationId: route.operation,
    summary: route.summary,
    ...(route.aliases ? { description: `also at ${route.aliases.map((alias) => openApiPath(alias)).join(', ')}` } : {}),
    parameters: parametersOf(route),
    ...(requestBody ? { requestBody } : {}),
    responses: { [String(route.status)]: answerOf(route), '4XX': REFUSAL, '503': { description: 'the change could not be stored: nothing was changed, retry' } },
  };
}

export function adminOpenApi(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of adminRoutes()) {
    const key = openApiPath(route.path);
    paths[key] = { ...paths[key], [route.verb.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Alipay gateway sandbox: admin API', version: '1' },
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'needed when the sandbox is bound beyond loopback (--admin-token)' } } },
    security: [{}, { adminToken: [] }],
    paths,
  };
}
