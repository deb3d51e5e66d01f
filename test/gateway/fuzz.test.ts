/**
 * Seeded fuzzing through the whole engine: correctly signed requests whose biz_content is mangled
 * (wrong types, nesting, lone surrogates, huge and empty values) for every method. Each must get an
 * answer the protocol knows, never aop.unknow-error (the sandbox failing), and the server stays up.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_METHODS } from '../../mock-server/core/methods/method-registry.js';
import { VALID_REQUESTS } from '../support/page-examples.js';
import { useSandbox } from '../support/sandbox-fixture.js';
import { publicParams, signedRequest } from '../support/signed-request.js';

const sandbox = useSandbox();

/** A small seeded generator, so a failure reproduces. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const STRANGE_VALUES: readonly unknown[] = [
  null, true, 0, -1, 1e308, '', ' ', '\ud800', '\udfff\ud800', '🙂', '"', '\\', '{', '[1,2', '{"a":', '[]', '{}', 'null',
  '{"identity_type":"CERT_INFO"}', '{"certType":null}', '{"userId":2088}', '{"name":"x"}', 'x'.repeat(5000),
  [], [1, 'a'], {}, { nested: { deeper: [null] } }, '<script>alert(1)</script>', '%00', '\u0000',
];

function mangled(base: Record<string, string>, random: ReturnType<typeof generator>): Record<string, unknown> {
  const biz: Record<string, unknown> = { ...base };
  const fields = Object.keys(biz);
  for (let i = 0; i < 1 + Math.floor(random.next() * 3); i++) {
    const field = random.pick([...fields, '__proto__', 'constructor', 'extra_field']);
    biz[field] = random.pick(STRANGE_VALUES);
  }
  if (random.next() < 0.2) delete biz[random.pick(fields)];
  return biz;
}

describe('mangled biz_content, correctly signed', () => {
  it.each(SUPPORTED_METHODS.map((d) => [d.name] as const))('%s answers every one with a known answer', async (method) => {
    const random = generator(method.length * 7919);
    const base = (VALID_REQUESTS as Record<string, Record<string, string>>)[method] ?? { certify_id: '0123456789abcdef0123456789abcdef', biz_no: 'ZM201612013000000393900404029253' };
    for (let i = 0; i < 40; i++) {
      const bizContent = random.next() < 0.1 ? random.pick(['', 'null', '[]', '"x"', '{', '1']) : JSON.stringify(mangled(base, random));
      const request = signedRequest({ ...publicParams(method), biz_content: bizContent });
      const response = await fetch(sandbox().url + request.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: request.body });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(text, `biz_content ${bizContent}`).not.toContain('aop.unknow-error');
    }
  });

  it('leaves the sandbox serving', async () => {
    expect((await fetch(`${sandbox().url}/__admin/health`)).status).toBe(200);
  });
});
