/** A method's answer while the sandbox plays one of its shipped scenarios (scenarios/business-errors/<method>/<code>.yaml). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MAGIC_IDENTITIES } from '../../fixtures/identities/magic-identities.js';
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

/** A method, a sub_code it has a shipped scenario for, and a request for it. */
export type ShippedCase = readonly [method: string, subCode: string, request: Readonly<Record<string, string>>];

/** One test a case: `method` answers 40004 and its sub_code (and the fields of `also`) under the shipped scenario. */
export function itAnswersUnderShippedScenarios(sandbox: () => RunningSandbox, cases: readonly ShippedCase[], also: Readonly<Record<string, string>> = {}): void {
  it.each(cases)('%s answers %s under its shipped scenario', async (method, subCode, request) => {
    expect(await answerUnderShippedScenario(sandbox(), method, subCode, request)).toMatchObject({ code: '40004', sub_code: subCode, ...also });
  });
}

/** The magic identities the face families answer with their initialize's business codes: name and sub_code. */
const FACE_MAGIC: ReadonlyArray<readonly [name: string, subCode: string]> = [
  ['忙碌', 'SYSTEM_ERROR'],
  ['合约异常', 'ARRANGEMENT_STATUS_ERROR'],
];

/** One test a magic identity: `method` (named in the test as `called`) answers its sub_code to `request` for that person. */
export function itAnswersFaceMagicIdentities(sandbox: () => RunningSandbox, method: string, called: string, request: (certNo: string) => Record<string, string>): void {
  it.each(FACE_MAGIC)(`the magic identity %s gets ${called}'s %s`, async (name, subCode) => {
    const certNo = MAGIC_IDENTITIES.find((identity) => identity.name === name)!.cert_no;
    expect(await execSigned(sandbox(), method, request(certNo))).toMatchObject({ code: '40004', sub_code: subCode });
  });
}
