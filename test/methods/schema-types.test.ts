/**
 * The handlers' parameter types are read off their JSON Schemas (schema-types.ts): checked by the
 * type check (`npm test` runs tsc over this file), and at run time that the schemas are the ones typed.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonTextOf, ParametersOf } from '../../mock-server/core/methods/schema-types.js';
import { certInfoIdentityParam, singleIdSchema } from '../../mock-server/core/methods/shared-schemas.js';

describe('ParametersOf', () => {
  it('makes required properties required, the rest optional, enums and consts literal', () => {
    const schema = {
      type: 'object',
      required: ['grant_type', 'count'],
      properties: {
        grant_type: { type: 'string', enum: ['authorization_code', 'refresh_token'] },
        code: { type: 'string', maxLength: 40 },
        count: { type: 'number' },
        flag: { type: 'boolean' },
        kind: { const: 'CERT_INFO' },
      },
    } as const;
    expectTypeOf<ParametersOf<typeof schema>>().toEqualTypeOf<{ grant_type: 'authorization_code' | 'refresh_token'; count: number; code?: string; flag?: boolean; kind?: 'CERT_INFO' }>();
    expect(schema.required).toEqual(['grant_type', 'count']);
  });

  it('keeps the field name of a single-id schema', () => {
    const schema = singleIdSchema('certify_id');
    expectTypeOf<ParametersOf<typeof schema>>().toEqualTypeOf<{ certify_id: string }>();
    expect(schema.required).toEqual(['certify_id']);
  });

  it('types what a JSON-text field holds, with the extra properties a page adds', () => {
    const field = certInfoIdentityParam(4096, { phone_no: { type: 'string' } });
    expectTypeOf<JsonTextOf<typeof field>>().toEqualTypeOf<{ identity_type: 'CERT_INFO'; cert_type: 'IDENTITY_CARD'; cert_name: string; cert_no: string; phone_no?: string }>();
    expect(Object.keys(field.jsonString.properties)).toContain('phone_no');
  });
});
