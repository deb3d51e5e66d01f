/**
 * Registered apps in the data folder: apps.json with lowdb, written atomically and fsynced
 * (durable-files.ts) before a registration takes effect.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import { checkWritableDir, DurableJSONFile } from '../state/durable-files.js';
import type { AppRecord } from './app-registry.js';
import type { AppStorage } from './app-storage.js';

interface AppsFile {
  apps: AppRecord[];
}

export class FileAppStorage implements AppStorage {
  readonly where: string;
  readonly #db: Low<AppsFile>;

  /** Refuses a data folder that cannot be written (DataDirError), before anything is registered. */
  constructor(dataDir: string) {
    checkWritableDir(dataDir);
    this.where = join(dataDir, 'apps.json');
    this.#db = new Low<AppsFile>(new DurableJSONFile<AppsFile>(this.where), { apps: [] });
  }

  async load(): Promise<readonly AppRecord[]> {
    await this.#db.read();
    return this.#db.data.apps;
  }

  async save(apps: readonly AppRecord[]): Promise<void> {
    await this.#db.adapter.write({ apps: [...apps] });
    this.#db.data = { apps: [...apps] };
  }
}
