/** The ids' SHA-256 is node:crypto's, on every length around the block boundaries and on Chinese text. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../mock-server/core/methods/sha256.js';

describe('sha256', () => {
  it('gives the digest node:crypto gives', () => {
    const texts = ['', 'abc', '证件号\u0000app', ...Array.from({ length: 200 }, (_, n) => 'x'.repeat(n))];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf8');
      expect(Buffer.from(sha256(bytes)).toString('hex'), JSON.stringify(text)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});
