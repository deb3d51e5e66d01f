/**
 * One route table builds the admin API: the router serves exactly what it lists (and what
 * /__admin/openapi.json describes), every operation of the admin core is in it once, and the client
 * calls each through it.
 */
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../../mock-server/core/admin/admin-client.js';
import { adminRoutes } from '../../mock-server/core/admin/admin-routes.js';
import { useSandbox } from '../support/sandbox-fixture.js';

const sandbox = useSandbox();
const operations = () => adminRoutes().map((route) => route.operation).sort();

interface OpenApiOperation {
  operationId: string;
  parameters: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

async function description(): Promise<{ openapi: string; paths: Record<string, Record<string, OpenApiOperation>> }> {
  const response = await fetch(`${sandbox().url}/__admin/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };
}

describe('the admin route table', () => {
  it('names every operation of the admin core once (settled, the in-process wait, is not a request)', () => {
    const core = Object.keys(sandbox().admin).filter((name) => name !== 'settled').sort();
    expect(operations()).toEqual(core);
    expect(new Set(operations()).size).toBe(core.length);
  });

  it('gives each verb and path to one operation', () => {
    const keys = adminRoutes().flatMap((route) => [route.path, ...(route.aliases ?? [])].map((path) => `${route.verb} ${path}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is what GET /__admin/openapi.json describes: each operation at its verb and path, with its path parameters', async () => {
    const { openapi, paths } = await description();
    expect(openapi).toBe('3.1.0');
    const described = Object.entries(paths).flatMap(([path, verbs]) => Object.entries(verbs).map(([verb, operation]) => ({ key: `${verb.toUpperCase()} ${path}`, operation })));
    expect(described.map((d) => d.operation.operationId).sort()).toEqual(operations());
    for (const route of adminRoutes()) {
      const path = `/__admin${route.path.replace(/:(\w+)/g, '{$1}')}`;
      const operation = paths[path]?.[route.verb.toLowerCase()];
      expect(operation?.operationId, `${route.verb} ${path}`).toBe(route.operation);
      expect(operation!.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual([...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]));
      expect(Object.keys(operation!.responses)).toContain(String(route.status));
      expect(operation!.requestBody !== undefined, `${route.operation} body`).toBe(route.body !== undefined);
    }
  });

  it('is what the router serves: every described verb and path reaches an operation (its refusal, not the catch-all 404)', async () => {
    const { paths } = await description();
    for (const [path, verbs] of Object.entries(paths)) {
      for (const verb of Object.keys(verbs)) {
        const url = sandbox().url + path.replace(/\{(\w+)\}/g, 'x');
        const response = await fetch(url, { method: verb.toUpperCase(), headers: { 'content-type': 'application/json' }, body: verb === 'get' || verb === 'delete' ? undefined : '{}' });
        const text = await response.text();
        expect(text, `${verb.toUpperCase()} ${path}`).not.toContain('nothing at');
        expect(response.status, `${verb.toUpperCase()} ${path}`).toBeLessThan(500);
      }
    }
    expect(await (await fetch(`${sandbox().url}/__admin/no-such-operation`)).text()).toContain('nothing at');
  });

  it('builds the client: one function per operation, each reaching its route', async () => {
    const client = createAdminClient(sandbox().url);
    expect(Object.keys(client).filter((name) => name !== 'settled').sort()).toEqual(operations());
    expect(await client.refusedRequests()).toEqual(sandbox().admin.refusedRequests());
    expect(await client.certifications({ status: 'pending' })).toEqual(sandbox().admin.certifications({ status: 'pending' }));
    expect(await client.appAuthTokens({ app_id: '2021000000000001' })).toEqual(sandbox().admin.appAuthTokens({ app_id: '2021000000000001' }));
  });
});
