/**
 * A list of records, in the order they were first added, with lookups by key fields; records a
 * snapshot's lines hold (json-lines.ts) stay unparsed until a lookup or a walk first reaches them.
 * So a restart on a million certifications scans their key fields and hashes them into a table of
 * numbers (about 1.1 s of it), instead of parsing a million records and putting them in maps
 * (measured: listening after 3.5-4.4 s with 640 MiB RSS, the lines' JSON check included, against
 * 7.9-11.0 s with 840 MiB). A snapshot written later copies the lines nobody touched as they are.
 *
 * Lookup fields are fixed once a record exists (a certification's kind, id, app_id and order_no):
 * a record is indexed when added and never again.
 */
import { FieldScanner, hashBytes, hashFound, JsonLines, utf8Bytes, utf8Text } from './json-lines.js';

/** Lookup name → the string fields whose values, joined by U+0000, a record is found by. */
export type TableLookups<T, L extends string = string> = Readonly<Record<L, readonly (keyof T & string)[]>>;

const SEPARATOR = '\u0000';

/** Open addressing over the hashes of the lines' keys: slot → line + 1 (0 empty). */
interface LineIndex {
  readonly slots: Int32Array;
  readonly hashes: Int32Array;
  readonly mask: number;
}

function lineIndex(lines: number): LineIndex {
  let size = 16;
  while (size < lines * 2) size *= 2;
  return { slots: new Int32Array(size), hashes: new Int32Array(size), mask: size - 1 };
}

/** A number as JSON wrote it: whole ones (timestamps) read digit by digit, others through Number(). */
function jsonNumber(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9 || end - start > 15) return Number(utf8Text(bytes, start, end));
    value = value * 10 + digit;
  }
  return end > start ? value : Number.NaN;
}

export class RecordTable<T extends object, L extends string = string> implements Iterable<T> {
  readonly #spec: TableLookups<T, L>;
  readonly #lookups: ReadonlyArray<readonly [string, readonly (keyof T & string)[]]>;
  /** By position: the record, or undefined while it is still a line. */
  readonly #records: (T | undefined)[] = [];
  readonly #lines: JsonLines | undefined;
  /** Per lookup, the lines indexed from their bytes. */
  readonly #lineIndexes: LineIndex[] = [];
  /** Per lookup, key → position of records added, and of lines whose keys the bytes could not give. */
  readonly #added: Map<string, number>[];
  readonly #scanner: FieldScanner;
  /** Another, for reading a line's key again while the first is midway through indexing one. */
  readonly #keyScanner: FieldScanner;
  /** Positions of records deleted one at a time (left out of every walk, lookup and write). */
  readonly #gone = new Set<number>();
  /** Per numeric field, each line's value as its bytes give it (NaN where they do not), read when first asked for. */
  readonly #lineNumbers = new Map<string, Float64Array>();

  private constructor(lookups: TableLookups<T, L>, lines: JsonLines | undefined) {
    this.#spec = lookups;
    this.#lookups = Object.entries<readonly (keyof T & string)[]>(lookups);
    this.#added = this.#lookups.map(() => new Map());
    this.#scanner = new FieldScanner(this.#lookups.flatMap(([, fields]) => fields));
    this.#keyScanner = new FieldScanner(this.#lookups.flatMap(([, fields]) => fields));
    this.#lines = lines;
  }

  /** A table over a list of records, or over a snapshot's lines of them. */
  static of<T extends object, L extends string>(lookups: TableLookups<T, L>, records: readonly T[] | JsonLines): RecordTable<T, L> {
    if (Array.isArray(records)) {
      const table = new RecordTable<T, L>(lookups, undefined);
      for (const record of records) table.add(record);
      return table;
    }
    const table = new RecordTable<T, L>(lookups, records as JsonLines);
    table.#indexLines([]);
    return table;
  }

  /**
   * Hashes each line's key fields from its bytes; a line they cannot be read from is parsed now.
   * `parsed`: lines already parsed (by position), indexed by their records' values instead.
   */
  #indexLines(parsed: readonly (T | undefined)[]): void {
    const lines = this.#lines!;
    const { bytes, starts, ends } = lines;
    const scanner = this.#scanner;
    for (let l = 0; l < this.#lookups.length; l++) this.#lineIndexes.push(lineIndex(lines.length));
    for (let line = 0; line < lines.length; line++) {
      const record = parsed[line];
      this.#records.push(record);
      if (record !== undefined) {
        this.#indexAdded(record, line);
        continue;
      }
      const scanned = scanner.scan(bytes, starts[line]!, ends[line]!);
      let field = 0;
      for (let l = 0; l < this.#lookups.length; l++) {
        const count = this.#lookups[l]![1].length;
        if (scanned && this.#plain(field, field + count)) this.#insertLine(l, hashFound(bytes, scanner.found, field, field + count), line);
        else {
          // A key with escapes (or a line the scanner does not read): the record's own values, parsed.
          const key = this.#keyOf(l, this.#at(line));
          if (key !== undefined) this.#added[l]!.set(key, line);
        }
        field += count;
      }
    }
  }

  /** Whether the last scan found fields `from`..`to` as strings without escapes (their bytes are then their text). */
  #plain(from: number, to: number): boolean {
    const { plain, found } = this.#scanner;
    for (let n = from; n < to; n++) if (plain[n] !== 1 || found[n * 2]! < 0) return false;
    return true;
  }

