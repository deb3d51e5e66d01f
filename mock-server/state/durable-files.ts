/**
 * Writes that are on disk, not in the page cache, when they resolve: an answer 10000 or an admin 2xx
 * is sent only after one of these. Appends are fsynced; whole files are written to a temporary file,
 * fsynced, renamed over the old one, and the folder fsynced so that the rename itself survives a crash.
 */
import { constants, mkdirSync, unlinkSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** A data folder the sandbox cannot write, with the reason in words. */
export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`the data folder ${dir} cannot be written: ${reason}`);
  }
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

/** Creates the folder if need be and proves it takes a durable write, or throws DataDirError. */
export function checkWritableDir(dir: string): void {
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'the sandbox checks that its data folder can be written\n');
    const fd = openSync(probe, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (error) {
    throw new DataDirError(dir, reasonOf(error));
  }
}

async function fsyncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Appends text and fsyncs it. The file is opened per call: a folder deleted meanwhile fails loudly (ENOENT) instead of writing to an unlinked file. */
export async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.appendFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** About this much text is serialised between two writes, each of which lets the event loop run. */
const CHUNK_CHARACTERS = 1 << 20;

/**
 * JSON text of `value` in pieces, the same text JSON.stringify gives: containers are opened `depth`
 * levels deep and what lies below is stringified whole. So a snapshot of a million records is written
 * a slice at a time instead of being one string built in one blocking call.
 */
export function* jsonPieces(value: unknown, depth = 3): Generator<string> {
  if (depth === 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    // By index, to the length at each step: the array is not copied.
    for (let i = 0; i < value.length; i++) {
      if (i) yield ',';
      yield* jsonPieces(value[i] === undefined || typeof value[i] === 'function' ? null : value[i], depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const field = (value as Record<string, unknown>)[name];
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    yield `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    yield* jsonPieces(field, depth - 1);
  }
  yield '}';
}

/** Replaces a file whole and atomically: a crash leaves the old file or the new one, never a mix. */
export async function writeAtomically(path: string, text: string | Iterable<string>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      if (typeof text === 'string') await handle.writeFile(text);
      else {
        let chunk = '';
        for (const piece of text) {
          chunk += piece;
          if (chunk.length < CHUNK_CHARACTERS) continue;
          await handle.write(chunk);
          chunk = '';
        }
        if (chunk) await handle.write(chunk);
      }
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

/** lowdb's JSONFile, made durable: each write is writeAtomically's, compact JSON written in slices. */
export class DurableJSONFile<T> implements Adapter<T> {
  constructor(readonly path: string) {}

  async read(): Promise<T | null> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(await handle.readFile('utf8')) as T;
    } finally {
      await handle.close();
    }
  }

  write(data: T): Promise<void> {
    return writeAtomically(this.path, jsonPieces(data));
  }
}
