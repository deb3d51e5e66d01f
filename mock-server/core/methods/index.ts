/**
 * `alipay-gateway-sandbox/methods`: the Alipay API methods the sandbox serves, as definitions (each
 * from its API page: biz_content schema, documented business errors, example call, response fields),
 * and what the kit derives from them. The contract kit (the Pact consumer and provider states, the
 * smoke check) is built on these; so can an integrator's own contract tests be.
 *
 *   for (const definition of SUPPORTED_METHODS) console.log(definition.name, exampleRequest(definition));
 */
export { SUPPORTED_METHODS } from './method-registry.js';
export { openApiPath, type ApiMethodDefinition, type DocumentedBusinessError, type ExampleCall, type ResponseField } from './api-method.js';
export { documentedError, documentedRows } from './business-errors.js';
export { examplePublicParameters, exampleRequest, orderField, smokeCalls, type SmokeCall } from './method-examples.js';
export { businessErrorScenarios } from '../scenarios/business-error-scenarios.js';
export type { ErrorFields } from '../protocol/public-errors.js';
