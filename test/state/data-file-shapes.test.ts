/**
 * State files in the data folder that are JSON, but not of the shape the sandbox writes: each refuses
 * the start with the file's path and what is wrong with it, and is left byte for byte as it was.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../mock-server/sandbox.js';
import { DataFileShapeError } from '../../mock-server/storage/durable-files.js';
import { CorruptStateError } from '../../mock-server/storage/state-files.js';
import { spawnCli } from '../support/cli-process.js';
import { useTempDirs } from '../support/temp-dirs.js';

const dataDir = useTempDirs('sandbox-shapes-');

const SNAPSHOT_MEMBERS = 'an object with "version", "people", "authorizations", "certifications" and "material_certifications"';
const LISTS = '"authorizations":[],"certifications":[],"material_certifications":[]';

/** A data folder holding one file with this text; its path. */
function folderWith(name: string, text: string): { dir: string; file: string } {
  const dir = dataDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

/** The error a start on `dir` is refused with (it must be refused). */
async function refusal(dir: string): Promise<Error> {
  const started = await startSandbox({ port: 0, quiet: true, dataDir: dir }).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error as Error,
  );
  expect(started, 'the start was refused').toBeInstanceOf(Error);
  return started!;
}

describe('state.json of another shape', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['an array', '[]', `expected ${SNAPSHOT_MEMBERS}, found an array`],
    ['null', 'null', `expected ${SNAPSHOT_MEMBERS}, found null`],
    ['a string', '"x"', `expected ${SNAPSHOT_MEMBERS}, found a string`],
    ['a number', '42', `expected ${SNAPSHOT_MEMBERS}, found a number`],
    ['only a version', '{"version":1}', `expected ${SNAPSHOT_MEMBERS}, found one without "people"`],
    ['a list missing', `{"version":1,"people":[],"authorizations":[],"certifications":[]}`, `expected ${SNAPSHOT_MEMBERS}, found one without "material_certifications"`],
    ['another version', `{"version":2,"people":[],${LISTS}}`, 'expected "version" to be 1, found 2'],
    ['the version as text', `{"version":"1","people":[],${LISTS}}`, 'expected "version" to be 1, found "1"'],
    ['records not a list', `{"version":1,"people":{"a":{}},${LISTS}}`, 'expected "people" to be a list of records (objects), found an object'],
    ['records that are not objects', `{"version":1,"people":[{"cert_no":"1"},null],${LISTS}}`, 'expected "people" to be a list of records (objects), found null at index 1'],
    ['method records as a list', `{"version":1,"people":[],${LISTS},"records":[]}`, 'expected "records" to be an object of record kinds, each an object of records by key, found an array'],
    ['a method record kind that is not an object', `{"version":1,"people":[],${LISTS},"records":{"tokens":[]}}`, 'expected "records" to be an object of record kinds, each an object of records by key, found an array at "tokens"'],
    ['a negative log generation', `{"version":1,"people":[],${LISTS},"log_generation":-1}`, 'expected "log_generation" to be a whole number from 0, found a number'],
    // The layout the sandbox writes (a line per member), with a list that is not one.
    ['its own layout, a list as text', `{\n"version":1,\n"people":[],\n"authorizations":"none",\n"certifications":[],\n"material_certifications":[]\n}`, 'expected "authorizations" to be a list of records (objects), found a string'],
  ];

  it.each(cases)('%s is refused with the file and the problem, and left untouched', async (_name, text, problem) => {
    const { dir, file } = folderWith('state.json', text);
    const error = await refusal(dir);
    expect(error).toBeInstanceOf(DataFileShapeError);
    expect(error.message).toBe(`${file}: ${problem} (the file was left untouched: fix or move it)`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('what the sandbox writes still loads (the check refuses only other shapes)', async () => {
    const dir = dataDir();
    const first = await startSandbox({ port: 0, quiet: true, dataDir: dir });
    await first.reset();
    await first.close();
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    const again = await startSandbox({ port: 0, quiet: true, dataDir: dir });
    await again.close();
  });
});

describe('apps.json and controls.json of another shape', () => {
  const APPS = 'an object with "apps"';
  const APP_LIST = 'expected "apps" to be a list of apps, each with "app_id", "public_key" and "sign_type"';
  const CONTROLS = 'an object with "scenarios" and "clock_offset_ms"';
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['apps.json', '[]', `expected ${APPS}, found an array`],
    ['apps.json', '{"version":1}', `expected ${APPS}, found one without "apps"`],
    ['apps.json', '{"apps":{}}', `${APP_LIST}, found an object`],
    ['apps.json', '{"apps":[{"app_id":"2021000000000777"}]}', `${APP_LIST}, found an object at index 0`],
    ['apps.json', '{"apps":[null]}', `${APP_LIST}, found null at index 0`],
    ['controls.json', 'null', `expected ${CONTROLS}, found null`],
    ['controls.json', '{"scenarios":{}}', `expected ${CONTROLS}, found one without "clock_offset_ms"`],
    ['controls.json', '{"scenarios":[],"clock_offset_ms":0}', 'expected "scenarios" to be an object of app_id → { "id", "source", "document" }, found an array'],
    ['controls.json', '{"scenarios":{"2021000000000777":{"id":"x"}},"clock_offset_ms":0}', 'expected "scenarios" to be an object of app_id → { "id", "source", "document" }, found an object for app 2021000000000777'],
    ['controls.json', '{"scenarios":{},"clock_offset_ms":"1 day"}', 'expected "clock_offset_ms" to be a number of milliseconds, found a string'],
  ];

  it.each(cases)('%s holding %s is refused with the file and the problem, and left untouched', async (name, text, problem) => {
    const { dir, file } = folderWith(name, text);
    const error = await refusal(dir);
    expect(error.message).toBe(`${file}: ${problem} (the file was left untouched: fix or move it)`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('an app whose stored public key does not parse is refused naming apps.json', async () => {
    const text = '{"apps":[{"app_id":"2021000000000777","sign_type":"RSA2","public_key":"not a key","registered_at":"2026-01-01T00:00:00.000Z"}]}';
    const { dir, file } = folderWith('apps.json', text);
    expect((await refusal(dir)).message).toMatch(new RegExp(`^cannot read the registered apps from ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+ Fix or move the file; it was left untouched\.$`));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('a change log of another shape', () => {
  const A_CHANGE = 'expected a change (an object with one of "person", "grant", "certification", "material", "record" or "dropped")';
  const DROPPED = 'expected "dropped" to have "certifications", a list of ids, and "materials", a list of [app_id, transaction_id]';
  const cases: ReadonlyArray<readonly [string, string, number, string]> = [
    ['an array', '[]\n', 1, `${A_CHANGE}, found an array`],
    ['null', 'null\n', 1, `${A_CHANGE}, found null`],
    ['a string', '"x"\n', 1, `${A_CHANGE}, found a string`],
    ['a snapshot in its place', '{"version":1}\n', 1, `${A_CHANGE}, found one with "version"`],
    ['an empty object after the header', '{"log_generation":0}\n{}\n', 2, `${A_CHANGE}, found an empty object`],
    ['a grant that is not a record', '{"log_generation":0}\n{"grant":null}\n', 2, 'expected "grant" to be a record (an object), found null'],
    ['a person as a list', '{"person":[]}\n', 1, 'expected "person" to be a record (an object), found an array'],
    ['a method record without its key', '{"record":{"kind":"tokens","value":{}}}\n', 1, 'expected "record" to have a "kind" and a "key", both strings'],
    ['a sweep without its materials', '{"dropped":{"certifications":["c1"]}}\n', 1, DROPPED],
    ['a sweep with a material of one field', '{"dropped":{"certifications":[],"materials":[["2021000000000001"]]}}\n', 1, DROPPED],
    ['a sweep with an id that is a number', '{"dropped":{"certifications":[7],"materials":[]}}\n', 1, DROPPED],
    // Without its newline, JSON that is not a change is no torn append of the sandbox's: refused too.
    ['an unterminated array', '[]', 1, `${A_CHANGE}, found an array`],
  ];

  it.each(cases)('%s is refused with the file, the line and the problem, and left untouched', async (_name, text, line, problem) => {
    const { dir, file } = folderWith('state.changes.jsonl', text);
    const error = await refusal(dir);
    expect(error).toBeInstanceOf(CorruptStateError);
    expect(error.message).toContain(`${file} line ${line} is corrupt: ${problem}; nothing was dropped.`);
    expect(error.message).toContain('--repair-state');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((name) => name.endsWith('.corrupt'))).toEqual([]);
  });

  it('the log\'s second segment (a compaction that did not finish) is checked the same way', async () => {
    const text = '{"log_generation":0}\n{"certification":"C1"}\n';
    const { dir, file } = folderWith('state.changes.next.jsonl', text);
    const error = await refusal(dir);
    expect(error.message).toContain(`${file} line 2 is corrupt: expected "certification" to be a record (an object), found a string;`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a torn tail that is not JSON (a crash mid-append) is still skipped without a word', async () => {
    const { dir } = folderWith('state.changes.jsonl', '{"log_generation":0}\n{"grant":{"app_id":"2021');
    const sandbox = await startSandbox({ port: 0, quiet: true, dataDir: dir });
    await sandbox.close();
  });
});

describe('serve on a state.json of another shape', () => {
  it('exits 1 with one sentence naming the file and the problem, and no stack trace', async () => {
    const { dir, file } = folderWith('state.json', '[]');
    const child = spawnCli(['serve', '--port', '0', '--quiet', '--data-dir', dir]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(stderr).toBe(`alipay-sandbox: ${file}: expected ${SNAPSHOT_MEMBERS}, found an array (the file was left untouched: fix or move it)\n`);
    expect(readFileSync(file, 'utf8')).toBe('[]');
  });
});
