/**
 * State in the data folder, with lowdb: a snapshot (state.json, written atomically and fsynced) and
 * a change log (state.changes.jsonl) each batch of changes is appended to and fsynced, so that a write
 * costs what changed. A data folder that cannot be written is refused when the storage opens; a
 * corrupt change-log line refuses the start (or, with `repair`, is cut off with a copy kept).
 */
import { copyFileSync, readFileSync, truncateSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { appendDurably, checkWritableDir, DurableJSONFile, fsyncFolder, writeAtomically } from './durable-files.js';
import { CHANGE_KINDS, type StateChange, type StateSnapshot, type StateStorage, type StoredState } from './state-storage.js';

/** A change-log line that is not the torn end of a crashed write: refusing to start beats dropping it. */
export class CorruptStateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(
      `${file} line ${line} is corrupt (not a change the sandbox wrote); nothing was dropped. ` +
        `Start with --repair-state to truncate the log before line ${line} (the whole file is kept as ${file}.corrupt), or move the data folder away.`,
    );
  }
}

function parseChange(line: string): StateChange | undefined {
  try {
    const change = JSON.parse(line) as unknown;
    if (typeof change !== 'object' || change === null) return undefined;
    return CHANGE_KINDS.some((kind) => kind in change) ? (change as StateChange) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The change log's complete lines, parsed. A batch is appended in one write ending in a newline, so a
 * crash can only leave an unterminated tail (never acknowledged), which is skipped; a bad line before
 * the tail is corruption. The offset says where the good part ends, for repair.
 */
function readChanges(log: string): { changes: StateChange[]; corruptAt?: { line: number; offset: number } } {
  const changes: StateChange[] = [];
  let offset = 0;
  let line = 0;
  while (offset < log.length) {
    const end = log.indexOf('\n', offset);
    if (end < 0) break;
    line++;
    const text = log.slice(offset, end);
    if (text) {
      const change = parseChange(text);
      if (!change) return { changes, corruptAt: { line, offset } };
      changes.push(change);
    }
    offset = end + 1;
  }
  return { changes };
}

export class FileStateStorage implements StateStorage {
  readonly #dir: string;
  readonly #snapshotFile: string;
  readonly #logFile: string;
  /** The log's second segment: the appends made while a compaction writes its snapshot. */
  readonly #nextLogFile: string;
  /** Where appends go: the log, or during a compaction its next segment. */
  #appendTo: string;
  #nextSynced = false;
  readonly #repair: boolean;
  readonly #db: Low<StateSnapshot | null>;

  /** Throws DataDirError when the folder cannot be written (read-only, full, not ours). */
  constructor(dir: string, options: { repair?: boolean } = {}) {
    checkWritableDir(dir);
    this.#dir = dir;
    this.#snapshotFile = join(dir, 'state.json');
    this.#logFile = join(dir, 'state.changes.jsonl');
    this.#nextLogFile = join(dir, 'state.changes.next.jsonl');
    this.#appendTo = this.#logFile;
    this.#repair = options.repair ?? false;
    this.#db = new Low<StateSnapshot | null>(new DurableJSONFile<StateSnapshot | null>(this.#snapshotFile), null);
  }

  get where(): string {
    return this.#dir;
  }

  async load(): Promise<StoredState> {
    try {
      await this.#db.read();
      // A compaction that did not finish left a second segment: both are replayed, in order.
      return { snapshot: this.#db.data ?? undefined, changes: [...this.#loggedChanges(this.#logFile), ...this.#loggedChanges(this.#nextLogFile)] };
    } catch (error) {
      if (error instanceof CorruptStateError) throw error;
      throw new Error(`cannot read the sandbox state from ${this.#snapshotFile}: ${(error as Error).message}. Fix or move the file; it was left untouched.`);
    }
  }

  #loggedChanges(file: string): StateChange[] {
    let log: string;
    try {
      log = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const { changes, corruptAt } = readChanges(log);
    if (!corruptAt) return changes;
    if (!this.#repair) throw new CorruptStateError(file, corruptAt.line);
    copyFileSync(file, `${file}.corrupt`);
    truncateSync(file, Buffer.byteLength(log.slice(0, corruptAt.offset)));
    return changes;
  }

  async append(changes: readonly StateChange[], whole: () => StateSnapshot): Promise<void> {
    try {
      // Serialised now, not when changed: a certification changed twice in a batch is logged as it ends.
      const target = this.#appendTo;
      await appendDurably(target, changes.map((change) => `${JSON.stringify(change)}\n`).join(''));
      // A segment the append just created exists after a crash only once its folder is fsynced too.
      if (target === this.#nextLogFile && !this.#nextSynced) {
        await fsyncFolder(this.#dir);
        this.#nextSynced = true;
      }
    } catch (error) {
      // The folder was removed under the running sandbox: made again, it gets a whole snapshot now.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.replace(whole());
      throw error;
    }
  }

  async replace(snapshot: StateSnapshot): Promise<void> {
    // A folder removed under the running sandbox is made again, and gets everything memory holds.
    checkWritableDir(this.#dir);
    await this.writeSnapshot(snapshot);
    // A crash before the logs are emptied only replays changes the snapshot already has, which is
    // harmless (later changes win).
    await writeAtomically(this.#logFile, '');
    await rm(this.#nextLogFile, { force: true });
    this.#appendTo = this.#logFile;
  }

  beginCompaction(): void {
    if (this.#appendTo !== this.#nextLogFile) this.#nextSynced = false;
    this.#appendTo = this.#nextLogFile;
  }

  async writeSnapshot(snapshot: StateSnapshot): Promise<void> {
    this.#db.data = snapshot;
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
