/**
 * A request's uploads, over either protocol: the multipart body read (a body that cannot be read is an
 * upload that failed, as Alipay names it), the files by part name, the gateway's checks of every file
 * (file-uploads.ts), and what the method receives: each file one of its file parameters and within
 * that parameter's bound.
 */
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { gatewayUploadProblem, methodUploadProblem } from '../protocol/file-uploads.js';
import { MalformedMultipartError, parseMultipart, type MultipartBody, type UploadedFile } from '../protocol/multipart-form.js';
import { publicError } from '../protocol/public-errors.js';
import { Rejection } from './request-state.js';

/** A multipart body's parts, or isv.upload-fail saying what is wrong with it. */
export function readMultipart(body: Uint8Array, contentType: string): MultipartBody {
  try {
    return parseMultipart(body, contentType);
  } catch (error) {
    if (error instanceof MalformedMultipartError) throw new Rejection(publicError('isv.upload-fail', `the multipart/form-data body cannot be read: ${error.message}`));
    throw error;
  }
}

/** The files by part name: a name twice, or one a text parameter also has, is ambiguous. */
export function filesByName(files: MultipartBody['files'], values: Readonly<Record<string, unknown>>): ReadonlyMap<string, UploadedFile> {
  const byName = new Map<string, UploadedFile>();
  for (const [name, file] of files) {
    if (byName.has(name)) throw new Rejection(publicError('isv.invalid-parameter', `the file part ${name} appears twice; send each file once`));
    if (Object.hasOwn(values, name) && values[name] !== undefined) throw new Rejection(publicError('isv.invalid-parameter', `${name} is sent both as a file and as a text parameter; send it once`));
    byName.set(name, file);
  }
  return byName;
}

/** The gateway's own checks of every file (extension, size), after the caller is known to be who it says. */
export function checkGatewayUploads(files: ReadonlyMap<string, UploadedFile>): void {
  for (const [name, file] of files) {
    const problem = gatewayUploadProblem(name, file);
    if (problem) throw new Rejection(problem);
  }
}

function refuseUnknownFile(name: string, definition: ApiMethodDefinition): never {
  const names = Object.keys(definition.uploads ?? {});
  const takes = names.length ? `its file parameters are ${names.join(', ')}` : 'it takes no files';
  throw new Rejection(publicError('isv.invalid-parameter', `${name} is not a file parameter of ${definition.name}: ${takes}`));
}

/**
 * The method's files by part name, or the refusal. A file parameter sent as text (a path, base64) never
 * reached Alipay as a file: the SDKs send a FileItem as a part with a filename.
 */
export function methodFiles(definition: ApiMethodDefinition, files: ReadonlyMap<string, UploadedFile> | undefined, parameters: Readonly<Record<string, string>>): Readonly<Record<string, UploadedFile>> | undefined {
  const uploads = definition.uploads ?? {};
  for (const name of Object.keys(uploads)) {
    if (parameters[name] !== undefined) {
      throw new Rejection(publicError('isv.upload-fail', `${name} arrived as a text parameter; upload it as a file part of a multipart/form-data body (Content-Disposition with a filename)`));
    }
  }
  if (!files) return undefined;
  const accepted: Record<string, UploadedFile> = {};
  for (const [name, file] of files) {
    const rule = Object.hasOwn(uploads, name) ? uploads[name] : undefined;
    if (!rule) refuseUnknownFile(name, definition);
    const problem = methodUploadProblem(name, file, rule);
    if (problem) throw new Rejection(problem.error, problem.detail);
    accepted[name] = file;
  }
  return accepted;
}
