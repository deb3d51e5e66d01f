/**
 * multipart/form-data (RFC 7578) as Alipay's SDKs send a file upload: the public parameters in the query,
 * the API's text parameters as parts without a filename, each file as a part with one (alipay-sdk for
 * Node through formstream, Java's AlipayUploadRequest through WebUtils, which writes its headers without
 * a space after the colon). Text parts come out as form fields, still bytes in the request's charset, so
 * that they are decoded and signed exactly as form-encoded ones; files stay out of the sign string.
 *
 * Bytes in, bytes out, and no Node: the browser build runs it too. Bounded in every dimension that a
 * malformed body could stretch (parts, header bytes), and linear in the body's length: each part's end
 * is searched from where the last one ended.
 */
import { latin1Bytes, latin1Text } from './bytes.js';
import type { FormField } from './form-encoding.js';

export class MalformedMultipartError extends Error {}

/** One file part: what a method sees of an upload. */
export interface UploadedFile {
  /** As the client named it, decoded as UTF-8 (both official SDKs write UTF-8 names). */
  readonly filename: string;
  /** The part's Content-Type, or application/octet-stream, RFC 7578's default. */
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface MultipartBody {
  readonly fields: readonly FormField[];
  /** By part name, in the order sent. */
  readonly files: readonly (readonly [string, UploadedFile])[];
}

export interface MultipartLimits {
  readonly maxParts: number;
  /** The header block of one part, up to the empty line that ends it. */
  readonly maxHeaderBytes: number;
}

/** An upload API takes a handful of text parameters and a file or two; these leave room to spare. */
export const MULTIPART_LIMITS: MultipartLimits = { maxParts: 100, maxHeaderBytes: 8 * 1024 };

const MULTIPART_TYPE = /^multipart\/form-data\s*(;|$)/i;
const BOUNDARY_PARAMETER = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;
/** RFC 2046: 1 to 70 characters, none of them a line break. */
const WELL_FORMED_BOUNDARY = /^[^\r\n]{1,70}$/;
const CRLF = '\r\n';

export function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && MULTIPART_TYPE.test(contentType.trim());
}

/** The boundary the Content-Type names, quoted or not. */
export function boundaryOf(contentType: string): string {
  const match = BOUNDARY_PARAMETER.exec(contentType);
  const boundary = match ? (match[1] ?? match[2] ?? '') : '';
  if (!match) throw new MalformedMultipartError('Content-Type multipart/form-data names no boundary');
  if (!WELL_FORMED_BOUNDARY.test(boundary)) throw new MalformedMultipartError(`the boundary ${JSON.stringify(boundary.slice(0, 80))} is not 1 to 70 characters on one line (RFC 2046)`);
  return boundary;
}

interface PartHeaders {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

const DISPOSITION_PARAMETER = /;\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g;
const utf8 = new TextDecoder('utf-8');

/** A header's text as the client wrote its bytes (the search text holds one character per byte). */
function asUtf8(latin1: string): string {
  return utf8.decode(latin1Bytes(latin1));
}

function dispositionParameters(value: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const match of value.matchAll(DISPOSITION_PARAMETER)) parameters.set(match[1]!.toLowerCase(), (match[2] ?? match[3] ?? '').trim());
  return parameters;
}

function partHeaders(block: string, index: number): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedMultipartError(`part ${index} has a header line without a name and colon: ${JSON.stringify(line.slice(0, 60))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new MalformedMultipartError(`part ${index} has no Content-Disposition: form-data`);
  const parameters = dispositionParameters(disposition);
  const name = parameters.get('name');
  if (!name) throw new MalformedMultipartError(`part ${index}'s Content-Disposition has no name`);
  const filename = parameters.get('filename');
  return { name, filename: filename === undefined ? undefined : asUtf8(filename), contentType };
}

/** Where the first part's delimiter starts: at the very beginning, or after a line break (what precedes it is preamble). */
function firstDelimiter(text: string, delimiter: string, boundary: string): number {
  if (text.startsWith(delimiter)) return 0;
  const at = text.indexOf(CRLF + delimiter);
  if (at < 0) throw new MalformedMultipartError(`no part begins with the boundary "${boundary}" that Content-Type names`);
  return at + CRLF.length;
}

/** Past a delimiter's optional transport padding and its line break: where the part's headers begin. */
function afterDelimiterLine(text: string, at: number, index: number): number {
  let i = at;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (!text.startsWith(CRLF, i)) throw new MalformedMultipartError(`the boundary before part ${index} is not followed by a line break`);
  return i + CRLF.length;
}

/** The header block of a part and where its content starts, within the header bound. */
function headerBlock(text: string, start: number, index: number, limits: MultipartLimits): { readonly block: string; readonly contentStart: number } {
  if (text.startsWith(CRLF, start)) return { block: '', contentStart: start + CRLF.length };
  const window = text.slice(start, start + limits.maxHeaderBytes + 2 * CRLF.length);
  const end = window.indexOf(CRLF + CRLF);
  if (end < 0) {
    throw new MalformedMultipartError(`the headers of part ${index} do not end with an empty line within ${limits.maxHeaderBytes} bytes`);
  }
  return { block: window.slice(0, end), contentStart: start + end + 2 * CRLF.length };
}

/** Splits a multipart/form-data body into its text fields and files, or says what is wrong with it. */
export function parseMultipart(body: Uint8Array, contentType: string, limits: MultipartLimits = MULTIPART_LIMITS): MultipartBody {
  const boundary = boundaryOf(contentType);
  const delimiter = `--${boundary}`;
  const text = latin1Text(body);
  const fields: FormField[] = [];
  const files: [string, UploadedFile][] = [];
  let at = firstDelimiter(text, delimiter, boundary);
  for (let index = 1; ; index++) {
    const afterDelimiter = at + delimiter.length;
    // The closing delimiter: what follows is epilogue, which RFC 2046 says to ignore.
    if (text.startsWith('--', afterDelimiter)) return { fields, files };
    if (index > limits.maxParts) throw new MalformedMultipartError(`the body has more than ${limits.maxParts} parts`);
    const { block, contentStart } = headerBlock(text, afterDelimiterLine(text, afterDelimiter, index), index, limits);
    const headers = partHeaders(block, index);
    const next = text.indexOf(CRLF + delimiter, contentStart);
    if (next < 0) throw new MalformedMultipartError(`the body ends inside part ${index}, without the closing boundary "--${boundary}--"`);
    const content = body.subarray(contentStart, next);
    if (headers.filename === undefined) fields.push({ name: latin1Bytes(headers.name), value: content, source: 'body' });
    else files.push([asUtf8(headers.name), { filename: headers.filename, contentType: headers.contentType ?? 'application/octet-stream', bytes: content }]);
    at = next + CRLF.length;
  }
}
