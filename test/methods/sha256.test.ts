/** The ids' SHA-256 (the core's own and the platform's) is node:crypto's, on every length around the block boundaries and on Chinese text. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stableDigits, stableHex, useSha256Hex } from '../../mock-server/core/methods/generated-ids.js';
import { sha256 } from '../../mock-server/core/methods/sha256.js';
import { nodeCrypto } from '../../mock-server/keys/node-crypto.js';

describe('sha256', () => {
  it('gives the digest node:crypto gives', () => {
    const texts = ['', 'abc', '证件号\u0000app', ...Array.from({ length: 200 }, (_, n) => 'x'.repeat(n))];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf8');
      expect(Buffer.from(sha256(bytes)).toString('hex'), JSON.stringify(text)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('the ids', () => {
  it('are the same with the platform digest as with the core one', () => {
    const parts = [['certify_open', '2021000000000001', 'ORDER-1'], ['biz_no', '证件号', '0'], []];
    const ids = () => parts.flatMap((each) => [stableHex(32, ...each), stableDigits(22, ...each)]);
    const withCoreDigest = ids();
    useSha256Hex(nodeCrypto.sha256Hex);
    expect(ids()).toEqual(withCoreDigest);
    expect(withCoreDigest[0]).toBe(createHash('sha256').update(parts[0]!.join('\u0000')).digest('hex').slice(0, 32));
  });
});
