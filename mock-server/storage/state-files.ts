/**
 * State in the data folder, with lowdb: a snapshot (state.json, written atomically and fsynced) and
 * a change log (state.changes.jsonl) each batch of changes is appended to and fsynced, so that a write
 * costs what changed. A data folder that cannot be written is refused when the storage opens; a
 * corrupt change-log line refuses the start (or, with `repair`, is cut off with a copy kept); so does a
 * snapshot of another shape than the sandbox writes (DataFileShapeError, the file left as it is).
 *
 * A snapshot and the log segments written after it share a generation: a segment starts with a line
 * `{"log_generation":N}`, and the snapshot holds the same N. A reset writes its snapshot with the next
 * generation before it empties the log, so that a crash between the two does not replay the removed
 * records over it: segments of another generation are skipped at start. A retention sweep is a line of
 * the log (`{"dropped":…}`, the ids it dropped), replayed in its place.
 * Folders written before generations existed (no header, no field) are generation 0.
 */
import { closeSync, copyFileSync, existsSync, fstatSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import {
  checkWritableDir,
  DataFileShapeError,
  DurableJSONFile,
  flushedToDisk,
  fsyncFolder,
  isJsonObject,
  jsonKind,
  listOf,
  objectShape,
  quotedList,
  writeAllSync,
  writeAtomically,
  type MemberShape,
} from './durable-files.js';
import { JsonLines } from '../core/state/json-lines.js';
import { CHANGE_KINDS, type LoadedSnapshot, type LoggedChange, type StateSnapshot, type StateStorage, type StoredState } from '../core/state/state-storage.js';

/**
 * A change-log line that is not the torn end of a crashed write: refusing to start beats dropping it.
 * `problem` says what is wrong with the line ("it is not JSON", "expected …, found an array").
 */
export class CorruptStateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(
      `${file} line ${line} is corrupt: ${problem}; nothing was dropped. ` +
        `Start with --repair-state to truncate the log before line ${line} (the whole file is kept as ${file}.corrupt), or move the data folder away.`,
    );
  }
}

const NOT_JSON = 'it is not JSON';
const A_CHANGE = `a change (an object with one of ${quotedList(CHANGE_KINDS, 'or')})`;

/**
 * What is wrong with a parsed line as a change, or undefined. Replay reads each change's record (and a
 * method record's kind and key) without looking: a line of another shape would fail there, unnamed.
 */
function changeProblem(value: unknown): string | undefined {
  if (!isJsonObject(value)) return `expected ${A_CHANGE}, found ${jsonKind(value)}`;
  const kind = CHANGE_KINDS.find((name) => Object.hasOwn(value, name));
  if (kind === undefined) {
    const names = Object.keys(value);
    return `expected ${A_CHANGE}, found ${names.length ? `one with ${quotedList(names.slice(0, 5))}` : 'an empty object'}`;
  }
  const record = value[kind];
  if (kind === 'dropped') return droppedProblem(record);
  if (!isJsonObject(record)) return `expected "${kind}" to be a record (an object), found ${jsonKind(record)}`;
  if (kind === 'record' && (typeof record.kind !== 'string' || typeof record.key !== 'string')) return 'expected "record" to have a "kind" and a "key", both strings';
  return undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** What is wrong with a sweep's line (`{"dropped":{"certifications":[ids],"materials":[[app_id, transaction_id]]}}`), or undefined. */
function droppedProblem(dropped: unknown): string | undefined {
  const expected = 'expected "dropped" to have "certifications", a list of ids, and "materials", a list of [app_id, transaction_id]';
  if (!isJsonObject(dropped) || !Array.isArray(dropped.certifications) || !Array.isArray(dropped.materials)) return expected;
  if (!dropped.certifications.every(isText)) return expected;
  if (!dropped.materials.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isText))) return expected;
  return undefined;
}

/** A line's change, or what is wrong with it in words. */
function parseChange(line: string): LoggedChange | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return NOT_JSON;
  }
  return changeProblem(value) ?? (value as LoggedChange);
}

/** What the file holds: the state, and the generation of the log segments that follow it. */
type SnapshotFile = (LoadedSnapshot | StateSnapshot) & { log_generation?: number };

/** The snapshot's lists, read as lines and parsed when used: at a million records, most never are before the next restart. */
const READ_AS_LINES: ReadonlySet<string> = new Set(['people', 'authorizations', 'certifications', 'material_certifications']);

/** A snapshot's list: records (objects), or the lines of them the reader kept (each checked to be an object). */
const RECORD_LIST: MemberShape = { expected: 'a list of records (objects)', found: (value) => (value instanceof JsonLines ? undefined : listOf()(value)) };

