/**
 * An app as the gateway engine sees it on the request path: what verifies its signatures, its
 * certificate, its AES key. The registry (app-registry.ts, on Node) parses and keeps apps; the
 * engine reads them through this, platform-neutral.
 */
import type { VerificationKey } from '../protocol/core-crypto.js';
import type { SignType } from '../protocol/public-parameters.js';

export interface AppCertificate {
  /** The certificate's SN, which requests carry as app_cert_sn. */
  readonly sn: string;
  /** Certificate mode only (a registered app with a certificate), or either mode (the default app). */
  readonly required: boolean;
}

export interface RegisteredApp {
  readonly appId: string;
  readonly signType: SignType;
  readonly publicKey: VerificationKey;
  readonly publicKeyPem: string;
  readonly certificate?: AppCertificate;
  /** The AES-128 key (16 bytes) for encrypt_type=AES requests. */
  readonly aesKey?: Uint8Array;
  /** The embedded default app: registered at every start, never replaced. */
  readonly builtIn: boolean;
}

/** What is stored per app, and what the admin API shows. */
export interface AppRecord {
  app_id: string;
  sign_type: SignType;
  public_key: string;
  app_cert?: string;
  app_cert_sn?: string;
  aes_key?: string;
  registered_at: string;
}

/**
 * The registered apps as the admin core uses them (apps/app-registry.ts keeps them, with the crypto
 * that parses keys and certificates): each change resolves once it is durable.
 */
export interface RegisteredApps {
  find(appId: string): RegisteredApp | undefined;
  record(appId: string): AppRecord | undefined;
  records(): AppRecord[];
  register(input: unknown): Promise<AppRecord>;
  setAesKey(appId: string, aesKey?: unknown): Promise<AppRecord>;
}
