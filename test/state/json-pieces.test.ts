/**
 * A snapshot is written in slices, a line per member (jsonPieces), and read back a line at a time
 * (DurableJSONFile, as the data folder's files are read): the text is JSON that parses to what
 * JSON.stringify's would, whatever the data holds; the line reader gives the same value as
 * JSON.parse; an older compact snapshot still reads.
 * The writer encodes the pieces into a reused buffer: every byte lands, in order, whatever a piece's
 * size or characters.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomically } from '../../mock-server/storage/durable-files.js';
import { jsonPieces } from '../../mock-server/storage/snapshot-layout.js';
import { useDurableReader } from '../support/durable-read.js';

const readBack = useDurableReader();

/** A small deterministic generator of awkward values: undefined fields, holes, unicode, dates, nesting. */
function value(seed: number, depth: number): unknown {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const make = (level: number): unknown => {
    const pick = Math.floor(next() * (level > 4 ? 6 : 9));
    switch (pick) {
      case 0: return null;
      case 1: return next() < 0.5;
      case 2: return Math.round(next() * 1e6) / 100;
      case 3: return ['张三', 'a"b\\c', '\u2028line', '', '😀', '\u0000'][Math.floor(next() * 6)];
      case 4: return undefined;
      case 5: return new Date(Math.floor(next() * 1e12));
      case 6: return Array.from({ length: Math.floor(next() * 4) }, () => make(level + 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 4); i > 0; i--) object[['id', 'name', 'x y', '中文', 'records'][Math.floor(next() * 5)]! + i] = make(level + 1);
        return object;
      }
    }
  };
  return make(5 - depth);
}

describe('jsonPieces', () => {
  it('writes JSON that means what JSON.stringify\'s text means, and reads it back line by line, for 2,000 generated values at every depth', async () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const input = value(seed, 5);
      const expected: unknown = JSON.parse(JSON.stringify(input) ?? 'null');
      for (const depth of [1, 2, 3, 5]) {
        const text = [...jsonPieces(input, depth)].join('');
        expect(JSON.parse(text), `seed ${seed}, depth ${depth}`).toEqual(expected);
        expect(await readBack(text), `seed ${seed}, depth ${depth}, line reader`).toEqual(expected);
      }
    }
  });

  it('reads a member named __proto__ as a property, as JSON.parse does, not as the object\'s prototype', async () => {
    const text = [...jsonPieces(JSON.parse('{"records":{"kind":{"__proto__":{"polluted":true},"k":{"v":1}}}}'))].join('');
    const read = (await readBack(text)) as { records: { kind: Record<string, unknown> } };
    expect(read).toEqual(JSON.parse(text));
    expect(Object.keys(read.records.kind)).toEqual(['__proto__', 'k']);
    expect(Object.getPrototypeOf(read.records.kind)).toBe(Object.prototype);
  });

  it('reads an older compact snapshot (one line) and any JSON through JSON.parse', async () => {
    const compact = JSON.stringify({ version: 1, people: [{ cert_no: '1', name: '张三' }], records: { a: { k: { v: 1 } } } });
    expect(await readBack(compact)).toEqual(JSON.parse(compact));
    const pretty = JSON.stringify({ a: [1, { b: '}' }], c: '],' }, null, 2);
    expect(await readBack(pretty)).toEqual(JSON.parse(pretty));
  });

  it('for a snapshot of the store\'s shape, and in many pieces (one per record at least)', () => {
    const snapshot = { version: 1, people: [{ cert_no: '1', name: '张三' }], certifications: Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, fail_reason: i % 2 ? undefined : 'Z1147' })), records: { app_authorizations: { a: { isv_app_id: '2021' } } } };
    const pieces = [...jsonPieces(snapshot)];
    expect(JSON.parse(pieces.join(''))).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect(pieces.length).toBeGreaterThan(1000);
    // A record a line: the reader never needs more than one record's text at a time.
    expect(pieces.join('').split('\n').filter((line) => line.startsWith('{"id":"c')).length).toBe(1000);
  });
});

describe('writeAtomically, with pieces', () => {
  it('writes every piece in order, across buffer boundaries: characters of 1 to 4 bytes and pieces larger than the buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-pieces-'));
    try {
      const characters = ['a', 'é', '张', '😀', '\n'];
      // About 6 MiB in all, so several buffers fill; two pieces larger than one buffer (1 MiB) on their own.
      const pieces = Array.from({ length: 40_000 }, (_, i) => characters[i % characters.length]!.repeat(1 + (i % 97)));
      pieces.splice(10_000, 0, '张'.repeat(600_000));
      pieces.splice(30_000, 0, 'x'.repeat(1_500_000));
      const file = join(dir, 'state.json');
      await writeAtomically(file, pieces);
      expect(readFileSync(file, 'utf8') === pieces.join('')).toBe(true);
      // Nothing but the file is left: the temporary one was renamed over it.
      expect(readdirSync(dir)).toEqual(['state.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
