/**
 * Where registered apps are kept between runs, behind one interface as the state is
 * (core/state/state-storage.ts): in memory, or apps.json in the data folder (app-files.ts, on Node).
 */
import type { AppRecord } from './registered-app.js';

export interface AppStorage {
  /** Where the apps are kept, for messages ("memory", a file). */
  readonly where: string;
  load(): Promise<readonly AppRecord[]>;
  /**
   * Adds or replaces one app; resolves only once it is durable. One app at a time, never the whole
   * list: two registrations at once (in one process or on two replicas) must not each save a list
   * without the other's app.
   */
  put(app: AppRecord): Promise<void>;
}

/** Nothing kept: `--in-memory`, the msw and undici sandboxes, the browser. */
export class MemoryAppStorage implements AppStorage {
  readonly where = 'memory';

  async load(): Promise<readonly AppRecord[]> {
    return [];
  }

  async put(): Promise<void> {}
}
