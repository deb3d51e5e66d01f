/**
 * The v1 response envelope (reference §3): compact JSON with the response node first and `sign` last,
 * `{"<method with _>_response":{...},"sign":"..."}`. The signature covers the node's JSON text exactly
 * as written here, from its `{` to the matching `}`, which is what every official SDK cuts out.
 */
import type { SignType } from './public-parameters.js';

export const ERROR_RESPONSE_KEY = 'error_response';

export function responseNodeKey(method: string): string {
  return `${method.replaceAll('.', '_')}_response`;
}

/** A response node: code and msg first, as Alipay writes them, then sub_code/sub_msg or the payload. */
export type ResponseNode = {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
};

/** Signs response content with the sandbox's own "Alipay" private key. */
export interface ResponseSigner {
  sign(content: string, signType: SignType): Promise<string>;
}

export interface EnvelopeSigning {
  signer: ResponseSigner;
  signType: SignType;
}

export async function buildEnvelope(nodeKey: string, node: ResponseNode, signing?: EnvelopeSigning): Promise<string> {
  const nodeJson = JSON.stringify(node);
  const head = `{${JSON.stringify(nodeKey)}:${nodeJson}`;
  if (!signing) return `${head}}`;
  const sign = await signing.signer.sign(nodeJson, signing.signType);
  return `${head},"sign":${JSON.stringify(sign)}}`;
}