/** Method records: kind → key → record (record-collection.ts). */
const METHOD_RECORDS: MemberShape = {
  expected: 'an object of record kinds, each an object of records by key',
  optional: true,
  found: (value) => {
    if (!isJsonObject(value)) return jsonKind(value);
    const kind = Object.keys(value).find((name) => !isJsonObject(value[name]));
    return kind === undefined ? undefined : `${jsonKind(value[kind])} at "${kind}"`;
  },
};

/** What state.json holds as the store reads it (state-storage.ts: LoadedSnapshot, and the log generation). */
const SNAPSHOT_SHAPE = objectShape({
  version: { expected: '1', found: (value) => (value === 1 ? undefined : (JSON.stringify(value) ?? jsonKind(value))) },
  people: RECORD_LIST,
  authorizations: RECORD_LIST,
  certifications: RECORD_LIST,
  material_certifications: RECORD_LIST,
  records: METHOD_RECORDS,
  log_generation: { expected: 'a whole number from 0', optional: true, found: (value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : jsonKind(value)) },
});

function generationHeader(line: string): number | undefined {
  try {
    const header = JSON.parse(line) as { log_generation?: unknown };
    return Number.isSafeInteger(header?.log_generation) ? (header.log_generation as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The change log's complete lines, parsed, and its generation (its header line; 0 without one). A
 * batch is appended in one write ending in a newline, so a crash can only leave an unterminated tail
 * (never acknowledged), which is skipped; a bad line before the tail is corruption. The offset says
 * where the good part ends, for repair.
 */
function readChanges(log: string): { generation: number; changes: LoggedChange[]; corruptAt?: { line: number; offset: number; problem: string } } {
  const changes: LoggedChange[] = [];
  let offset = 0;
  let line = 0;
  let generation = 0;
  while (offset < log.length) {
    const end = log.indexOf('\n', offset);
    const last = end < 0;
    line++;
    const text = log.slice(offset, last ? log.length : end);
    const header = line === 1 ? generationHeader(text) : undefined;
    if (header !== undefined) generation = header;
    else if (text) {
      const change = parseChange(text);
      // A torn tail is a prefix of a line the sandbox wrote, so not JSON, or the whole change: skipped.
      // A tail that is JSON of another shape was never the sandbox's, and is refused like any line.
      if (typeof change === 'string' && !(last && change === NOT_JSON)) return { generation, changes, corruptAt: { line, offset, problem: change } };
      if (typeof change !== 'string' && !last) changes.push(change);
    }
    if (last) break;
    offset = end + 1;
  }
  return { generation, changes };
}

export class FileStateStorage implements StateStorage {
  readonly #dir: string;
  readonly #snapshotFile: string;
  readonly #logFile: string;
  /** The log's second segment: the appends made while a compaction writes its snapshot. */
  readonly #nextLogFile: string;
  /** Where appends go: the log, or during a compaction its next segment. */
  #appendTo: string;
  /** The generation of the snapshot on disk, which the segments appended to now belong to. */
  #generation = 0;
  readonly #repair: boolean;
  readonly #db: Low<SnapshotFile | null>;

  /** Throws DataDirError when the folder cannot be written (read-only, full, not ours). */
  constructor(dir: string, options: { repair?: boolean } = {}) {
    checkWritableDir(dir);
    this.#dir = dir;
    this.#snapshotFile = join(dir, 'state.json');
    this.#logFile = join(dir, 'state.changes.jsonl');
    this.#nextLogFile = join(dir, 'state.changes.next.jsonl');
    this.#appendTo = this.#logFile;
    this.#repair = options.repair ?? false;
    this.#db = new Low<SnapshotFile | null>(new DurableJSONFile<SnapshotFile | null>(this.#snapshotFile, READ_AS_LINES, SNAPSHOT_SHAPE), null);
  }

  get where(): string {
    return this.#dir;
  }

  async load(): Promise<StoredState> {
    try {
      await this.#db.read();
      const { log_generation: generation = 0, ...snapshot } = this.#db.data ?? {};
      this.#generation = generation;
      // A compaction that did not finish left a second segment: both are replayed, in order, and
      // appends go on at the end of the second, so that the order holds at the next start too.
      const changes = [...(await this.#loggedChanges(this.#logFile)), ...(await this.#loggedChanges(this.#nextLogFile))];
      if (existsSync(this.#nextLogFile)) {
        this.#appendTo = this.#nextLogFile;
      }
      return { snapshot: this.#db.data ? (snapshot as LoadedSnapshot) : undefined, changes };
    } catch (error) {
      if (error instanceof CorruptStateError || error instanceof DataFileShapeError) throw error;
      throw new Error(`cannot read the sandbox state from ${this.#snapshotFile}: ${(error as Error).message}. Fix or move the file; it was left untouched.`);
    }
  }

  async #loggedChanges(file: string): Promise<LoggedChange[]> {
    let log: string;
    try {
      log = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const { generation, changes, corruptAt } = readChanges(log);
    if (generation < this.#generation) {
      // Older than the snapshot: a removal's snapshot was written and the crash came before the log
      // was emptied. Emptied now, so that appends do not land after its lines (and share their fate).
      if (file === this.#logFile) await writeAtomically(file, '');
      else {
        await rm(file, { force: true });
        await fsyncFolder(this.#dir);
      }
      return [];
    }
    // Newer only if someone removed or replaced state.json: the log is all there is, and is kept;
    // the next removal's generation is past it.
    this.#generation = generation;
    if (!corruptAt) return changes;
    if (!this.#repair) throw new CorruptStateError(file, corruptAt.line, corruptAt.problem);
    copyFileSync(file, `${file}.corrupt`);
    truncateSync(file, Buffer.byteLength(log.slice(0, corruptAt.offset)));
    return changes;
  }

  async append(changes: readonly LoggedChange[], whole: () => StateSnapshot): Promise<void> {
    try {
      // Serialised now, not when changed: a certification changed twice in a batch is logged as it ends.
      const started = await this.#appendDurably(this.#appendTo, changes.map((change) => `${JSON.stringify(change)}\n`).join(''));
      // A log file this append started (the first change in a new data folder, a new segment) exists
      // after a crash only once its folder is fsynced too: before the answer, like its lines.
      if (started) await fsyncFolder(this.#dir);
    } catch (error) {
      // The folder was removed under the running sandbox: made again, it gets a whole snapshot now.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.replace(whole());
      throw error;
    }
  }

  /**
   * Appends text and fsyncs it; a new file starts with its generation (then this returns true). The file is opened per
   * call: a folder deleted meanwhile fails loudly (ENOENT) instead of writing to an unlinked file.
   * Opening and writing to the page cache take microseconds and are done in line; only the flush
   * goes to the thread pool. Four pool round trips per batch (open, write, sync, close) cost more
   * than the writing itself (measured: data dir ÷ in memory 0.78-0.80 with them).
   */
  async #appendDurably(path: string, text: string): Promise<boolean> {
    const fd = openSync(path, 'a');
    try {
      const starting = fstatSync(fd).size === 0;
      const header = starting ? `${JSON.stringify({ log_generation: this.#generation })}\n` : '';
      writeAllSync(fd, Buffer.from(header + text, 'utf8'));
      await flushedToDisk(fd);
      return starting;
    } finally {
      closeSync(fd);
    }
  }

  async replace(snapshot: StateSnapshot): Promise<void> {
    // A folder removed under the running sandbox is made again, and gets everything memory holds.
    checkWritableDir(this.#dir);
    // A new generation: a crash before the logs are emptied must not replay them over this snapshot,
    // which may have removed records they hold (a reset, retention).
    // (Nothing is appended while a replace runs: the store runs writes one at a time.)
    const previous = this.#generation;
    this.#generation = previous + 1;
    try {
      await this.writeSnapshot(snapshot);
    } catch (error) {
      this.#generation = previous;
      throw error;
    }
    await writeAtomically(this.#logFile, '');
    await rm(this.#nextLogFile, { force: true });
    this.#appendTo = this.#logFile;
  }

  beginCompaction(): void {
    this.#appendTo = this.#nextLogFile;
  }

  /** The whole state, of the current generation (a compaction's segments replay harmlessly over it). */
  async writeSnapshot(snapshot: StateSnapshot): Promise<void> {
    this.#db.data = { ...snapshot, log_generation: this.#generation };
    await this.#db.write();
  }

  async endCompaction(): Promise<void> {
    // The snapshot holds everything the log did: its next segment becomes the log, in one rename.
    if (this.#appendTo !== this.#nextLogFile) return;
    try {
      await rename(this.#nextLogFile, this.#logFile);
    } catch (error) {
      // No append came during the compaction: there is no segment, and the old log is redundant.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await writeAtomically(this.#logFile, '');
    }
    await fsyncFolder(this.#dir);
    this.#appendTo = this.#logFile;
  }
}
