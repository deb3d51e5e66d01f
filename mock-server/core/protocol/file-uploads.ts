/**
 * What the gateway checks of every uploaded file, whatever the method: the extensions and the size its
 * public error table states (公共错误码, isv.invalid-file-extension: "目前支持格式：csv,txt,zip,rar,gz,doc,
 * docx,xls,xlsx,pdf,bmp,gif,jpg,jpeg,png"; isv.invalid-file-size: "目前支持最大为：50MB"). A method may
 * hold its files to less (see ApiMethodDefinition.uploads); --max-body-bytes bounds the whole body first.
 */
import type { UploadedFile } from './multipart-form.js';
import { publicError, type ErrorFields } from './public-errors.js';

export const UPLOAD_EXTENSIONS: readonly string[] = ['csv', 'txt', 'zip', 'rar', 'gz', 'doc', 'docx', 'xls', 'xlsx', 'pdf', 'bmp', 'gif', 'jpg', 'jpeg', 'png'];

export const GATEWAY_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The extension after the file name's last dot, lower case; '' when it has none. */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** Why the gateway refuses this upload, or undefined. */
export function gatewayUploadProblem(name: string, file: UploadedFile): ErrorFields | undefined {
  const extension = extensionOf(file.filename);
  if (!UPLOAD_EXTENSIONS.includes(extension)) {
    const seen = extension ? `.${extension}` : 'no extension';
    return publicError('isv.invalid-file-extension', `${name}'s file ${JSON.stringify(file.filename)} has ${seen}; Alipay takes ${UPLOAD_EXTENSIONS.join(', ')}`);
  }
  if (file.bytes.length === 0) return publicError('isv.invalid-file-size', `${name}'s file ${JSON.stringify(file.filename)} is empty`);
  if (file.bytes.length > GATEWAY_MAX_FILE_BYTES) return publicError('isv.invalid-file-size', `${name}'s file is ${file.bytes.length} bytes; Alipay takes at most 50 MB`);
  return undefined;
}

/** A method's own bound on one of its file parameters (the page's "大小限制"). */
export interface UploadRule {
  readonly maxBytes: number;
  /** How the page states the bound, for the refusal: "1M". */
  readonly stated: string;
  /** The method's own business error for a file over the bound, where its code list has one; else isv.invalid-file-size. */
  readonly overBound?: ErrorFields;
}

/** Why a method refuses a file the gateway passed (the answer, and the detail for the caller's eyes), or undefined. */
export function methodUploadProblem(name: string, file: UploadedFile, rule: UploadRule): { readonly error: ErrorFields; readonly detail: string } | undefined {
  if (file.bytes.length <= rule.maxBytes) return undefined;
  const detail = `${name} is ${file.bytes.length} bytes; this API takes at most ${rule.stated} (${rule.maxBytes} bytes)`;
  return { error: rule.overBound ?? publicError('isv.invalid-file-size', detail), detail };
}
