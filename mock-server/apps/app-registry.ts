/**
 * The apps the sandbox knows, as an app is set up in Alipay's console: app_id → the app's public key
 * (or its public-key certificate, in certificate mode), the sign type it is configured for, and its
 * AES key when content encryption is on. Held in memory for the request path; kept by an AppStorage
 * (apps.json in the data folder: an atomic, fsynced write per change, before the change takes effect)
 * so that registered apps survive a restart.
 */
import { X509Certificate } from 'node:crypto';
import { certificatePublicKeyPem, certificateSn } from '../keys/certificate-sn.js';
import { KeyFormatError, parseAppPublicKey, publicKeyPem } from '../keys/rsa-keys.js';
import { aesKeyBytes, AesKeyError, generateAesKey } from '../keys/node-crypto.js';
import type { SignType } from '../core/protocol/public-parameters.js';

export type { AppCertificate, AppRecord, RegisteredApp } from '../core/apps/registered-app.js';
import type { AppRecord, RegisteredApp } from '../core/apps/registered-app.js';
import type { AppStorage } from '../core/apps/app-storage.js';

export class AppRegistrationError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

const APP_ID = /^[0-9A-Za-z_-]{1,32}$/;
const SIGN_TYPES: readonly SignType[] = ['RSA2', 'RSA'];

function isSignType(value: unknown): value is SignType {
  return typeof value === 'string' && (SIGN_TYPES as readonly string[]).includes(value);
}

/** Whether `pem` is a certificate issued by the sandbox's root CA (Alipay accepts only its own). */
function issuedBy(pem: string, rootCertificatePem: string): boolean {
  try {
    return new X509Certificate(pem).verify(new X509Certificate(rootCertificatePem).publicKey);
  } catch {
    return false;
  }
}

export interface RegistryOptions {
  /** Where registered apps are kept: memory, or the data folder's apps.json (app-files.ts). */
  readonly storage: AppStorage;
  readonly defaultApp: { readonly appId: string; readonly publicKeyPem: string; readonly certificatePem: string };
  /** The sandbox's root CA certificate: app certificates must be issued by it. */
  readonly rootCertificatePem: string;
}

export class AppRegistry {
  readonly #apps = new Map<string, RegisteredApp>();
  readonly #storage: AppStorage;
  /** The registered apps as stored (the built-in app is not). */
  #records: readonly AppRecord[] = [];
  readonly #rootCertificatePem: string;

  private constructor(storage: AppStorage, rootCertificatePem: string) {
    this.#storage = storage;
    this.#rootCertificatePem = rootCertificatePem;
  }

