/**
 * Certifications a snapshot holds stay lines until used (json-lines.ts, record-table.ts): a table
 * over the lines finds, walks and writes exactly what a table over the parsed records does, whatever
 * the records hold (escapes, non-ASCII, missing or non-string key fields, other field orders, repeated
 * keys); and lines nobody touched are written out again as the bytes read, not parsed and restringified.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../../mock-server/storage/snapshot-layout.js';
import { isJsonValue, JsonLines } from '../../mock-server/core/state/json-lines.js';
import { RecordTable, type TableLookups } from '../../mock-server/core/state/record-table.js';
import { SandboxStore, type Certification } from '../../mock-server/core/state/sandbox-store.js';
import { FileStateStorage } from '../../mock-server/storage/state-files.js';
import { useDurableReader } from '../support/durable-read.js';

interface Row {
  kind?: unknown;
  id?: unknown;
  app_id?: unknown;
  order_no?: unknown;
  [field: string]: unknown;
}

const LOOKUPS: TableLookups<Row> = { id: ['id'], order: ['kind', 'app_id', 'order_no'] };
// The last would read as a field named id to a scanner that missed an escape; U+FEFF (a BOM) must not be dropped from a key.
const AWKWARD = ['张三', 'a"b', 'back\\slash', '\u2028', '😀', '\u0000', '}', '",', 'é', '', '","id":"c1', '\ufeff'];

/** Deterministic rows: mostly plain, some with awkward key values, fields in other orders, some keys missing or not strings, repeats. */
function rows(count: number, seed: number): Row[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const awkward = () => AWKWARD[Math.floor(next() * AWKWARD.length)]!;
  // At either end: a key may start with what a decoder would drop.
  const text = (plain: string) => (next() < 0.15 ? (next() < 0.5 ? `${plain}${awkward()}` : `${awkward()}${plain}`) : plain);
  return Array.from({ length: count }, (_, i) => {
    const id = next() < 0.05 && i > 0 ? `c${Math.floor(next() * i)}` : `c${i}`;
    const fields: Array<[string, unknown]> = [
      ['kind', next() < 0.03 ? 7 : text(next() < 0.5 ? 'certify-open' : 'zhima-certification')],
      ['id', next() < 0.02 ? null : text(id)],
      ['app_id', text('2021000000000001')],
      ['order_no', next() < 0.03 ? undefined : text(`ORDER${Math.floor(next() * count)}`)],
      ['identity', { cert_name: text('张三'), nested: [text('x'), { a: '}]"' }] }],
      ['created_at_ms', next() < 0.03 ? (next() < 0.5 ? '5' : null) : Math.floor(next() * 1e12)],
      ['status', 'INIT'],
    ];
    // Other field orders too: the scanner reads by name, wherever a field is.
    if (next() < 0.2) fields.reverse();
    return Object.fromEntries(fields.filter(([, value]) => value !== undefined));
  });
}

const readBack = useDurableReader();

/** The rows as a snapshot's lines, read back as the file storage reads them. */
async function asLines(list: Row[]): Promise<JsonLines> {
  const text = [...jsonPieces({ version: 1, certifications: list })].join('');
  const read = (await readBack(text, new Set(['certifications']))) as { certifications: unknown };
  expect(read.certifications).toBeInstanceOf(JsonLines);
  return read.certifications as JsonLines;
}

/** Every key the rows have for a lookup, and near misses of them. */
function probes(list: Row[], fields: readonly string[]): string[][] {
  const keys = list.map((row) => fields.map((field) => row[field])).filter((values): values is string[] => values.every((v) => typeof v === 'string'));
  return [...keys, ...keys.slice(0, 50).map((values) => values.map((v, i) => (i === values.length - 1 ? `${v}x` : v))), fields.map(() => 'absent')];
}