  #insertLine(lookup: number, hash: number, line: number): void {
    const { slots, hashes, mask } = this.#lineIndexes[lookup]!;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot]!;
      // A later line with the same key takes the slot, as a later record takes a map's entry.
      if (held === 0 || (hashes[slot] === hash && this.#lineKey(lookup, held - 1) === this.#lineKey(lookup, line))) {
        slots[slot] = line + 1;
        hashes[slot] = hash;
        return;
      }
    }
  }

  /** A line's key for a lookup, read from its bytes again (for the rare equal hashes, and to confirm a find). */
  #lineKey(lookup: number, line: number): string | undefined {
    const record = this.#records[line];
    if (record !== undefined) return this.#keyOf(lookup, record);
    const lines = this.#lines!;
    const scanner = this.#keyScanner;
    scanner.scan(lines.bytes, lines.starts[line]!, lines.ends[line]!);
    let field = 0;
    for (let l = 0; l < lookup; l++) field += this.#lookups[l]![1].length;
    const parts: string[] = [];
    for (let n = field; n < field + this.#lookups[lookup]![1].length; n++) parts.push(utf8Text(lines.bytes, scanner.found[n * 2]!, scanner.found[n * 2 + 1]!));
    return parts.join(SEPARATOR);
  }

  #keyOf(lookup: number, record: T): string | undefined {
    const fields = this.#lookups[lookup]![1];
    if (fields.length === 1) {
      const value = record[fields[0]!];
      return typeof value === 'string' ? value : undefined;
    }
    const parts: string[] = [];
    for (const field of fields) {
      const value = record[field];
      if (typeof value !== 'string') return undefined;
      parts.push(value);
    }
    return parts.join(SEPARATOR);
  }

  #indexAdded(record: T, position: number): void {
    for (let l = 0; l < this.#lookups.length; l++) {
      const key = this.#keyOf(l, record);
      if (key !== undefined) this.#added[l]!.set(key, position);
    }
  }

  #at(position: number): T {
    let record = this.#records[position];
    if (record === undefined) {
      record = this.#lines!.parse(position) as T;
      this.#records[position] = record;
    }
    return record;
  }

  get length(): number {
    return this.#records.length - this.#gone.size;
  }

  /** The record a lookup finds by its fields' values (joined by U+0000 when more than one). */
  find(lookup: L, ...values: string[]): T | undefined {
    const position = this.#positionOf(lookup, values);
    return position < 0 ? undefined : this.#at(position);
  }

  /** Deletes the record a lookup finds, and answers it. */
  delete(lookup: L, ...values: string[]): T | undefined {
    const position = this.#positionOf(lookup, values);
    if (position < 0) return undefined;
    const record = this.#at(position);
    this.#forget(position, record);
    return record;
  }

  /** Leaves the record at `position` out of every walk, lookup and write from now on. */
  #forget(position: number, record: T): void {
    this.#gone.add(position);
    for (let l = 0; l < this.#lookups.length; l++) {
      const key = this.#keyOf(l, record);
      if (key !== undefined && this.#added[l]!.get(key) === position) this.#added[l]!.delete(key);
    }
    // A removed line is not read again: its parsed record need not be kept.
    if (position < (this.#lines?.length ?? 0)) this.#records[position] = undefined;
  }

  #positionOf(lookup: L, values: readonly string[]): number {
    const l = this.#lookups.findIndex(([name]) => name === lookup);
    if (l < 0) throw new Error(`no lookup ${lookup}`);
    const key = values.join(SEPARATOR);
    // The later of the two, as the later of two records with one key wins a map's entry.
    const position = Math.max(this.#added[l]!.get(key) ?? -1, this.#lines ? this.#foundLine(l, key) : -1);
    return this.#gone.has(position) ? -1 : position;
  }

  /** The line the bytes' index finds for a key, or -1. */
  #foundLine(lookup: number, key: string): number {
    const { slots, hashes, mask } = this.#lineIndexes[lookup]!;
    const bytes = utf8Bytes(key);
    const hash = hashBytes(bytes, 0, bytes.length);
    for (let slot = hash & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (hashes[slot] === hash && this.#lineKey(lookup, slots[slot]! - 1) === key) return slots[slot]! - 1;
    }
    return -1;
  }

  /** Adds a record at the end (the caller has made sure no record has its keys, or means to shadow it). */
  add(record: T): void {
    this.#records.push(record);
    this.#indexAdded(record, this.#records.length - 1);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let position = 0; position < this.#records.length; position++) if (!this.#gone.has(position)) yield this.#at(position);
  }

  /** Every record, oldest first (each line parsed now, once). */
  all(): T[] {
    return [...this];
  }

  /**
   * The records whose numeric `field` is below `value`, parsed, and a table of the others. Lines are
   * not parsed to be kept: the field is read from their bytes (once per table and field), so that
   * retention's sweep over a million lines costs a pass over numbers, not a million parses.
   */
  withoutBelow(field: keyof T & string, value: number): { kept: RecordTable<T, L>; removed: T[] } {
    const numbers = this.#lines ? this.#numbersOf(field) : undefined;
    const positions: number[] = [];
    for (let position = 0; position < this.#records.length; position++) {
      if (this.#gone.has(position)) continue;
      const record = this.#records[position];
      let number: unknown = record === undefined ? numbers![position] : record[field];
      if (record === undefined && Number.isNaN(number)) number = this.#at(position)[field];
      if (typeof number === 'number' && number < value) positions.push(position);
    }
    return this.#withoutPositions(positions);
  }

  #numbersOf(field: string): Float64Array {
    let numbers = this.#lineNumbers.get(field);
    if (numbers) return numbers;
    const lines = this.#lines!;
    const scanner = new FieldScanner([field]);
    numbers = new Float64Array(lines.length);
    for (let line = 0; line < lines.length; line++) {
      const read = scanner.scan(lines.bytes, lines.starts[line]!, lines.ends[line]!) && scanner.found[0]! >= 0 && scanner.plain[0] === 0;
      // A number as JSON writes it is what Number() reads; anything else (a string, null) is NaN, and parsed.
      numbers[line] = read ? jsonNumber(lines.bytes, scanner.found[0]!, scanner.found[1]!) : Number.NaN;
    }
    this.#lineNumbers.set(field, numbers);
    return numbers;
  }

  /** A table without the records at these positions (ascending), which are given back parsed; lines kept stay lines. */
  #withoutPositions(positions: readonly number[]): { kept: RecordTable<T, L>; removed: T[] } {
    if (positions.length === 0) return { kept: this, removed: [] };
    const removed = positions.map((position) => this.#at(position));
    // A few (a sweep's oldest minutes out of a month): left out in place, as delete() does. A new
    // table hashes every kept line's keys again, seconds on the main thread at a million lines, and
    // pays for itself only once a quarter of the positions are gone (the memory they hold comes back).
    if (this.#gone.size + positions.length <= this.#records.length / 4) {
      for (let i = 0; i < positions.length; i++) this.#forget(positions[i]!, removed[i]!);
      return { kept: this, removed };
    }
    const gone = new Set([...positions, ...this.#gone]);
    const lines = this.#lines;
    const lineCount = lines?.length ?? 0;
    const keptLines: number[] = [];
    for (let line = 0; line < lineCount; line++) if (!gone.has(line)) keptLines.push(line);
    const table = new RecordTable<T, L>(this.#spec, lines && new JsonLines(lines.bytes, Uint32Array.from(keptLines, (line) => lines.starts[line]!), Uint32Array.from(keptLines, (line) => lines.ends[line]!)));
    if (lines) {
      table.#indexLines(keptLines.map((line) => this.#records[line]));
      for (const [field, numbers] of this.#lineNumbers) table.#lineNumbers.set(field, Float64Array.from(keptLines, (line) => numbers[line]!));
    }
    for (let position = lineCount; position < this.#records.length; position++) if (!gone.has(position)) table.add(this.#records[position]!);
    return { kept: table, removed };
  }

  /** Each record's JSON text: a line still unparsed as its bytes, the others as they now are. */
  *jsonLines(): Generator<string | Uint8Array> {
    for (let position = 0; position < this.#records.length; position++) {
      if (this.#gone.has(position)) continue;
      const record = this.#records[position];
      yield record === undefined ? this.#lines!.raw(position) : JSON.stringify(record);
    }
  }

  /** As JSON.stringify writes it: the list. */
  toJSON(): T[] {
    return this.all();
  }
}