  /** Opens the store, loads stored apps, and registers the built-in default app. */
  static async open(options: RegistryOptions): Promise<AppRegistry> {
    const registry = new AppRegistry(options.storage, options.rootCertificatePem);
    try {
      registry.#records = await options.storage.load();
      for (const record of registry.#records) registry.#apps.set(record.app_id, AppRegistry.#fromRecord(record));
    } catch (error) {
      const reason = (error as Error).message;
      // A file of the wrong shape says so itself, naming the file (DataFileShapeError); anything else is named here.
      throw new Error(reason.startsWith(options.storage.where) ? reason : `cannot read the registered apps from ${options.storage.where}: ${reason}. Fix or move the file; it was left untouched.`);
    }
    const { appId, publicKeyPem: pem, certificatePem } = options.defaultApp;
    const publicKey = parseAppPublicKey(pem);
    registry.#apps.set(appId, {
      appId,
      signType: 'RSA2',
      publicKey,
      publicKeyPem: publicKeyPem(publicKey),
      // The default app works in both modes: with its public key, or with its certificate.
      certificate: { sn: certificateSn(certificatePem), required: false },
      builtIn: true,
    });
    return registry;
  }

  static #fromRecord(record: AppRecord): RegisteredApp {
    return {
      appId: record.app_id,
      signType: record.sign_type,
      publicKey: parseAppPublicKey(record.public_key),
      publicKeyPem: record.public_key,
      certificate: record.app_cert_sn ? { sn: record.app_cert_sn, required: true } : undefined,
      aesKey: record.aes_key ? aesKeyBytes(record.aes_key) : undefined,
      builtIn: false,
    };
  }

  find(appId: string): RegisteredApp | undefined {
    return this.#apps.get(appId);
  }

  all(): readonly RegisteredApp[] {
    return [...this.#apps.values()];
  }

  record(appId: string): AppRecord | undefined {
    const app = this.#apps.get(appId);
    if (!app) return undefined;
    const stored = this.#records.find((r) => r.app_id === appId);
    return stored ?? { app_id: app.appId, sign_type: app.signType, public_key: app.publicKeyPem, app_cert_sn: app.certificate?.sn, registered_at: 'built-in' };
  }

  /** Every app the sandbox serves, the built-in one first. */
  records(): AppRecord[] {
    return [...this.#apps.keys()].map((appId) => this.record(appId)!);
  }

  /** Validates a registration: a public key (PEM or bare base64) or a certificate the sandbox issued. */
  #parseRegistration(input: unknown): AppRecord {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new AppRegistrationError('send a JSON object: { "app_id": "...", "public_key": "...", "sign_type": "RSA2" } (or "app_cert" instead of "public_key")');
    }
    const body = input as Record<string, unknown>;
    const appId = body.app_id;
    if (typeof appId !== 'string' || !APP_ID.test(appId)) {
      throw new AppRegistrationError('app_id must be 1 to 32 letters, digits, "_" or "-" (Alipay app_ids are 16 digits)');
    }
    const signType = body.sign_type ?? 'RSA2';
    if (!isSignType(signType)) throw new AppRegistrationError('sign_type must be "RSA2" or "RSA"');
    const registeredAt = new Date().toISOString();
    if (typeof body.app_cert === 'string') {
      if (!issuedBy(body.app_cert, this.#rootCertificatePem)) {
        throw new AppRegistrationError("app_cert is not a certificate issued by the sandbox's root CA; issue one with `npm run keys -- generate --certificate`");
      }
      return { app_id: appId, sign_type: signType, public_key: certificatePublicKeyPem(body.app_cert), app_cert: body.app_cert, app_cert_sn: certificateSn(body.app_cert), registered_at: registeredAt };
    }
    if (typeof body.public_key !== 'string') {
      throw new AppRegistrationError('public_key must be a string: the PEM text or the bare base64 key (or send app_cert, a certificate)');
    }
    try {
      return { app_id: appId, sign_type: signType, public_key: publicKeyPem(parseAppPublicKey(body.public_key)), registered_at: registeredAt };
    } catch (error) {
      if (error instanceof KeyFormatError) throw new AppRegistrationError(error.message);
      throw error;
    }
  }

  /** On disk first, then in force: an app whose registration failed to be written is not served. */
  async #store(record: AppRecord): Promise<AppRecord> {
    const app = AppRegistry.#fromRecord(record);
    await this.#storage.put(record);
    this.#put(record, app);
    return record;
  }

  #withRecord(record: AppRecord): AppRecord[] {
    return [...this.#records.filter((r) => r.app_id !== record.app_id), record];
  }

  #put(record: AppRecord, app: RegisteredApp): void {
    this.#records = this.#withRecord(record);
    this.#apps.set(record.app_id, app);
  }

  /** An app another replica registered (already stored): served from now on. */
  applyStored(record: AppRecord): void {
    if (this.#apps.get(record.app_id)?.builtIn) return;
    this.#put(record, AppRegistry.#fromRecord(record));
  }

  /** Registers or re-keys an app; resolves once the change is on disk. */
  async register(input: unknown): Promise<AppRecord> {
    const record = this.#parseRegistration(input);
    if (this.#apps.get(record.app_id)?.builtIn) {
      throw new AppRegistrationError(`app_id ${record.app_id} is the built-in default app; register your app under another app_id`, 409);
    }
    return this.#store(record);
  }

  /** Sets (or generates) a registered app's AES key for content encryption. */
  async setAesKey(appId: string, aesKey?: unknown): Promise<AppRecord> {
    const stored = this.#records.find((r) => r.app_id === appId);
    if (!stored) {
      const builtIn = this.#apps.get(appId)?.builtIn;
      throw new AppRegistrationError(builtIn ? 'the built-in default app has no AES key; register your own app to use encrypt_type=AES' : `no app ${appId} is registered`, builtIn ? 409 : 404);
    }
    if (aesKey !== undefined && typeof aesKey !== 'string') throw new AppRegistrationError('aes_key must be a base64 string');
    const key = aesKey ?? generateAesKey();
    try {
      aesKeyBytes(key);
    } catch (error) {
      if (error instanceof AesKeyError) throw new AppRegistrationError(error.message);
      throw error;
    }
    return this.#store({ ...stored, aes_key: key });
  }
}
