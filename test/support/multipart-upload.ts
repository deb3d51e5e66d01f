/**
 * multipart/form-data bodies written by hand, for what the SDKs never send (a part left out, a
 * tampered one), and the OpenAPI v3 Authorization of such a request: the signature covers the `data`
 * part's text as it covers a JSON body.
 */
import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { DEFAULT_APP_ID } from '../../fixtures/test-keys.js';
import { defaultAppPrivateKey } from './signed-request.js';

export interface FilePart {
  readonly name: string;
  readonly filename: string;
  readonly bytes: Buffer;
  readonly type?: string;
}

export const TEST_BOUNDARY = 'sandbox-test-boundary';

/** Text parts (name → value, written as UTF-8) and then the file parts. */
export function multipartBody(boundary: string, fields: Readonly<Record<string, string>>, files: readonly FilePart[]): Buffer {
  const pieces: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'image/jpeg'}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

export interface SigningApp {
  readonly appId: string;
  /** A KeyObject, or PEM text. */
  readonly privateKey: KeyObject | string;
}

const DEFAULT_APP: SigningApp = { appId: DEFAULT_APP_ID, privateKey: defaultAppPrivateKey };

/** The v3 Authorization header of a POST to `path` whose signed body is `signedBody` (the default app's unless told). */
export function v3Authorization(path: string, signedBody: string, app: SigningApp = DEFAULT_APP): string {
  const authString = `app_id=${app.appId},nonce=${randomUUID()},timestamp=${Date.now()}`;
  const signature = sign('sha256', Buffer.from(`${authString}\nPOST\n${path}\n${signedBody}\n`), app.privateKey).toString('base64');
  return `ALIPAY-SHA256withRSA ${authString},sign=${signature}`;
}
