/**
 * Writes that are on disk, not in the page cache, when they resolve: an answer 10000 or an admin 2xx
 * is sent only after one of these. Appends are fsynced; whole files are written to a temporary file,
 * fsynced, renamed over the old one, and the folder fsynced so that the rename itself survives a crash.
 */
import { closeSync, constants, fdatasync, fsyncSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';
import { CLOSE_ARRAY, CLOSE_OBJECT, COMMA, isJsonValue, JsonLinesBuilder, NEWLINE, OPEN_OBJECT, type JsonLines } from '../core/state/json-lines.js';

/** A data folder the sandbox cannot write, with the reason in words. */
export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`the data folder ${dir} cannot be written: ${reason}`);
  }
}

/**
 * A file in the data folder that is JSON, but not of the shape the sandbox writes (edited by hand, or
 * another program's file under the sandbox's name): the start is refused, naming the file and what is
 * wrong, before anything is written to it.
 */
export class DataFileShapeError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem} (the file was left untouched: fix or move it)`);
  }
}

/** What is wrong with a data file's JSON, completing `<file>: …` ("expected …, found an array"); undefined when it fits. */
export type ShapeCheck = (value: unknown) => string | undefined;

/** One member of an object a data file holds. */
export interface MemberShape {
  /** What it must be, completing `expected "name" to be …` ("a list of records (objects)"). */
  readonly expected: string;
  /** What was found instead, completing `found …` ("an object"); undefined when the value fits. */
  readonly found: (value: unknown) => string | undefined;
  readonly optional?: boolean;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What a JSON value is, in words for a message: "an array", "an object", "null", "a string", "a number", "true". */
export function jsonKind(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Names in quotes, joined as a sentence says them: `"a", "b" and "c"`. */
export function quotedList(names: readonly string[], last = 'and'): string {
  const quoted = names.map((name) => JSON.stringify(name));
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${last} ${quoted.at(-1)}`;
}

/**
 * An object with these members; members it does not name are let through (a later version's fields).
 * Members are checked in the order given, and the first that does not fit is the one reported.
 */
export function objectShape(members: Readonly<Record<string, MemberShape>>): ShapeCheck {
  const expected = `an object with ${quotedList(Object.keys(members).filter((name) => !members[name]!.optional))}`;
  return (value) => {
    if (!isJsonObject(value)) return `expected ${expected}, found ${jsonKind(value)}`;
    for (const [name, member] of Object.entries(members)) {
      if (!Object.hasOwn(value, name)) {
        if (member.optional) continue;
        return `expected ${expected}, found one without "${name}"`;
      }
      const found = member.found(value[name]);
      if (found !== undefined) return `expected "${name}" to be ${member.expected}, found ${found}`;
    }
    return undefined;
  };
}

/** For a member that is a list: undefined when every element fits, else the first that does not ("null at index 3"), or what the value is instead of a list. */
export function listOf(fits: (element: unknown) => boolean = isJsonObject): (value: unknown) => string | undefined {
  return (value) => {
    if (!Array.isArray(value)) return jsonKind(value);
    const at = value.findIndex((element) => !fits(element));
    return at < 0 ? undefined : `${jsonKind(value[at])} at index ${at}`;
  };
}

/** What an errno means for a data folder, in words a user can act on. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'ENOSPC':
      return 'no space is left on its device';
    case 'EDQUOT':
      return 'the disk quota is exhausted';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'it is not a folder';
    case 'ENOENT':
      return 'it does not exist';
    default:
      return (error as Error).message;
  }
}

/**
 * Creates the folder if need be and proves it takes a durable write, or throws DataDirError. A folder
 * it creates is fsynced into its parent (and each folder made on the way into its own): otherwise a
 * crash can lose the folder, and with it files whose own fsyncs had been acknowledged.
 */
export function checkWritableDir(dir: string): void {
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    const firstMade = mkdirSync(dir, { recursive: true });
    if (firstMade !== undefined) {
      const first = resolve(firstMade);
      for (let made = resolve(dir); ; made = dirname(made)) {
        fsyncPathSync(dirname(made));
        if (made === first || dirname(made) === made) break;
      }
    }
    writeFileSync(probe, 'the sandbox checks that its data folder can be written\n');
    fsyncPathSync(probe);
    unlinkSync(probe);
  } catch (error) {
    throw new DataDirError(dir, reasonOf(error));
  }
}

