import { describe, expect, it } from 'vitest';
import { checkTimestamp } from '../../mock-server/core/protocol/timestamp.js';
import { formatLocalTimestamp } from '../support/local-timestamp.js';

const WINDOW = 15 * 60_000;

describe('checkTimestamp', () => {
  const now = Date.UTC(2026, 10, 22, 4, 0, 0);

  it('accepts the local wall-clock time of now', () => {
    expect(checkTimestamp(formatLocalTimestamp(now), now, WINDOW)).toEqual({ ok: true });
  });

  it('accepts the GMT+8 wall-clock time of now', () => {
    expect(checkTimestamp('2026-11-22 12:00:00', now, WINDOW)).toEqual({ ok: true });
  });

  it('refuses a time outside the window, saying by how much', () => {
    const verdict = checkTimestamp(formatLocalTimestamp(now - 60 * 60_000), now, WINDOW);
    expect(verdict).toEqual({ ok: false, detail: expect.stringContaining('60 minutes behind') });
  });

  it.each(['2026-13-01 00:00:00', '2026-02-29 00:00:00', '2026-11-22 24:00:00', '2026-11-22T04:00:00', ''])(
    'refuses %j, which is no real time in yyyy-MM-dd HH:mm:ss, even with the window off',
    (text) => {
      expect(checkTimestamp(text, now, 0).ok).toBe(false);
    },
  );

  it('accepts any real time when the window is 0', () => {
    expect(checkTimestamp('2000-01-01 00:00:00', now, 0)).toEqual({ ok: true });
  });
});
