/**
 * Where registered apps are kept between runs, behind one interface as the state is
 * (state/state-storage.ts): in memory, or apps.json in the data folder (app-files.ts, on Node).
 */
import type { AppRecord } from './app-registry.js';

export interface AppStorage {
  /** Where the apps are kept, for messages ("memory", a file). */
  readonly where: string;
  load(): Promise<readonly AppRecord[]>;
  /** Replaces what is kept with these apps; resolves only once they are durable. */
  save(apps: readonly AppRecord[]): Promise<void>;
  /**
   * Adds or replaces one app, durably; a storage shared by replicas has it, so that two replicas
   * registering different apps at once do not each save a list without the other's.
   */
  put?(app: AppRecord): Promise<void>;
}

/** Nothing kept: `--in-memory`, the msw and undici sandboxes, the browser. */
export class MemoryAppStorage implements AppStorage {
  readonly where = 'memory';

  async load(): Promise<readonly AppRecord[]> {
    return [];
  }

  async save(): Promise<void> {}
}
