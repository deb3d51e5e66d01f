/**
 * The files a method receives: the gateway passed every file part it could take (authenticate-request.ts);
 * here each must be one of the method's file parameters and within that parameter's bound.
 */
import type { ApiMethodDefinition } from '../methods/api-method.js';
import { methodUploadProblem } from '../protocol/file-uploads.js';
import type { UploadedFile } from '../protocol/multipart-form.js';
import { publicError } from '../protocol/public-errors.js';
import { Rejection } from './request-state.js';

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
