/**
 * Schema pieces several API pages share: the CERT_INFO identity_param of the certification APIs, a
 * field that holds a JSON object, and the single-id biz_content of the certify and query calls.
 */

/** identity_param as the certification pages describe it, a JSON string of at most `maxLength`. */
export function certInfoIdentityParam<const Extra extends Readonly<Record<string, unknown>> = Record<never, never>>(maxLength: number, extraProperties: Extra = {} as Extra) {
  return {
    type: 'string',
    maxLength,
    jsonString: {
      type: 'object',
      required: ['identity_type', 'cert_type', 'cert_name', 'cert_no'],
      properties: {
        identity_type: { const: 'CERT_INFO' },
        cert_type: { const: 'IDENTITY_CARD' },
        cert_name: { type: 'string', minLength: 1 },
        cert_no: { type: 'string', minLength: 1 },
        ...extraProperties,
      },
    },
  } as const;
}

/** A string field holding a JSON object (merchant_config, ext_biz_param, biz_params). */
export function jsonObjectField(maxLength: number) {
  return { type: 'string', maxLength, jsonString: { type: 'object' } } as const;
}

/** biz_content of a call that names one certification: {certify_id} or {biz_no}. */
export function singleIdSchema<Field extends string>(field: Field) {
  const properties = { [field]: { type: 'string', minLength: 1, maxLength: 32 } } as Record<Field, { readonly type: 'string'; readonly minLength: 1; readonly maxLength: 32 }>;
  return { type: 'object', required: [field], properties } as const;
}
