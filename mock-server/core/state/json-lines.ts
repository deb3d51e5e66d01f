/**
 * A list of records as a snapshot holds it, a line of JSON per record, kept as the bytes read and
 * parsed one record at a time when first used. A million certifications parsed at start cost seconds
 * and about 450 MB of objects; their lines cost one scan. What finds a record without parsing it
 * (record-table.ts) reads its key fields straight from the bytes, with the scanner and hash here.
 */

/**
 * UTF-8 both ways without Node's Buffer: the store runs in the browser build too. The decoder keeps
 * a leading U+FEFF: a key that starts with one (an order number pasted with a BOM) is still that key.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export const utf8Bytes = (text: string): Uint8Array => encoder.encode(text);
export const utf8Text = (bytes: Uint8Array, start: number, end: number): string => decoder.decode(bytes.subarray(start, end));

/** The lines of one list: `bytes[starts[i], ends[i])` is the JSON text of record i. */
export class JsonLines {
  constructor(
    readonly bytes: Uint8Array,
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  parse(line: number): unknown {
    return JSON.parse(utf8Text(this.bytes, this.starts[line]!, this.ends[line]!));
  }

  /** The line's bytes as they are, for writing them out again unparsed. */
  raw(line: number): Uint8Array {
    return this.bytes.subarray(this.starts[line], this.ends[line]);
  }
}

/** Collects line ranges while a reader goes through a file. */
export class JsonLinesBuilder {
  #starts = new Uint32Array(1024);
  #ends = new Uint32Array(1024);
  #length = 0;

