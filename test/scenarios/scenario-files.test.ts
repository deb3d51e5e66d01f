/**
 * Scenario documents: validated at load against the shipped JSON Schema and against what the sandbox
 * serves, with errors naming the file and the path; the start scenario file reloaded when it changes.
 */
import { pbkdf2 } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { ScenarioFile } from '../../mock-server/files/scenario-file.js';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { ScenarioLoadError } from '../../mock-server/core/scenarios/load-scenario.js';
import { ScenarioBook } from '../../mock-server/core/scenarios/scenario-book.js';
import { startSandbox, type RunningSandbox } from '../../mock-server/sandbox.js';
import { journal, putScenario } from '../support/admin-client.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { nodeOf, postForm, useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();
const AUTHQUERY = 'zhima.auth.info.authquery';
const dir = mkdtempSync(join(tmpdir(), 'sandbox-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAD_DOCUMENTS: ReadonlyArray<[string, unknown, string, RegExp]> = [
  ['no rules', { name: 'x' }, '', /"rules" is required/],
  ['a misspelt key', { rules: [{ outcom: { normal: {} } }] }, 'rules[0].outcom', /unknown key "outcom"/],
  ['two outcomes in one', { rules: [{ outcome: { normal: {}, http_status: 503 } }] }, 'rules[0].outcome', /exactly one of normal, business_error/],
  ['no outcome', { rules: [{ outcome: {} }] }, 'rules[0].outcome', /exactly one of/],
  ['a code the method does not document', { rules: [{ match: { method: AUTHQUERY }, outcome: { business_error: 'NO_USER_ERROR' } }] }, 'rules[0].outcome.business_error', /zhima.auth.info.authquery does not document NO_USER_ERROR/],
  ['a business error with no method', { rules: [{ outcome: { business_error: 'SYSTEM_ERROR' } }] }, 'rules[0].outcome.business_error', /needs match.method/],
  ['a business error under a method regex', { rules: [{ match: { method: { regex: 'zhima' } }, outcome: { business_error: 'SYSTEM_ERROR' } }] }, 'rules[0].outcome.business_error', /needs match.method/],
  ['a method the sandbox does not serve', { rules: [{ match: { method: 'alipay.trade.pay' }, outcome: { normal: {} } }] }, 'rules[0].match.method', /alipay.trade.pay is not a method the sandbox serves/],
  ['a sub_msg that is no row of the code', { rules: [{ match: { method: 'alipay.security.risk.verifyidentity.apply' }, outcome: { business_error: 'USABLE_QUERY_FAIL', sub_msg: '参数为空' } }] }, 'rules[0].outcome.sub_msg', /documents USABLE_QUERY_FAIL with "参数biz_id为空"/],
  ['an unknown gateway sub_code', { rules: [{ outcome: { public_error: 'isp.busy' } }] }, 'rules[0].outcome.public_error', /isp.busy is not a gateway sub_code/],
  ['an override of a field the method does not answer', { rules: [{ match: { method: AUTHQUERY }, outcome: { normal: { passed: 'false' } } }] }, 'rules[0].outcome.normal.passed', /has no response field passed/],
  ['an override with no method named', { rules: [{ outcome: { normal: { passed: 'false' } } }] }, 'rules[0].outcome.normal', /needs match.method/],
  ['a regex that does not compile', { rules: [{ match: { app_id: { regex: '(' } }, outcome: { normal: {} } }] }, 'rules[0].match.app_id', /does not compile/],
  ['a matcher with two kinds', { rules: [{ match: { app_id: { equals: 'a', regex: 'b' } }, outcome: { normal: {} } }] }, 'rules[0].match.app_id', /exactly one of equals, regex, one_of/],
  ['a call condition with two kinds', { rules: [{ match: { call: { nth: 1, every: 2 } }, outcome: { normal: {} } }] }, 'rules[0].match.call', /exactly one of nth, first, every/],
  ['a call count of 0', { rules: [{ match: { call: { nth: 0 } }, outcome: { normal: {} } }] }, 'rules[0].match.call.nth', /must be >= 1/],
  ['a delay range upside down', { rules: [{ delay_ms: [500, 100], outcome: { normal: {} } }] }, 'rules[0].delay_ms', /min ≤ max/],
  ['an unknown fault', { rules: [{ outcome: { fault: 'timeout' } }] }, 'rules[0].outcome.fault', /must be one of connection-reset, connection-close, malformed-json, missing-sign, wrong-sign/],
  ['http_status 200', { rules: [{ outcome: { http_status: 200 } }] }, 'rules[0].outcome.http_status', /200 is normal behaviour/],
  ['a sub_msg with a fault', { rules: [{ outcome: { fault: 'wrong-sign', sub_msg: 'x' } }] }, 'rules[0].outcome.sub_msg', /goes with business_error or public_error/],
];

describe('a broken scenario given to PUT /__admin/apps/:app_id/scenario', () => {
  it.each(BAD_DOCUMENTS)('with %s gets 400 naming the path', async (_what, document, path, message) => {
    const { status, body } = await putScenario(sandbox(), DEFAULT_APP_ID, document);
    expect(status).toBe(400);
    expect(body.path).toBe(path);
    expect(body.error).toMatch(message);
    expect(body.error).toContain(`PUT /__admin/apps/${DEFAULT_APP_ID}/scenario`);
  });

  it('as YAML with a syntax error gets 400 naming the line', async () => {
    const { status, body } = await putScenario(sandbox(), DEFAULT_APP_ID, 'rules:\n  - outcome: { normal: {\n');
    expect(status).toBe(400);
    expect(body.path).toMatch(/^line \d+, column \d+$/);
  });

  it('as YAML the parser refuses for other reasons (an unresolved alias) gets 400, not 500', async () => {
    const { status, body } = await putScenario(sandbox(), DEFAULT_APP_ID, 'rules: *nowhere\n');
    expect(status).toBe(400);
    expect(body.error).toContain('is not YAML or JSON');
  });

  it('for an app that is not registered gets 404', async () => {
    const { status } = await putScenario(sandbox(), '2021000000009999', { rules: [] });
    expect(status).toBe(404);
  });
});

describe('a broken scenario file at start', () => {
  it.each(BAD_DOCUMENTS.slice(0, 6))('with %s stops the start with an error naming the file and path', async (_what, document, path, message) => {
    const file = join(dir, `broken-${Math.abs(JSON.stringify(document).length)}.json`);
    writeFileSync(file, JSON.stringify(document));
    const error = await startSandbox({ port: 0, inMemory: true, quiet: true, scenario: file }).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioLoadError);
    expect((error as ScenarioLoadError).message).toContain(file);
    expect((error as ScenarioLoadError).path).toBe(path);
    expect((error as ScenarioLoadError).problem).toMatch(message);
  });

  it('that does not exist, nor is a shipped name, is refused', async () => {
    await expect(startSandbox({ port: 0, inMemory: true, quiet: true, scenario: join(dir, 'nope.yaml') })).rejects.toThrow(/no scenario of that name/);
  });
});

