/**
 * The layout of the data folder's JSON files: a line per record, so that a snapshot of a million
 * records is written a slice at a time (jsonPieces) and read a line at a time (readJsonLines), its
 * lists of records kept as their lines (json-lines.ts) rather than parsed. Any JSON parser reads the
 * same text with the same result; text of another layout (an older compact snapshot) still reads.
 */
import { CLOSE_ARRAY, CLOSE_OBJECT, COMMA, isJsonValue, JsonLinesBuilder, NEWLINE, OPEN_OBJECT, type JsonLines } from '../core/state/json-lines.js';

/** A value as JSON.stringify writes it inside a container: undefined, functions and symbols are left out of objects and are null in arrays. */
function absent(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** A list that gives its members' JSON text itself (record-table.ts: lines never parsed go out as their bytes). */
export interface JsonLinesSource {
  jsonLines(): Iterable<string | Uint8Array>;
}

function isLinesSource(value: unknown): value is JsonLinesSource {
  return value !== null && typeof value === 'object' && typeof (value as { jsonLines?: unknown }).jsonLines === 'function';
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * Which containers get a line per member: the top one, arrays (lists of records), and objects whose
 * members are all containers (maps of records). A record itself (scalars among its fields) stays on
 * one line, so that a snapshot is a line per record.
 */
function opened(value: unknown, top: boolean): value is object {
  if (!isContainer(value)) return false;
  if (top || Array.isArray(value)) return true;
  for (const name in value) if (Object.hasOwn(value, name) && !isContainer((value as Record<string, unknown>)[name])) return false;
  return true;
}

/**
 * JSON text of `value` in pieces, a line per member: containers (see opened) are opened `depth` levels deep, each on
 * lines of their own, and what lies below is stringified whole on one line. It is JSON (any parser
 * reads it, with the same result as JSON.stringify's text); readJsonLines reads it a line at a time, and
 * the writer yields a slice at a time, so a snapshot of a million records is never one huge string.
 */
export function* jsonPieces(value: unknown, depth = 3, top = true): Generator<string | Uint8Array> {
  if (isLinesSource(value)) {
    let first = true;
    yield '[';
    for (const line of value.jsonLines()) {
      yield first ? '\n' : ',\n';
      first = false;
      yield line;
    }
    yield first ? ']' : '\n]';
    return;
  }
  if (depth === 0 || !opened(value, top)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  const array = Array.isArray(value);
  yield array ? '[' : '{';
  let first = true;
  if (array) {
    // By index, to the length at each step: the array is not copied.
    for (let i = 0; i < value.length; i++) {
      yield first ? '\n' : ',\n';
      first = false;
      const member = absent(value[i]) ? null : value[i];
      // A record (the common member) is one line: stringified here, without a generator of its own.
      if (depth === 1 || (!opened(member, false) && !isLinesSource(member))) yield JSON.stringify(member) ?? 'null';
      else yield* jsonPieces(member, depth - 1, false);
    }
  } else {
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      const field = (value as Record<string, unknown>)[name];
      if (absent(field)) continue;
      yield `${first ? '\n' : ',\n'}${JSON.stringify(name)}:`;
      first = false;
      yield* jsonPieces(field, depth - 1, false);
    }
  }
  yield first ? (array ? ']' : '}') : array ? '\n]' : '\n}';
}

const MEMBER = /^("(?:[^"\\]|\\.)*"):(.*)$/s;

/**
 * Reads what jsonPieces wrote a line at a time, from the bytes: no string of the whole file is made.
 * Measured on a snapshot of 1,000,000 certifications: 2.4 s and 0.9 GB RSS, against 4.2 s and 2.3 GB
 * for reading the text and JSON.parse over it. Lists of the root named in `asLines` are not parsed
 * at all: they are kept as their lines (json-lines.ts). Text of another layout (an older compact
 * snapshot) is handed to JSON.parse.
 */
export function readJsonLines(bytes: Buffer, asLines: ReadonlySet<string> = new Set()): unknown {
  // jsonPieces opens the top container on a line of its own; anything else is another layout.
  const layout = bytes.length >= 2 && (bytes[0] === 0x7b || bytes[0] === 0x5b) && bytes[1] === NEWLINE;
  if (layout) {
    try {
      return readLines(bytes, asLines);
    } catch {
      // Not what jsonPieces writes after all: the whole text, as any JSON.
    }
  }
  return JSON.parse(bytes.toString('utf8'));
}

/**
 * The members of a list, a line each, up to its closing line: where it ends, and their ranges. Not
 * a record per line (a record of nothing but containers is opened over lines), or a line that is not
 * JSON, throws: then the file is read as any JSON (and a damaged one is refused with JSON.parse's
 * error, as before lines were kept).
 */
function listLines(bytes: Buffer, from: number): { next: number; lines: JsonLines } {
  const builder = new JsonLinesBuilder();
  for (let start = from; start < bytes.length; ) {
    const newline = bytes.indexOf(NEWLINE, start);
    const next = newline < 0 ? bytes.length : newline + 1;
    let end = newline < 0 ? bytes.length : newline;
    if (bytes[end - 1] === COMMA) end--;
    if (end - start === 1 && bytes[start] === CLOSE_ARRAY) return { next, lines: builder.build(bytes) };
    if (end - start < 2 || bytes[start] !== OPEN_OBJECT || bytes[end - 1] !== CLOSE_OBJECT) throw new Error('not a record per line');
    // Checked, not parsed: a damaged line fails the read now (as JSON.parse of the whole text), not its first use.
    if (!isJsonValue(bytes, start, end)) throw new Error('not JSON');
    builder.add(start, end);
    start = next;
  }
  throw new Error('unfinished');
}

function readLines(bytes: Buffer, asLines: ReadonlySet<string>): unknown {
  type Open = { readonly container: Record<string, unknown> | unknown[] };
  const stack: Open[] = [];
  let root: unknown;
  let start = 0;
  const place = (key: string | undefined, value: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root !== undefined) throw new Error('more than one value');
      root = value;
    } else if (Array.isArray(top.container)) top.container.push(value);
    // Defined, not assigned: a member named "__proto__" is a property, as JSON.parse makes it.
    else Object.defineProperty(top.container, key!, { value, writable: true, enumerable: true, configurable: true });
  };
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    let line = bytes.toString('utf8', start, end < 0 ? bytes.length : end);
    start = end < 0 ? bytes.length : end + 1;
    if (line.endsWith(',')) line = line.slice(0, -1);
    if (line === '') continue;
    const top = stack[stack.length - 1];
    let key: string | undefined;
    let rest = line;
    if (top && !Array.isArray(top.container)) {
      const member = MEMBER.exec(line);
      if (!member) {
        if (line === '}') {
          stack.pop();
          continue;
        }
        throw new Error('not a member');
      }
      key = JSON.parse(member[1]!) as string;
      rest = member[2]!;
    } else if (top && line === ']') {
      stack.pop();
      continue;
    }
    if (rest === '[' && key !== undefined && stack.length === 1 && asLines.has(key)) {
      // A list of the root the reader keeps as lines: scanned for their ends, not decoded or parsed.
      const list = listLines(bytes, start);
      place(key, list.lines);
      start = list.next;
    } else if (rest === '[' || rest === '{') {
      const container = rest === '[' ? [] : {};
      place(key, container);
      stack.push({ container });
    } else {
      // An empty container opens and closes on its line: "[]", "{}", or "name":[] inside an object.
      place(key, JSON.parse(rest));
    }
  }
  if (stack.length || root === undefined) throw new Error('unfinished');
  return root;
}
