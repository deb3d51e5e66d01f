/**
 * Registered apps in the data folder: apps.json, written atomically and fsynced (durable-files.ts)
 * before a registration takes effect. Registrations and AES keys arrive concurrently; each is an edit
 * of the file as last written (durable-document.ts), so that none is lost to another.
 */
import { join } from 'node:path';
import { checkWritableDir, DurableJSONFile, isJsonObject, listOf, objectShape } from './durable-files.js';
import { DurableDocument } from '../core/state/durable-document.js';
import type { AppRecord } from '../apps/app-registry.js';
import type { AppStorage } from '../core/apps/app-storage.js';

interface AppsFile {
  apps: AppRecord[];
}

/** An app as apps.json holds it: what #fromRecord reads must be there, or the start would fail on it. */
function isStoredApp(app: unknown): boolean {
  return isJsonObject(app) && typeof app.app_id === 'string' && typeof app.public_key === 'string' && (app.sign_type === 'RSA2' || app.sign_type === 'RSA');
}

const APPS_FILE_SHAPE = objectShape({ apps: { expected: 'a list of apps, each with "app_id", "public_key" and "sign_type"', found: listOf(isStoredApp) } });

export class FileAppStorage implements AppStorage {
  readonly where: string;
  readonly #document: DurableDocument<AppsFile>;

  /** Refuses a data folder that cannot be written (DataDirError), before anything is registered. */
  constructor(dataDir: string) {
    checkWritableDir(dataDir);
    this.where = join(dataDir, 'apps.json');
    this.#document = new DurableDocument<AppsFile>(new DurableJSONFile<AppsFile>(this.where, new Set(), APPS_FILE_SHAPE), { apps: [] });
  }

  async load(): Promise<readonly AppRecord[]> {
    return (await this.#document.load()).apps;
  }

  put(app: AppRecord): Promise<void> {
    return this.#document.change(({ apps }) => ({ apps: [...apps.filter((stored) => stored.app_id !== app.app_id), app] }));
  }
}