describe('the start scenario file', () => {
  async function subCode(target: RunningSandbox): Promise<string> {
    const node = nodeOf(await postForm(target, signedRequest({ ...publicParams(AUTHQUERY), biz_content: JSON.stringify(VALID_REQUESTS[AUTHQUERY]) })));
    return node.sub_code ?? node.code!;
  }

  async function eventually(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the change was never seen');
  }

  it('is reloaded when it changes; a broken edit is reported and the last good one stays', async () => {
    const file = join(dir, 'live.yaml');
    writeFileSync(file, 'rules: []\n');
    const logged: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
    const live = await startSandbox({ port: 0, inMemory: true, logger, scenario: file });
    try {
      expect(await subCode(live)).toBe('10000');
      writeFileSync(file, `rules:\n  - match: { method: ${AUTHQUERY} }\n    outcome: { business_error: ZM_ACCOUNT_PAUSE }\n`);
      await eventually(async () => (await subCode(live)) === 'ZM_ACCOUNT_PAUSE');

      writeFileSync(file, 'rules:\n  - outcome: { business_error: NOPE }\n');
      await eventually(async () => logged.some((line) => line.includes('scenario not reloaded')));
      expect(await subCode(live)).toBe('ZM_ACCOUNT_PAUSE');
      expect(logged.find((line) => line.includes('scenario not reloaded'))).toContain('rules[0].outcome.business_error');

      writeFileSync(file, 'rules:\n  - outcome: { public_error: isp.unknow-error }\n');
      await eventually(async () => (await subCode(live)) === 'isp.unknow-error');
    } finally {
      await live.close();
    }
  });

  it('sees an edit made at once after watching starts, before any poll has looked at the file', async () => {
    const file = join(dir, 'early.yaml');
    writeFileSync(file, 'rules: []\n');
    const loads: string[] = [];
    const watched = new ScenarioFile(file, new ScenarioBook(), SUPPORTED_METHODS, { loaded: (path) => loads.push(path), failed: () => {} });
    watched.load();
    // A busy thread pool, as a sandbox's is while it starts (its modules are read there): fs.watchFile
    // took its first look at the file on that pool, after an edit made meanwhile, and never saw it.
    const busyPool = Array.from({ length: 4 }, () => new Promise((done) => pbkdf2('x', 'y', 200_000, 32, 'sha256', done)));
    watched.watch(20);
    try {
      writeFileSync(file, `rules:\n  - match: { method: ${AUTHQUERY} }\n    outcome: { business_error: ZM_ACCOUNT_PAUSE }\n`);
      await Promise.all(busyPool);
      await eventually(async () => loads.length === 2);
    } finally {
      watched.close();
    }
  });

  it('may be named by a shipped scenario\'s name', async () => {
    const outage = await startSandbox({ port: 0, inMemory: true, quiet: true, scenario: 'gateway-outage' });
    try {
      expect(outage.scenarioPath).toMatch(/scenarios\/gateway-outage\.yaml$/);
      expect(await subCode(outage)).toBe('isp.unknow-error');
      const [entry] = await journal(outage);
      expect(entry!.rule).toMatchObject({ source: outage.scenarioPath, name: 'gateway busy' });
    } finally {
      await outage.close();
    }
  });
});
