/**
 * The apps the sandbox knows: app_id → the app's public key and the sign type it is configured for,
 * as an app is set up in Alipay's console. Held in memory for the request path; persisted through
 * lowdb (an atomic write-then-rename per change) so that registered apps survive a restart.
 */
import type { KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { KeyFormatError, parseAppPublicKey, publicKeyPem } from '../keys/rsa-keys.js';
import type { SignType } from '../protocol/public-parameters.js';

export interface RegisteredApp {
  readonly appId: string;
  readonly signType: SignType;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  /** The embedded default app: registered at every start, never stored, never replaced. */
  readonly builtIn: boolean;
}

/** What is stored per app, and what the admin API shows. */
export interface AppRecord {
  app_id: string;
  sign_type: SignType;
  public_key: string;
  registered_at: string;
}

interface AppsFile {
  apps: AppRecord[];
}

export class AppRegistrationError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
  }
}

const APP_ID = /^[0-9A-Za-z_-]{1,32}$/;
const SIGN_TYPES: readonly SignType[] = ['RSA2', 'RSA'];

function isSignType(value: unknown): value is SignType {
  return typeof value === 'string' && (SIGN_TYPES as readonly string[]).includes(value);
}

/** Validates a registration request body; every message says what to send instead. */
function parseRegistration(input: unknown): { appId: string; signType: SignType; publicKey: KeyObject } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppRegistrationError('send a JSON object: { "app_id": "...", "public_key": "...", "sign_type": "RSA2" }');
  }
  const body = input as Record<string, unknown>;
  const appId = body.app_id;
  if (typeof appId !== 'string' || !APP_ID.test(appId)) {
    throw new AppRegistrationError('app_id must be 1 to 32 letters, digits, "_" or "-" (Alipay app_ids are 16 digits)');
  }
  const signType = body.sign_type ?? 'RSA2';
  if (!isSignType(signType)) throw new AppRegistrationError('sign_type must be "RSA2" or "RSA"');
  if (typeof body.public_key !== 'string') {
    throw new AppRegistrationError('public_key must be a string: the PEM text or the bare base64 key');
  }
  try {
    return { appId, signType, publicKey: parseAppPublicKey(body.public_key) };
  } catch (error) {
    if (error instanceof KeyFormatError) throw new AppRegistrationError(error.message);
    throw error;
  }
}

function toRecord(app: RegisteredApp, registeredAt: string): AppRecord {
  return { app_id: app.appId, sign_type: app.signType, public_key: app.publicKeyPem, registered_at: registeredAt };
}

export interface AppStorage {
  /** A folder for apps.json, or undefined to keep everything in memory (tests). */
  dataDir?: string;
}

export class AppRegistry {
  readonly #apps = new Map<string, RegisteredApp>();
  readonly #db: Low<AppsFile>;

  private constructor(db: Low<AppsFile>) {
    this.#db = db;
  }

  /** Opens the store, loads stored apps, and registers the built-in default app. */
  static async open(storage: AppStorage, defaultApp: { appId: string; publicKeyPem: string }): Promise<AppRegistry> {
    let adapter: Adapter<AppsFile>;
    if (storage.dataDir) {
      mkdirSync(storage.dataDir, { recursive: true });
      adapter = new JSONFile<AppsFile>(join(storage.dataDir, 'apps.json'));
    } else {
      adapter = new Memory<AppsFile>();
    }
    const db = new Low<AppsFile>(adapter, { apps: [] });
    try {
      await db.read();
    } catch (error) {
      const where = storage.dataDir ? join(storage.dataDir, 'apps.json') : 'memory';
      throw new Error(`cannot read the registered apps from ${where}: ${(error as Error).message}. Fix or move the file; it was left untouched.`);
    }
    const registry = new AppRegistry(db);
    for (const record of db.data.apps) {
      registry.#apps.set(record.app_id, {
        appId: record.app_id,
        signType: record.sign_type,
        publicKey: parseAppPublicKey(record.public_key),
        publicKeyPem: record.public_key,
        builtIn: false,
      });
    }
    const publicKey = parseAppPublicKey(defaultApp.publicKeyPem);
    registry.#apps.set(defaultApp.appId, {
      appId: defaultApp.appId,
      signType: 'RSA2',
      publicKey,
      publicKeyPem: publicKeyPem(publicKey),
      builtIn: true,
    });
    return registry;
  }

  find(appId: string): RegisteredApp | undefined {
    return this.#apps.get(appId);
  }

  record(appId: string): AppRecord | undefined {
    const app = this.#apps.get(appId);
    if (!app) return undefined;
    const stored = this.#db.data.apps.find((r) => r.app_id === appId);
    return toRecord(app, stored?.registered_at ?? 'built-in');
  }

  /** Registers or re-keys an app; resolves once the change is on disk. */
  async register(input: unknown): Promise<AppRecord> {
    const { appId, signType, publicKey } = parseRegistration(input);
    if (this.#apps.get(appId)?.builtIn) {
      throw new AppRegistrationError(`app_id ${appId} is the built-in default app; register your app under another app_id`, 409);
    }
    const app: RegisteredApp = { appId, signType, publicKey, publicKeyPem: publicKeyPem(publicKey), builtIn: false };
    const record = toRecord(app, new Date().toISOString());
    this.#apps.set(appId, app);
    this.#db.data.apps = [...this.#db.data.apps.filter((r) => r.app_id !== appId), record];
    await this.#db.write();
    return record;
  }
}
