/**
 * The signatures of recently signed response contents. An RSA PKCS#1 v1.5 signature is a function of
 * the content and the key alone, so an answer given again (a merchant polling a query until the
 * person has finished, the same refusal to a misconfigured client) costs a Map lookup instead of an
 * RSA-2048 signature, the dearest step of a request. New contents (a new certify_id) miss and pay one
 * lookup.
 */
import type { SignType } from '../core/protocol/public-parameters.js';

/** Enough for every distinct answer of a polling load test's working set, a few MB at the most. */
const ENTRIES = 2048;
/** Bigger contents (an encrypted or user-info answer) are rarely repeated; their keys would crowd the memo. */
const LONGEST_CONTENT = 8192;

export interface SignatureMemo {
  /** The signature of this content, if it was signed lately. */
  recall(content: string | Uint8Array, signType: SignType): string | undefined;
  remember(content: string | Uint8Array, signType: SignType, signature: string): void;
}

function memoKey(content: string | Uint8Array, signType: SignType): string | undefined {
  if (content.length > LONGEST_CONTENT) return undefined;
  // Bytes (an answer in GBK) as one char a byte: a distinct key from the same text as UTF-16.
  return typeof content === 'string' ? `${signType} ${content}` : `${signType}:${Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1')}`;
}

/** One memo per key: a signature is only the same under the same private key. */
export function createSignatureMemo(entries = ENTRIES): SignatureMemo {
  const signatures = new Map<string, string>();
  return {
    recall(content, signType) {
      const key = memoKey(content, signType);
      return key === undefined ? undefined : signatures.get(key);
    },
    remember(content, signType, signature) {
      const key = memoKey(content, signType);
      if (key === undefined || signatures.has(key)) return;
      // Oldest first out: a Map iterates in insertion order.
      if (signatures.size >= entries) signatures.delete(signatures.keys().next().value!);
      signatures.set(key, signature);
    },
  };
}