/** fsyncs a file or a folder by its path. */
function fsyncPathSync(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a folder, so that a rename in it survives a crash. */
export async function fsyncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Resolves once what was written to `fd` is on disk (its data; the size too when it grew). */
export function flushedToDisk(fd: number): Promise<void> {
  return new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

export function writeAllSync(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * Text is serialised for at most this long, or until the chunk buffer is full, between two writes,
 * each of which lets the event loop run. By time, not by size alone: at a million records a 1 MiB
 * slice took 11-14 ms to make, and queued behind it the answers waited 30-60 ms; 64 KiB slices kept
 * each turn short but, under load, took five times as many turns, so that the snapshot did not finish.
 */
const SLICE_MS = 4;
const CHUNK_BYTES = 1 << 20;
/** A long write is flushed to disk every this many bytes. */
const FLUSH_BYTES = 4 << 20;
/**
 * Past its first PACED_AFTER bytes, a long write goes at most this fast. Snapshot lines copied as read
 * (record-table.ts) reach the disk as fast as it takes them, and the dirty pages behind them stalled
 * the main thread's own log appends: at a million records, unpaced with 16 MiB flushes, the slowest
 * probe took 130-235 ms; 4 MiB flushes at 48 MiB/s, 50-423 ms; at 32 MiB/s, 32 ms. A snapshot of a
 * million records (350 MB) then takes 11 s, written beside the answers.
 */
const PACED_BYTES_PER_S = 32 << 20;
const PACED_AFTER = 16 << 20;
/** The most UTF-8 bytes one UTF-16 code unit of a string can take. */
const MAX_UTF8_PER_UNIT = 3;

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
function readJsonLines(bytes: Buffer, asLines: ReadonlySet<string> = new Set()): unknown {
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

/**
 * Writes the pieces in order, encoded into one reused buffer: a snapshot of hundreds of megabytes
 * never becomes strings of a megabyte, which V8 allocates straight in its old generation. Written
 * that way, a million records left 190 MB of garbage there (heap 639 against 445 MB after the write),
 * which brings on the next full collection of the whole heap sooner (at that size about 0.4 s of
 * marking, in steps of up to 15 ms, and a pause of 40-57 ms); the longest event-loop delay while
 * writing was 24-43 ms, against 12 ms now.
 */
async function writePieces(handle: FileHandle, pieces: Iterable<string | Uint8Array>): Promise<void> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let unsynced = 0;
  let sliceStarted = performance.now();
  const began = sliceStarted;
  let written = 0;
  const writeOut = async () => {
    await handle.write(buffer, 0, used);
    unsynced += used;
    written += used;
    used = 0;
    const ahead = ((written - PACED_AFTER) / PACED_BYTES_PER_S) * 1000 - (performance.now() - began);
    if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    // Flushed as it goes: hundreds of megabytes left to the final sync make the log appends'
    // fdatasyncs meanwhile wait behind them. At 1M records, when every record was serialised anew:
    // slowest probe 176-188 against 227-262 ms, 1,331-1,398 against 1,202-1,234 req/s (every
    // 4 MiB was worse then: 359 ms; paced, 4 MiB is what gave the figures above).
    if (unsynced >= FLUSH_BYTES) {
      await handle.datasync();
      unsynced = 0;
    }
    sliceStarted = performance.now();
  };
  for (const piece of pieces) {
    const most = typeof piece === 'string' ? piece.length * MAX_UTF8_PER_UNIT : piece.length;
    if (used + most > buffer.length) {
      if (used > 0) await writeOut();
      // A piece too big for the buffer (one huge record) goes as it is.
      if (most > buffer.length) {
        await (typeof piece === 'string' ? handle.write(piece) : handle.write(piece));
        continue;
      }
    }
    if (typeof piece === 'string') used += buffer.write(piece, used);
    else {
      buffer.set(piece, used);
      used += piece.length;
    }
    if (performance.now() - sliceStarted >= SLICE_MS) await writeOut();
  }
  if (used > 0) await writeOut();
}

/** Replaces a file whole and atomically: a crash leaves the old file or the new one, never a mix. */
let temporaries = 0;

export async function writeAtomically(path: string, text: string | Iterable<string | Uint8Array>): Promise<void> {
  // Its own temporary file per write: a compaction's snapshot and another write never share one.
  const temporary = `${path}.${process.pid}.${++temporaries}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      if (typeof text === 'string') await handle.writeFile(text);
      else await writePieces(handle, text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    // A half-written temporary file only takes the space a retry needs.
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await fsyncFolder(dirname(path));
}

/**
 * lowdb's JSONFile, made durable: each write is writeAtomically's, compact JSON written in slices. A
 * file whose JSON does not fit `shape` is refused when read (DataFileShapeError), so that a start on it
 * stops with the file's name and what is wrong, not with a TypeError from deep in whatever uses it.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  /** `asLines`: the root's lists to read as lines, parsed when used (json-lines.ts). */
  constructor(
    readonly path: string,
    readonly asLines: ReadonlySet<string> = new Set(),
    readonly shape?: ShapeCheck,
  ) {}

  async read(): Promise<T | null> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let value: unknown;
    try {
      value = readJsonLines(await handle.readFile(), this.asLines);
    } finally {
      await handle.close();
    }
    const problem = this.shape?.(value);
    if (problem !== undefined) throw new DataFileShapeError(this.path, problem);
    return value as T;
  }

  write(data: T): Promise<void> {
    return writeAtomically(this.path, jsonPieces(data));
  }
}
