/**
 * The public parameters are accepted by reading their table directly, and ajv is asked only about
 * what that reading does not plainly accept: whatever the values, the check answers what ajv over
 * the schema answers.
 */
import { describe, expect, it } from 'vitest';
import { checkPublicParameters, publicParameterSchema } from '../../mock-server/core/protocol/public-parameters.js';
import { validatorFor } from '../../mock-server/core/validation/schema-validators.js';

const validate = validatorFor(publicParameterSchema);

const VALID: Record<string, string> = {
  app_id: '2021000000000001',
  method: 'alipay.user.certify.open.initialize',
  format: 'JSON',
  charset: 'utf-8',
  sign_type: 'RSA2',
  sign: 'A'.repeat(344),
  timestamp: '2024-05-01 12:00:00',
  version: '1.0',
};

/** Values each parameter may be tried with: right ones, wrong ones, and lengths at and past each limit. */
const TRIED = ['', 'JSON', 'json', 'RSA', 'RSA2', '1.0', '1.1', 'a b', 'alipay.x_y', '2024-05-01 12:00:00', '2024-05-01T12:00:00', '１２', '😀'.repeat(3), '😀'.repeat(20), 'x'.repeat(19), 'x'.repeat(20), 'x'.repeat(40), 'x'.repeat(41), 'x'.repeat(344), 'x'.repeat(345), `${'😀'.repeat(100)}`, `${'x'.repeat(300)}😀😀`];

describe('the public parameters table, read directly', () => {
  it('accepts a request with every parameter right', () => {
    expect(checkPublicParameters(VALID)).toEqual({ ok: true, value: VALID });
  });

  it('accepts what ajv accepts and refuses what it refuses, on 5,000 random parameter sets', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let accepted = 0;
    for (let trial = 0; trial < 5000; trial++) {
      const params: Record<string, string> = { ...VALID };
      for (const name of [...Object.keys(VALID), 'app_auth_token']) {
        const roll = next(10);
        if (roll === 0) delete params[name];
        else if (roll === 1) params[name] = TRIED[next(TRIED.length)]!;
      }
      const checked = checkPublicParameters(params).ok;
      if (checked) accepted++;
      expect(checked, JSON.stringify(params)).toBe(validate(params));
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('accepts a value over its maxLength in UTF-16 units but within it in code points, as ajv does', () => {
    const params = { ...VALID, charset: '😀'.repeat(6) };
    expect(checkPublicParameters(params).ok).toBe(true);
  });
});