describe('isJsonValue, which checks each snapshot line at start', () => {
  it('agrees with JSON.parse on 30,000 damaged and cut copies of awkward records, and on hand-picked texts', () => {
    const texts = [...jsonPieces({ version: 1, certifications: rows(300, 11) })].join('').split('\n').filter((line) => line.startsWith('{')).map((line) => line.replace(/,$/, ''));
    let state = 13;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = '{}[]":,\\ 0123456789.eE+-tfnrulsu\u0001\t';
    let refused = 0;
    const disagreements: string[] = [];
    for (let k = 0; k < 30_000; k++) {
      let text = texts[Math.floor(next() * texts.length)]!;
      for (let m = Math.floor(next() * 3); m >= 0; m--) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)]! + text.slice(at + (next() < 0.5 ? 1 : 0));
      }
      if (next() < 0.1) text = text.slice(0, Math.floor(next() * text.length));
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      refused += parses ? 0 : 1;
      const bytes = Buffer.from(text);
      // Checked plainly and reported together: an expect() per copy cost the suite half a CPU-second.
      if (isJsonValue(bytes, 0, bytes.length) !== parses) disagreements.push(text);
    }
    expect(disagreements).toEqual([]);
    expect(refused).toBeGreaterThan(10_000);
    for (const text of ['{}', '[]', ' { "a" : [ 1 , -0.5e+3 , true , null , "\\u00e9" ] } ', '0', '"x"', '{"a":1,}', '[1,]', '{"a"}', '01', '1.', '"\\x"', '"\u0001"', '{"a":1}}', 'nul', '-', '[[[]]]', '[{"a":[{}]}]']) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(isJsonValue(Buffer.from(text), 0, Buffer.byteLength(text)), text).toBe(parses);
    }
  });
});

