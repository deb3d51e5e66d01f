/**
 * A smoke check of the contract against any gateway: each API called with its page's own example,
 * answered with a well-formed envelope whose signature verifies and whose code is 10000 or one the
 * API documents. Meant for Alipay's real sandbox, where no provider state can be set up.
 */
import { SUPPORTED_METHODS, documentedError, smokeCalls, type ApiMethodDefinition } from '../mock-server/core/methods/index.js';
import { AlipayApiError, AlipayClient, AlipayProtocolError, type AlipayClientConfig } from './alipay-client.js';
import type { ApiMethod } from './api-types.js';

export interface SmokeResult {
  readonly method: string;
  readonly ok: boolean;
  readonly answer: string;
}

/** Whether the method documents this code and sub_code (40004 mostly; oauth.token's are 40002). */
function documents(definitions: readonly ApiMethodDefinition[], method: string, code: string, subCode: string | undefined): boolean {
  return definitions.some((d) => d.name === method && d.businessErrors.some((r) => r.sub_code === subCode && documentedError(r).code === code));
}

/** Each API's example call (from its definition: see smokeCalls), its answer judged against the definition. */
export async function runSmokeCheck(
  config: AlipayClientConfig,
  runId = Date.now().toString(36).toUpperCase(),
  definitions: readonly ApiMethodDefinition[] = SUPPORTED_METHODS,
): Promise<SmokeResult[]> {
  const client = new AlipayClient({ ...config, verifyResponses: true });
  const results: SmokeResult[] = [];
  for (const { method, request, publicParameters } of smokeCalls(definitions, runId)) {
    try {
      const node = await client.call(method as ApiMethod, request as never, publicParameters);
      results.push({ method, ok: true, answer: 'code' in node ? `${node.code} ${node.msg}` : 'success (no code, as this API answers)' });
    } catch (error) {
      if (error instanceof AlipayApiError) {
        // A signed, documented refusal honours the contract as much as a success does.
        const ok = documents(definitions, method, error.code, error.subCode) || error.code === '20000';
        results.push({ method, ok, answer: `${error.code} ${error.subCode ?? ''} ${error.subMsg ?? ''}`.trim() });
      } else if (error instanceof AlipayProtocolError) {
        results.push({ method, ok: false, answer: error.message });
      } else {
        results.push({ method, ok: false, answer: (error as Error).message });
      }
    }
  }
  return results;
}
