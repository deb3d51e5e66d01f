/**
 * The scenarios shipped in scenarios/: every one loads, the generated ones are up to date, each
 * business-error scenario produces its code, and the hand-written ones do what they say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { ScenarioFile } from '../../mock-server/files/scenario-file.js';
import { documentedError } from '../../mock-server/core/methods/business-errors.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { businessErrorScenarios } from '../../mock-server/core/scenarios/business-error-scenarios.js';
import { ScenarioBook } from '../../mock-server/core/scenarios/scenario-book.js';
import { SCENARIO_SCHEMA } from '../../mock-server/core/scenarios/scenario-schema.js';
import { journal, reset, useScenario } from '../support/admin-client.js';
import { execSigned, sdkFor } from '../support/alipay-sdk-client.js';
import { VALID_REQUESTS, type SeedMethod } from '../support/page-examples.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { formEncode, publicParams, signedRequest, signParams } from '../support/signed-request.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const sandbox = useSandbox();
afterEach(() => reset(sandbox()));

function scenarioFiles(dir = SCENARIOS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scenarioFiles(join(dir, entry.name)) : /\.(ya?ml|json)$/.test(entry.name) && entry.name !== 'scenario.schema.json' ? [join(dir, entry.name)] : [],
  );
}

async function subCodeOf(method: SeedMethod): Promise<string> {
  const node = nodeOf(await postForm(sandbox(), signedRequest({ ...publicParams(method), biz_content: JSON.stringify(VALID_REQUESTS[method]) })));
  return node.sub_code ?? node.code!;
}

describe('scenarios/scenario.schema.json', () => {
  it('is the schema the loader validates with (run `npm run docs` when this fails)', () => {
    expect(readFileSync(join(SCENARIOS, 'scenario.schema.json'), 'utf8')).toBe(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
  });
});

describe('every shipped scenario file', () => {
  it.each(scenarioFiles().map((f) => [f.slice(SCENARIOS.length)]))('%s loads as the start scenario', (file) => {
    const path = join(SCENARIOS, file);
    const book = new ScenarioBook();
    // As `serve --scenario` loads it: a broken file throws ScenarioLoadError here.
    new ScenarioFile(path, book, SUPPORTED_METHODS, { loaded: () => {}, failed: () => {} }).load();
    expect(book.start.source).toBe(path);
  });
});

describe('the business-error scenarios', () => {
  const generated = businessErrorScenarios(SUPPORTED_METHODS);

  it('are what the definitions generate (run `npm run docs` when this fails)', () => {
    for (const file of generated) expect(readFileSync(join(SCENARIOS, file.path), 'utf8'), file.path).toBe(file.text);
    const onDisk = scenarioFiles(join(SCENARIOS, 'business-errors')).map((f) => f.slice(SCENARIOS.length));
    expect(onDisk.sort()).toEqual(generated.map((f) => f.path).sort());
  });

  it.each(generated.map((f) => [f.path, f.text] as const))('%s makes its method answer its code', async (path, text) => {
    const [, method, file] = /^business-errors\/([^/]+)\/(.+)\.yaml$/.exec(path)!;
    const subCode = file!.replace(/\.\d+$/, '');
    await useScenario(sandbox(), DEFAULT_APP_ID, text);
    // The scenario decides before the method reads biz_content: any request of the method will do.
    const bizContent = VALID_REQUESTS[method as SeedMethod] ?? {};
    if (SUPPORTED_METHODS.find((d) => d.name === method)!.page) {
      const params = { ...publicParams(method!), biz_content: JSON.stringify(bizContent) };
      const page = await fetch(`${sandbox().gatewayUrl}?${formEncode({ ...params, sign: signParams(params) })}`);
      expect(await page.text()).toContain(`<dd id="sub-code">${subCode}</dd>`);
      return;
    }
    const definition = SUPPORTED_METHODS.find((d) => d.name === method)!;
    const { code, msg } = documentedError(definition.businessErrors.find((row) => row.sub_code === subCode)!);
    // alipay-sdk looks for a signature over the method's own node, so it cannot check an error_response.
    const node = definition.envelope?.refusalsInErrorResponse ? await sdkFor(sandbox()).exec(method!, bizContent) : await execSigned(sandbox(), method!, bizContent);
    expect(node).toMatchObject({ code, msg, sub_code: subCode });
  });
});

describe('the hand-written scenarios', () => {
  const text = (name: string) => readFileSync(join(SCENARIOS, `${name}.yaml`), 'utf8');

  it('default: normal behaviour', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, text('default'));
    expect(await subCodeOf('zhima.auth.info.authquery')).toBe('10000');
  });

  it('gateway-outage: 20000 isp.unknow-error 系统繁忙 for every method', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, text('gateway-outage'));
    for (const method of Object.keys(VALID_REQUESTS) as SeedMethod[]) {
      const outage = { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' };
      expect(await execSigned(sandbox(), method, VALID_REQUESTS[method])).toEqual(outage);
    }
  });

  it('fail-twice-then-succeed: two failures, then success', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, text('fail-twice-then-succeed'));
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await subCodeOf('alipay.user.certify.open.initialize'));
    expect(codes).toEqual(['isp.unknow-error', 'isp.unknow-error', '10000', '10000']);
  });

  it('verification-failed: material.certify answers passed "false"', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, text('verification-failed'));
    const method = 'zhima.customer.certification.material.certify';
    expect(await execSigned(sandbox(), method, VALID_REQUESTS[method])).toMatchObject({ code: '10000', passed: 'false' });
  });

  it('flaky-network: every 4th connection reset, every 5th of the rest a 502, answers delayed 50-800 ms', async () => {
    await useScenario(sandbox(), DEFAULT_APP_ID, text('flaky-network'));
    const request = signedRequest({ ...publicParams('zhima.auth.info.authquery'), biz_content: JSON.stringify(VALID_REQUESTS['zhima.auth.info.authquery']) });
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = await fetch(sandbox().url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body }).then(
        (r) => String(r.status),
        () => 'reset',
      );
      seen.push(outcome);
    }
    // The 502 rule counts only the calls the reset rule let through: the 5th of those is call 6.
    expect(seen).toEqual(['200', '200', '200', 'reset', '200', '502', '200', 'reset', '200', '200']);
    const delays = (await journal(sandbox())).filter((e) => e.response.fault === undefined).map((e) => e.delay_ms!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThanOrEqual(800);
  });
});