  add(start: number, end: number): void {
    if (this.#length === this.#starts.length) {
      const grown = this.#length * 2;
      const starts = new Uint32Array(grown);
      const ends = new Uint32Array(grown);
      starts.set(this.#starts);
      ends.set(this.#ends);
      this.#starts = starts;
      this.#ends = ends;
    }
    this.#starts[this.#length] = start;
    this.#ends[this.#length] = end;
    this.#length++;
  }

  build(bytes: Uint8Array): JsonLines {
    return new JsonLines(bytes, this.#starts.slice(0, this.#length), this.#ends.slice(0, this.#length));
  }
}

// JSON's bytes, as named locals: the scans below test them per byte.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
export const COMMA = 0x2c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const SPACE = 0x20;
const TAB = 0x09;
export const NEWLINE = 0x0a;
const RETURN = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** The closing quote of the string whose opening quote is at `at`, or -1 (validStringEnd's answer, one back). */
function closingQuote(bytes: Uint8Array, at: number, end: number): number {
  const after = validStringEnd(bytes, at, end);
  return after < 0 ? -1 : after - 1;
}

function hasEscape(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === BACKSLASH) return true;
  return false;
}

/** Past a container that opens at `at`: strings inside are skipped whole, so brackets in them do not count. */
function containerEnd(bytes: Uint8Array, at: number, end: number): number {
  let depth = 0;
  for (let i = at; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = closingQuote(bytes, i, end);
      if (i < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

function namedAs(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name[i]) return false;
  return true;
}

/**
 * The names of top-level fields a reader wants, as bytes. The scan stops once it has them all, so
 * fields a record writes first (a certification's kind, id, app_id, order_no) are found after a
 * hundred bytes of a three-hundred-byte line.
 */
export class FieldScanner {
  readonly #names: Uint8Array[];
  /** For each name, the value's range found by the last scan: [start, end), -1 when absent. */
  readonly found: Int32Array;
  /** Whether each found value is a string without escapes (its range is then its text's UTF-8, without quotes). */
  readonly plain: Uint8Array;

  constructor(names: readonly string[]) {
    this.#names = names.map(utf8Bytes);
    this.found = new Int32Array(names.length * 2);
    this.plain = new Uint8Array(names.length);
  }

  /** Scans the JSON object in `bytes[start, end)`; false when it is not one this scanner reads (then parse it). */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    const names = this.#names;
    this.found.fill(-1);
    let missing = names.length;
    let i = start;
    if (bytes[i++] !== OPEN_OBJECT) return false;
    if (bytes[i] === CLOSE_OBJECT) return true;
    while (i < end && missing > 0) {
      if (bytes[i] !== QUOTE) return false;
      const nameStart = i + 1;
      const nameEnd = closingQuote(bytes, i, end);
      if (nameEnd < 0 || bytes[nameEnd + 1] !== COLON) return false;
      let valueStart = nameEnd + 2;
      let valueEnd: number;
      let string = false;
      const first = bytes[valueStart];
      if (first === QUOTE) {
        string = true;
        valueEnd = closingQuote(bytes, valueStart, end);
        valueStart++;
        if (valueEnd < 0) return false;
        i = valueEnd + 1;
      } else if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
        valueEnd = containerEnd(bytes, valueStart, end);
        if (valueEnd < 0) return false;
        i = valueEnd;
      } else {
        valueEnd = valueStart;
        while (valueEnd < end && bytes[valueEnd] !== COMMA && bytes[valueEnd] !== CLOSE_OBJECT) valueEnd++;
        i = valueEnd;
      }
      for (let n = 0; n < names.length; n++) {
        if (this.found[n * 2]! >= 0 || !namedAs(bytes, nameStart, nameEnd, names[n]!)) continue;
        this.found[n * 2] = valueStart;
        this.found[n * 2 + 1] = valueEnd;
        this.plain[n] = string && !hasEscape(bytes, valueStart, valueEnd) ? 1 : 0;
        missing--;
      }
      if (bytes[i] === COMMA) i++;
      else if (bytes[i] === CLOSE_OBJECT) break;
      else return false;
    }
    return true;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of bytes, continued from `hash`. */
export function hashBytes(bytes: Uint8Array, start: number, end: number, hash = FNV_OFFSET): number {
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

/** The hash of key parts as their UTF-8 bytes joined by a 0 byte: the same from a line's ranges or from strings. */
export function hashParts(parts: readonly string[]): number {
  let hash = FNV_OFFSET;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) hash = Math.imul(hash ^ 0, FNV_PRIME);
    const bytes = utf8Bytes(parts[p]!);
    hash = hashBytes(bytes, 0, bytes.length, hash);
  }
  return hash;
}

/** hashParts of the ranges a scan found for fields `from`..`to` (exclusive) of a scanner. */
export function hashFound(bytes: Uint8Array, found: Int32Array, from: number, to: number): number {
  let hash = FNV_OFFSET;
  for (let n = from; n < to; n++) {
    if (n > from) hash = Math.imul(hash ^ 0, FNV_PRIME);
    hash = hashBytes(bytes, found[n * 2]!, found[n * 2 + 1]!, hash);
  }
  return hash;
}


const isDigit = (byte: number | undefined) => byte !== undefined && byte >= ZERO && byte <= NINE;
const isSpace = (byte: number | undefined) => byte === SPACE || byte === TAB || byte === NEWLINE || byte === RETURN;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPES[c.charCodeAt(0)] = 1;

/** Past the string whose opening quote is at `at`, or -1 when it is not a JSON string (unclosed, a raw control character, a bad escape). */
function validStringEnd(bytes: Uint8Array, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const byte = bytes[i]!;
    // Past the backslash: lower-case letters and every byte of a multi-byte character, most of any text.
    if (byte > BACKSLASH) continue;
    if (byte === QUOTE) return i + 1;
    if (byte < SPACE) return -1;
    if (byte === BACKSLASH) {
      const escape = bytes[++i]!;
      if (ESCAPES[escape] !== 1) return -1;
      if (escape === 0x75) {
        if (i + 4 >= end || !HEX[bytes[i + 1]!] || !HEX[bytes[i + 2]!] || !HEX[bytes[i + 3]!] || !HEX[bytes[i + 4]!]) return -1;
        i += 4;
      }
    }
  }
  return -1;
}

/** Past the number at `at`, or -1 when it is not one as JSON writes numbers. */
function validNumberEnd(bytes: Uint8Array, at: number): number {
  let i = at;
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === DOT) {
    if (!isDigit(bytes[++i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

const LITERALS = ['true', 'false', 'null'].map(utf8Bytes);

function validLiteralEnd(bytes: Uint8Array, at: number, end: number): number {
  for (const literal of LITERALS) {
    if (at + literal.length <= end && bytes[at] === literal[0] && namedAs(bytes, at, at + literal.length, literal)) return at + literal.length;
  }
  return -1;
}

/**
 * Whether `bytes[start, end)` is one JSON value and nothing else, by JSON's grammar: what JSON.parse
 * accepts, without building anything. A snapshot's lines are checked so at start, so that a file
 * damaged or mistyped by hand is refused then, as when it was parsed whole, not on first use.
 * One loop with its position in a local, no closures: this runs over every byte of a snapshot.
 */
export function isJsonValue(bytes: Uint8Array, start: number, end: number): boolean {
  // Per open container: whether it is an object (its members need names).
  const objects: boolean[] = [];
  let i = start;
  let name = false;
  for (;;) {
    while (i < end && isSpace(bytes[i])) i++;
    if (name) {
      // A member's name and colon are due: then its value.
      if (bytes[i] !== QUOTE || (i = validStringEnd(bytes, i, end)) < 0) return false;
      while (i < end && isSpace(bytes[i])) i++;
      if (bytes[i++] !== COLON) return false;
      while (i < end && isSpace(bytes[i])) i++;
      name = false;
    }
    const byte = bytes[i];
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      const object = byte === OPEN_OBJECT;
      i++;
      while (i < end && isSpace(bytes[i])) i++;
      if (bytes[i] !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        objects.push(object);
        name = object;
        continue;
      }
      i++;
    } else if (byte === QUOTE) {
      if ((i = validStringEnd(bytes, i, end)) < 0) return false;
    } else if (byte === MINUS || (byte !== undefined && byte >= ZERO && byte <= NINE)) {
      if ((i = validNumberEnd(bytes, i)) < 0) return false;
    } else if ((i = validLiteralEnd(bytes, i, end)) < 0) return false;
    // After a value: the next member, the end of its containers, or the end of the text.
    for (;;) {
      while (i < end && isSpace(bytes[i])) i++;
      if (objects.length === 0) return i === end;
      const object = objects[objects.length - 1]!;
      if (bytes[i] === COMMA) {
        i++;
        name = object;
        break;
      }
      if (bytes[i] !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) return false;
      i++;
      objects.pop();
    }
  }
}
