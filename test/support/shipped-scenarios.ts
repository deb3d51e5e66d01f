/** A method's answer while the sandbox plays one of its shipped scenarios (scenarios/business-errors/<method>/<code>.yaml). */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import type { RunningSandbox } from '../../mock-server/sandbox.js';
import { useScenario } from './admin-client.js';
import { execSigned } from './alipay-sdk-client.js';

/** The node `method` answers to `request` under the shipped scenario of `subCode`; the rules are cleared after. */
export async function answerUnderShippedScenario(sandbox: RunningSandbox, method: string, subCode: string, request: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  const scenario: unknown = parseYaml(readFileSync(`scenarios/business-errors/${method}/${subCode}.yaml`, 'utf8'));
  await useScenario(sandbox, DEFAULT_APP_ID, scenario);
  try {
    return await execSigned(sandbox, method, request);
  } finally {
    await useScenario(sandbox, DEFAULT_APP_ID, { rules: [] });
  }
}
