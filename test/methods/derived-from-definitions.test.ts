/**
 * A method is its definition plus its registry line: everything else about it is derived. A throwaway
 * definition, built here and registered nowhere else, turns up in every derived output (dispatch, the
 * smoke set, the pact interactions and the provider states they name, the README's method table, the
 * per-code scenarios, the client's types); and what the real list derives is what is committed.
 */
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { methodInteractions } from '../../contracts/method-interactions.js';
import { businessErrorScenario, everywhereScenario, PROVIDER_STATE_NAMES, providerStates } from '../../contracts/provider-states.js';
import { defineApiMethod, openApiPath, success, textField, type ApiMethodDefinition } from '../../mock-server/core/methods/api-method.js';
import { clientApiTypes } from '../../mock-server/core/methods/client-api-types.js';
import { exampleRequest, smokeCalls } from '../../mock-server/core/methods/method-examples.js';
import { createMethodRegistry, SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { methodTableMarkdown } from '../../mock-server/core/methods/method-table.js';
import { businessErrorScenarios } from '../../mock-server/core/scenarios/business-error-scenarios.js';

const NAME = 'alipay.sandbox.throwaway.apply';

const throwaway = defineApiMethod<{ order_no: string; kind?: 'A' | 'B' }>({
  name: NAME,
  title: '一次性测试接口',
  openApi: 'GET',
  bizContentSchema: {
    type: 'object',
    required: ['order_no'],
    properties: { order_no: { type: 'string', minLength: 1, maxLength: 32 }, kind: { type: 'string', enum: ['A', 'B'] } },
  },
  businessErrors: [
    { sub_code: 'THROWAWAY_FULL', sub_msg: '名额已满', solution: '稍后再试' },
    { code: '40002', sub_code: 'isv.throwaway-invalid', sub_msg: '参数无效', solution: '检查参数' },
  ],
  pageExample: { order_no: 'T201901010001', kind: 'A' },
  exampleCall: { unique: ['order_no'] },
  responseFields: { record_id: textField, score: { type: 'number', optional: true } },
  schemaFailureRules: [{ field: '*', on: 'any', subCode: 'isv.throwaway-invalid' }],
  handle: () => success({ record_id: 'R0001' }),
});

/** A page sibling that opens the throwaway's record: a prerequisite of its own, and a GET. */
const throwawayPage: ApiMethodDefinition = {
  ...throwaway,
  name: 'alipay.sandbox.throwaway.page',
  title: '一次性测试页面',
  page: true,
  openApi: undefined,
  pageExample: undefined,
  exampleCall: { request: { order_no: 'T201901010001' }, needs: { state: 'a certification was started', params: { flow: 'certify-open', order_no: 'T1' }, field: 'order_no' } },
  responseFields: {},
};

const WITH_THROWAWAY = [...SUPPORTED_METHODS, throwaway, throwawayPage];

describe('a throwaway definition, registered nowhere but in the list handed over', () => {
  it('is dispatched: the registry holds it, its v3 path from its name', () => {
    const registry = createMethodRegistry(WITH_THROWAWAY);
    expect(registry.get(NAME)?.definition).toBe(throwaway);
    expect(registry.get(NAME)?.parameterNames).toEqual(['order_no', 'kind']);
    expect(openApiPath(NAME)).toBe('/v3/alipay/sandbox/throwaway/apply');
  });

  it('is smoke-checked with its page example, its order number this run\'s own; a page API is not', () => {
    const calls = smokeCalls(WITH_THROWAWAY, 'RUN1');
    expect(calls.filter((c) => c.method === NAME)).toEqual([{ method: NAME, request: { order_no: 'SMOKERUN1', kind: 'A' } }]);
    expect(calls.map((c) => c.method)).not.toContain(throwawayPage.name);
  });

  it('has pact interactions: success from its example (gateway.do POST and v3 GET), and one per documented business error', () => {
    const interactions = methodInteractions(WITH_THROWAWAY).filter((i) => i.method === NAME);
    expect(interactions.map((i) => [i.description, i.path, i.httpMethod])).toEqual([
      [`${NAME}: its example, answered with success`, '/gateway.do', 'POST'],
      [`${NAME}: its example, answered with THROWAWAY_FULL`, '/gateway.do', 'POST'],
      [`${NAME}: its example, answered with isv.throwaway-invalid`, '/gateway.do', 'POST'],
      [`${NAME} over OpenAPI v3: its example, answered with success`, openApiPath(NAME), 'GET'],
    ]);
    expect(interactions[0]).toMatchObject({ request: { order_no: 'T201901010001', kind: 'A' }, answer: { kind: 'success', fields: { record_id: textField } } });
    expect(interactions[2]?.answer).toEqual({ kind: 'refusal', error: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.throwaway-invalid', sub_msg: '参数无效' } });
  });

  it('a page sibling is opened with GET, after the state its example needs, that state\'s value injected', () => {
    const [opened] = methodInteractions([throwawayPage]);
    expect(opened).toMatchObject({ httpMethod: 'GET', path: '/gateway.do', injected: 'order_no', state: { name: 'a certification was started' }, answer: { kind: 'page' } });
  });

  it('names provider states the sandbox sets up: each business code\'s state sets the method\'s shipped per-code scenario', () => {
    const states = methodInteractions([throwaway, throwawayPage]).map((interaction) => interaction.state);
    for (const state of states) expect(PROVIDER_STATE_NAMES).toContain(state.name);
    const full = states.find((s) => s.params?.sub_code === 'THROWAWAY_FULL')!;
    const shipped = businessErrorScenarios([throwaway]).find((f) => f.path === `business-errors/${NAME}/THROWAWAY_FULL.yaml`)!;
    expect(businessErrorScenario(WITH_THROWAWAY, full.params!)).toEqual(parseYaml(shipped.text));
    expect(everywhereScenario(WITH_THROWAWAY, 'THROWAWAY_FULL')).toEqual({ rules: [{ match: { method: { one_of: [NAME, throwawayPage.name] } }, outcome: { business_error: 'THROWAWAY_FULL' } }] });
    expect(Object.keys(providerStates(WITH_THROWAWAY))).toEqual(PROVIDER_STATE_NAMES);
  });

  it('fails at load when its example needs a state the sandbox cannot set up', () => {
    const needy = { ...throwaway, exampleCall: { needs: { state: 'the moon is full', field: 'order_no' } } };
    expect(() => providerStates([...SUPPORTED_METHODS, needy])).toThrow(`${NAME} needs the provider state "the moon is full", which the sandbox cannot set up`);
  });

  it('is a row of the README\'s method table, with its codes', () => {
    const table = methodTableMarkdown(WITH_THROWAWAY);
    expect(table).toContain(`| \`${NAME}\` | 一次性测试接口 | \`GET ${openApiPath(NAME)}\` | \`THROWAWAY_FULL\` 名额已满<br>40002 \`isv.throwaway-invalid\` 参数无效 |`);
  });

  it('has a shipped scenario per business code', () => {
    const paths = businessErrorScenarios(WITH_THROWAWAY).map((f) => f.path);
    expect(paths).toContain(`business-errors/${NAME}/THROWAWAY_FULL.yaml`);
    expect(paths).toContain(`business-errors/${NAME}/isv.throwaway-invalid.yaml`);
  });

  it('is typed in the reference client: its request, its result, its v3 HTTP method; its page sibling a page', () => {
    const types = clientApiTypes(WITH_THROWAWAY);
    expect(types).toContain(`  '${NAME}': {\n    /** 一次性测试接口 */\n    request: {\n      order_no: string;\n      kind?: 'A' | 'B';\n    };\n    response: {\n      record_id: string;\n      score?: number;\n    };\n  };`);
    expect(types).toContain(`  '${NAME}': 'GET',`);
    expect(types).toContain(`  '${throwawayPage.name}': { order_no: string; kind?: 'A' | 'B' };`);
  });
});

describe('what the registered methods derive', () => {
  it('every method has an example to send, and its needs name states the sandbox knows (providerStates would throw)', () => {
    for (const definition of SUPPORTED_METHODS) expect(Object.keys(exampleRequest(definition)).length, definition.name).toBeGreaterThan(0);
    expect(() => providerStates(SUPPORTED_METHODS)).not.toThrow();
  });

  it('smoke-checks every API once, in the registry\'s order', () => {
    expect(smokeCalls(SUPPORTED_METHODS, 'X').map((c) => c.method)).toEqual(SUPPORTED_METHODS.filter((d) => !d.page).map((d) => d.name));
  });

  // The README's table, the client's types and the shipped scenarios are compared with what is
  // committed by readme-method-table.test.ts, client-api-types.test.ts and shipped-scenarios.test.ts;
  // the pact with the derived interactions by contracts/provider.test.ts (the contracts' run rewrites
  // contracts/pacts/ beside this suite, so it is read there, after the consumer wrote it).
});
