/**
 * A small JSON document in the data folder that admin writes change concurrently (apps.json,
 * controls.json). Each change is an edit of the document as last written; edits that arrive while a
 * write runs go together into the next one (one fsync for many), and each caller's promise settles
 * with the write that carried its edit. A write that failed leaves the document as it was: its edits
 * are refused to their callers and are not carried by any later write, so a refused change is never
 * acknowledged later by accident. Writing whole documents one at a time is what keeps concurrent
 * writers from each saving a copy without the others' changes.
 */
import type { Adapter } from 'lowdb';

interface QueuedEdit<T> {
  readonly edit: (document: T) => T;
  readonly done: () => void;
  readonly failed: (error: unknown) => void;
}

export class DurableDocument<T> {
  readonly #file: Adapter<T>;
  #written: T;
  #queue: QueuedEdit<T>[] = [];
  #writing = false;

  constructor(file: Adapter<T>, empty: T) {
    this.#file = file;
    this.#written = empty;
  }

  /** Reads the file (throws what its adapter throws for a broken one); a missing file is the empty document. */
  async load(): Promise<T> {
    this.#written = (await this.#file.read()) ?? this.#written;
    return this.#written;
  }

  /** The document as last written. */
  get current(): T {
    return this.#written;
  }

  /** Resolves once a write that carries `edit` is durable; rejects, and forgets the edit, if that write failed. */
  change(edit: (document: T) => T): Promise<void> {
    return new Promise((done, failed) => {
      this.#queue.push({ edit, done, failed });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length) {
      const batch = this.#queue;
      this.#queue = [];
      const next = batch.reduce((document, queued) => queued.edit(document), this.#written);
      try {
        await this.#file.write(next);
      } catch (error) {
        for (const queued of batch) queued.failed(error);
        continue;
      }
      this.#written = next;
      for (const queued of batch) queued.done();
    }
    this.#writing = false;
  }
}
