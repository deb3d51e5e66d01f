/**
 * Starts a real sandbox (HTTP server on a free loopback port, in-memory state) around a test file.
 */
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../mock-server/sandbox.js';
import type { SignedRequest } from './signed-request.js';
import { usePerFile } from './per-file.js';

export function useSandbox(options: SandboxOptions = {}): () => RunningSandbox {
  return usePerFile({
    what: 'the sandbox',
    start: () => startSandbox({ port: 0, inMemory: true, quiet: true, ...options }),
    stop: (sandbox) => sandbox.close(),
  });
}

export interface GatewayAnswer {
  status: number;
  headers: Headers;
  /** The body as sent, in the answer's charset. */
  bytes: Buffer;
  /** The body decoded in the charset its Content-Type names, as the official SDKs read it. */
  text: string;
  /** The parsed envelope. */
  json: Record<string, Record<string, string> | string>;
}

export async function answerOf(response: Response): Promise<GatewayAnswer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const charset = /charset=([\w-]+)/i.exec(response.headers.get('content-type') ?? '')?.[1] ?? 'utf-8';
  const text = new TextDecoder(charset, { fatal: true }).decode(bytes);
  return { status: response.status, headers: response.headers, bytes, text, json: JSON.parse(text) };
}

export async function postForm(sandbox: RunningSandbox, request: SignedRequest, contentType = 'application/x-www-form-urlencoded'): Promise<GatewayAnswer> {
  return answerOf(await fetch(sandbox.url + request.path, { method: 'POST', headers: { 'content-type': contentType }, body: request.body }));
}

/** The response node of an envelope, whichever key it is under. */
export function nodeOf(answer: GatewayAnswer): Record<string, string> {
  const key = Object.keys(answer.json).find((k) => k.endsWith('_response'));
  if (!key) throw new Error(`no response node in ${answer.text}`);
  return answer.json[key] as Record<string, string>;
}

/** What the sandbox says about why it refused, from the x-sandbox-detail header. */
export function detailOf(answer: GatewayAnswer): string {
  return decodeURI(answer.headers.get('x-sandbox-detail') ?? '');
}
