/**
 * The sign string of parameters read as text is written as UTF-8 straight into one buffer: its bytes
 * must be those of the sign string's text encoded, whatever the characters (astral, lone surrogates).
 */
import { describe, expect, it } from 'vitest';
import { signStringBytes, signStringText, type RequestParameter } from '../../mock-server/core/protocol/signature.js';

const CHARACTERS = ['a', 'Z', '0', '=', '&', ' ', '+', '%', '张', 'é', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '😀', '\uD800', '\uDC00'];

describe('the sign string of a UTF-8 form, as bytes', () => {
  it('is the UTF-8 of its text, lone surrogates written as U+FFFD', () => {
    let seed = 11;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const text = () => Array.from({ length: next(12) }, () => CHARACTERS[next(CHARACTERS.length)]).join('');
    for (let trial = 0; trial < 3000; trial++) {
      const list: RequestParameter[] = Array.from({ length: next(6) }, () => ({ name: next(3) ? `n${text()}` : text(), value: text() }));
      expect(Buffer.from(signStringBytes(list)), JSON.stringify(list)).toEqual(Buffer.from(new TextEncoder().encode(signStringText(list))));
    }
  });

  it('leaves out sign and empty values, sorted by name', () => {
    const list = [{ name: 'b', value: '张' }, { name: 'sign', value: 'x' }, { name: 'a', value: '😀' }, { name: 'c', value: '' }];
    expect(new TextDecoder().decode(signStringBytes(list))).toBe('a=😀&b=张');
  });
});
