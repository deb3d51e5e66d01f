/**
 * Writes that are on disk, not in the page cache, when they resolve: an answer 10000 or an admin 2xx
 * is sent only after one of these. Appends are fsynced; whole files are written to a temporary file,
 * fsynced, renamed over the old one, and the folder fsynced so that the rename itself survives a crash.
 */
import { closeSync, constants, fdatasync, fsyncSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Adapter } from 'lowdb';
import { jsonPieces, readJsonLines } from './snapshot-layout.js';

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
