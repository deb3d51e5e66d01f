import { describe, expect, it } from 'vitest';
import { MalformedFormError, parseFormFields } from '../../mock-server/core/protocol/form-encoding.js';

const parse = (text: string) => parseFormFields(Buffer.from(text, 'latin1'), 'body').map((f) => [Buffer.from(f.name).toString('latin1'), Buffer.from(f.value).toString('latin1')]);

describe('parseFormFields', () => {
  it('splits fields and percent-decodes names and values to bytes', () => {
    expect(parse('a=1&b%5F=%E4%B8%AD+x')).toEqual([
      ['a', '1'],
      ['b_', '\xe4\xb8\xad x'],
    ]);
  });

  it('keeps empty values and skips empty pieces', () => {
    expect(parse('a=&&b&=c')).toEqual([
      ['a', ''],
      ['b', ''],
      ['', 'c'],
    ]);
  });

  it('keeps "=" inside a value', () => {
    expect(parse('sign=abc==')).toEqual([['sign', 'abc==']]);
  });

  it.each(['a=%', 'a=%4', 'a=%zz', '%g0=1'])('refuses %j with the position of the bad escape', (text) => {
    expect(() => parse(text)).toThrow(MalformedFormError);
    expect(() => parse(text)).toThrow(/at byte \d+ of the body/);
  });
});
