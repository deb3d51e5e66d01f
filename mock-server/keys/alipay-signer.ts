/**
 * The sandbox's "Alipay" signing key in use: responses are signed with it so that clients configured
 * with the sandbox's Alipay public key verify them exactly as they verify Alipay's.
 */
import type { KeyObject } from 'node:crypto';
import type { ResponseSigner } from '../core/protocol/response-envelope.js';
import { signContent } from './node-crypto.js';
import { createSignatureMemo } from './signature-memo.js';

/** Signs on the calling thread: what msw and the undici bridge use, and the HTTP server's fallback. */
export function createInProcessSigner(alipayPrivateKey: KeyObject): ResponseSigner {
  const memo = createSignatureMemo();
  return {
    sign: async (content, signType) => {
      const recalled = memo.recall(content, signType);
      if (recalled !== undefined) return recalled;
      const signature = signContent(content, signType, alipayPrivateKey);
      memo.remember(content, signType, signature);
      return signature;
    },
  };
}