describe('a record table over a snapshot\'s lines', () => {
  it('finds by every lookup what a table over the parsed records finds, for 4 seeds of 3,000 awkward rows', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const list = rows(3000, seed);
      const lines = RecordTable.of<Row, string>(LOOKUPS, await asLines(list));
      const parsed = RecordTable.of<Row, string>(LOOKUPS, JSON.parse(JSON.stringify(list)) as Row[]);
      for (const [lookup, fields] of Object.entries(LOOKUPS)) {
        const keys = probes(list, fields);
        expect(keys.map((values) => lines.find(lookup, ...values)), `seed ${seed}, ${lookup}`).toEqual(keys.map((values) => parsed.find(lookup, ...values)));
      }
      expect(lines.length).toBe(3000);
      expect(lines.all()).toEqual(parsed.all());
    }
  });

  it('drops by a numeric field what a filter of the parsed records drops, keeping the other lines unparsed, twice over', async () => {
    for (const seed of [5, 6]) {
      const list = rows(2000, seed);
      let lines = RecordTable.of<Row, string>(LOOKUPS, await asLines(list));
      let parsed = RecordTable.of<Row, string>(LOOKUPS, JSON.parse(JSON.stringify(list)) as Row[]);
      // Some records parsed (and one changed) before the sweep, some added after the lines.
      lines.find('id', String(list[3]!.id))!.created_at_ms = 0;
      parsed.find('id', String(list[3]!.id))!.created_at_ms = 0;
      for (const table of [lines, parsed]) table.add({ kind: 'k', id: 'late', app_id: 'a', order_no: 'o', created_at_ms: 1 });
      const unparsed = (table: RecordTable<Row, string>) => [...table.jsonLines()].filter((line) => typeof line !== 'string').length;
      for (const cutoff of [3e11, 6e11]) {
        const unparsedBefore = unparsed(lines);
        const fromLines = lines.withoutBelow('created_at_ms', cutoff);
        const below = (row: Row) => typeof row.created_at_ms === 'number' && row.created_at_ms < cutoff;
        const fromParsed = { removed: parsed.all().filter(below), kept: RecordTable.of<Row, string>(LOOKUPS, parsed.all().filter((row) => !below(row))) };
        expect(fromLines.removed, `seed ${seed}, cutoff ${cutoff}`).toEqual(fromParsed.removed);
        expect(fromLines.removed.length).toBeGreaterThan(100);
        lines = fromLines.kept;
        parsed = fromParsed.kept;
        // Only what was dropped was parsed for it: every kept line that was unparsed still is.
        expect(unparsed(lines)).toBeGreaterThanOrEqual(unparsedBefore - fromLines.removed.length);
        expect(unparsed(lines)).toBeGreaterThan(0);
        const keys = probes(list, LOOKUPS.order!);
        expect(keys.map((values) => lines.find('order', ...values))).toEqual(keys.map((values) => parsed.find('order', ...values)));
      }
      expect(lines.withoutBelow('created_at_ms', 0).kept).toBe(lines);
      expect(lines.all()).toEqual(parsed.all());
    }
  });

  it('drops a few at a time in place, then rebuilds once a quarter is gone, finding and writing what the parsed records give', async () => {
    // Oldest first, as a store adds them (rows without a number, never dropped, last): of two rows
    // with one key the later is never the older, so dropping it leaves no earlier row to be found.
    const age = (row: Row) => (typeof row.created_at_ms === 'number' ? row.created_at_ms : Infinity);
    const list = rows(2000, 7).sort((a, b) => age(a) - age(b));
    let lines = RecordTable.of<Row, string>(LOOKUPS, await asLines(list));
    let parsed = RecordTable.of<Row, string>(LOOKUPS, JSON.parse(JSON.stringify(list)) as Row[]);
    const original = lines;
    let sweptInPlace = 0;
    // Cutoffs a fiftieth of the range apart: each sweep drops about 2% of the rows.
    for (let step = 1; step <= 20; step++) {
      const cutoff = step * 2e10;
      const fromLines = lines.withoutBelow('created_at_ms', cutoff);
      const below = (row: Row) => typeof row.created_at_ms === 'number' && row.created_at_ms < cutoff;
      expect(fromLines.removed, `cutoff ${cutoff}`).toEqual(parsed.all().filter(below));
      if (fromLines.kept === original) sweptInPlace++;
      lines = fromLines.kept;
      parsed = RecordTable.of<Row, string>(LOOKUPS, parsed.all().filter((row) => !below(row)));
      expect(lines.length).toBe(parsed.length);
      for (const [lookup, fields] of Object.entries(LOOKUPS)) {
        const keys = probes(list, fields);
        expect(keys.map((values) => lines.find(lookup, ...values)), `cutoff ${cutoff}, ${lookup}`).toEqual(keys.map((values) => parsed.find(lookup, ...values)));
      }
      expect([...lines.jsonLines()].map((line) => JSON.parse(typeof line === 'string' ? line : Buffer.from(line).toString()))).toEqual(parsed.all());
    }
    // Both ways were taken: in place while few were gone, a new table past a quarter.
    expect(sweptInPlace).toBeGreaterThan(3);
    expect(lines).not.toBe(original);
  });

  it('keeps the later of two records with one key, whether either is a line or added later', async () => {
    const list: Row[] = [
      { kind: 'k', id: 'same', app_id: 'a', order_no: 'o"1', v: 1 },
      { kind: 'k', id: 'same', app_id: 'a', order_no: 'o2', v: 2 },
      { kind: 'k', id: 'other', app_id: 'a', order_no: 'o"1', v: 3 },
    ];
    const table = RecordTable.of<Row, string>(LOOKUPS, await asLines(list));
    expect(table.find('id', 'same')).toMatchObject({ v: 2 });
    // A line edited by hand (spaces) is parsed at start, an untouched later one is not: the later still wins.
    const edited = (await readBack(`{\n"certifications":[\n{"kind": "k", "id": "same", "v": 1},\n${JSON.stringify(list[1])}\n]\n}`, new Set(['certifications']))) as { certifications: JsonLines };
    expect(RecordTable.of<Row, string>(LOOKUPS, edited.certifications).find('id', 'same')).toMatchObject({ v: 2 });
    expect(table.find('order', 'k', 'a', 'o"1')).toMatchObject({ v: 3 });
    table.add({ kind: 'k', id: 'same', app_id: 'a', order_no: 'o3', v: 4 });
    expect(table.find('id', 'same')).toMatchObject({ v: 4 });
    expect(table.find('order', 'k', 'a', 'o2')).toMatchObject({ v: 2 });
  });

  it('deletes a record from every lookup, walk and write; a record added later with its key is found again', async () => {
    for (const lines of [true, false]) {
      const list: Row[] = [
        { kind: 'k', id: 'a', app_id: 'x', order_no: '1', created_at_ms: 5 },
        { kind: 'k', id: 'b', app_id: 'x', order_no: '2', created_at_ms: 5 },
        { kind: 'k', id: 'c', app_id: 'x', order_no: '3', created_at_ms: 5 },
      ];
      const table = RecordTable.of<Row, string>(LOOKUPS, lines ? await asLines(list) : list);
      expect(table.delete('order', 'k', 'x', '2')).toMatchObject({ id: 'b' });
      expect(table.delete('id', 'b')).toBeUndefined();
      expect([table.find('id', 'b'), table.find('order', 'k', 'x', '2'), table.length]).toEqual([undefined, undefined, 2]);
      expect(table.all().map((row) => row.id)).toEqual(['a', 'c']);
      expect([...table.jsonLines()]).toHaveLength(2);
      table.add({ kind: 'k', id: 'b', app_id: 'x', order_no: '2', created_at_ms: 9 });
      expect(table.find('order', 'k', 'x', '2')).toMatchObject({ created_at_ms: 9 });
      const swept = table.withoutBelow('created_at_ms', 6);
      expect(swept.removed.map((row) => row.id)).toEqual(['a', 'c']);
      expect(swept.kept.all()).toEqual([{ kind: 'k', id: 'b', app_id: 'x', order_no: '2', created_at_ms: 9 }]);
    }
  });

  it('hands out one object per record, so a change to it is what is found and written next', async () => {
    const list = rows(50, 9);
    const id = list.map((row) => row.id).filter((value): value is string => typeof value === 'string')[10]!;
    const table = RecordTable.of<Row, string>(LOOKUPS, await asLines(list));
    const record = table.find('id', id)!;
    record.status = 'PASSED';
    expect(table.find('id', id)).toBe(record);
    expect(table.all().filter((row) => row.id === id).at(-1)).toBe(record);
    const written = JSON.parse(`[${[...table.jsonLines()].map((line) => (typeof line === 'string' ? line : Buffer.from(line).toString('utf8'))).join(',')}]`) as Row[];
    expect(written.filter((row) => row.id === id).at(-1)).toMatchObject({ status: 'PASSED' });
  });

  it('refuses at start a snapshot with a damaged line, as when it was parsed whole, and leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-record-table-'));
    try {
      const list = Array.from({ length: 20 }, (_, i) => ({ kind: 'certify-open', id: `C${i}`, app_id: 'a', order_no: `O${i}`, status: 'INIT', created_at_ms: 1 }));
      const text = [...jsonPieces({ version: 1, people: [], authorizations: [], certifications: list, material_certifications: [], records: {} })].join('');
      // The key fields are intact; the damage is further along the line.
      const damaged = text.replace('"id":"C7","app_id":"a","order_no":"O7","status":"INIT"', '"id":"C7","app_id":"a","order_no":"O7","status":INIT');
      expect(damaged).not.toBe(text);
      writeFileSync(join(dir, 'state.json'), damaged);
      await expect(SandboxStore.open({ storage: new FileStateStorage(dir) }, [])).rejects.toThrow(/cannot read the sandbox state from .*state\.json.*Fix or move the file/);
      expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(damaged);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the lines nobody touched as the bytes read: a number written 1.5e12 stays so, a changed record is written anew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-record-table-'));
    try {
      const certification = (i: number): Certification => ({
        kind: 'certify-open', id: `C${i}`, app_id: '2021000000000001', order_no: `ORDER${i}`, biz_code: 'FACE',
        identity: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '330106197909275965' }, created_at_ms: 1_500_000_000_000, expires_at_ms: 1_500_000_000_000, status: 'INIT',
      });
      const text = [...jsonPieces({ version: 1, people: [], authorizations: [], certifications: Array.from({ length: 30 }, (_, i) => certification(i)), material_certifications: [], records: {}, log_generation: 0 })].join('');
      // JSON.stringify never writes 1.5e12: a line that still has it was copied, not parsed and written again.
      writeFileSync(join(dir, 'state.json'), text.replaceAll('"created_at_ms":1500000000000', '"created_at_ms":1.5e12'));
      const store = await SandboxStore.open({ storage: new FileStateStorage(dir), compactAfter: 1 }, []);
      expect(store.certificationForOrder('certify-open', '2021000000000001', 'ORDER7')?.id).toBe('C7');
      store.updateCertification(store.certification('C7')!, { status: 'PASSED' });
      for (let i = 30; i < 34; i++) store.addCertification(certification(i));
      await store.persist();
      await store.idle();
      const lines = readFileSync(join(dir, 'state.json'), 'utf8').split('\n').filter((line) => line.startsWith('{"kind"'));
      expect(lines).toHaveLength(34);
      expect(lines.filter((line) => line.includes('1.5e12')).map((line) => (JSON.parse(line.replace(/,$/, '')) as Certification).id)).toEqual(Array.from({ length: 30 }, (_, i) => `C${i}`).filter((id) => id !== 'C7'));
      expect(lines.find((line) => line.includes('"C7"'))).toContain('"status":"PASSED"');
      const reopened = await SandboxStore.open({ storage: new FileStateStorage(dir) }, []);
      expect(reopened.certifications().map((c) => [c.id, c.status, c.created_at_ms])).toEqual(Array.from({ length: 34 }, (_, i) => [`C${i}`, i === 7 ? 'PASSED' : 'INIT', 1_500_000_000_000]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
