/**
 * The JSON Schema of a scenario document: what a scenario file may say. The one source of it:
 * `npm run docs` writes scenarios/scenario.schema.json from this for editors and other tools (a test
 * fails when the two differ), and the loader validates documents with it without reading a file.
 */

export const SCENARIO_SCHEMA = {
  "$schema": 'http://json-schema.org/draft-07/schema#',
  "$id": 'https://alipay-gateway-sandbox.local/scenario.schema.json',
  title: 'Alipay gateway sandbox scenario',
  description: 'Chooses what the sandbox answers. Rules are tried in order; the first that matches decides. A request no rule matches gets normal behaviour.',
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    name: {
      type: 'string',
    },
    description: {
      type: 'string',
    },
    members: {
      description: 'open (default): every well-formed identity is an Alipay member. closed: only the people the sandbox knows (GET /__admin/identities), with their own name and mobile.',
      enum: ['open', 'closed'],
    },
    rules: {
      type: 'array',
      items: {
        "$ref": '#/definitions/rule',
      },
    },
  },
  definitions: {
    scalar: {
      type: ['string', 'number', 'boolean'],
    },
    matcher: {
      description: 'A value to equal, or one of {equals}, {regex}, {one_of}.',
      type: ['string', 'number', 'boolean', 'object'],
      additionalProperties: false,
      properties: {
        equals: {
          "$ref": '#/definitions/scalar',
        },
        regex: {
          type: 'string',
        },
        one_of: {
          type: 'array',
          minItems: 1,
          items: {
            "$ref": '#/definitions/scalar',
          },
        },
      },
    },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: {
          "$ref": '#/definitions/matcher',
        },
        app_id: {
          "$ref": '#/definitions/matcher',
        },
        biz_content: {
          description: 'Field paths into biz_content; a dot descends into objects and into JSON held in strings, e.g. identity_param.cert_no.',
          type: 'object',
          additionalProperties: {
            "$ref": '#/definitions/matcher',
          },
        },
        rate: {
          description: 'A call limit: the rule fires on the calls beyond `calls` in any `per_ms` window (1000 for calls per second), counted per app_id and, with per_method, per method. Calls it fired on do not count against the limit, as a gateway that refuses them does not serve them.',
          type: 'object',
          additionalProperties: false,
          required: ['calls', 'per_ms'],
          properties: {
            calls: {
              type: 'integer',
              minimum: 1,
              maximum: 1000000,
            },
            per_ms: {
              type: 'integer',
              minimum: 1,
              maximum: 86400000,
            },
            per_method: {
              type: 'boolean',
            },
          },
        },
        call: {
          description: 'Counts the calls this rule\'s other conditions match, per app_id: the nth, the first N, or every nth.',
          type: 'object',
          additionalProperties: false,
          properties: {
            nth: {
              type: 'integer',
              minimum: 1,
            },
            first: {
              type: 'integer',
              minimum: 1,
            },
            every: {
              type: 'integer',
              minimum: 1,
            },
          },
        },
      },
    },
    outcome: {
      description: 'Exactly one of normal, business_error, public_error, throttled, fault, http_status.',
      type: 'object',
      additionalProperties: false,
      properties: {
        normal: {
          description: 'Normal behaviour; on success these response fields are set (null removes one).',
          type: 'object',
        },
        business_error: {
          description: 'A business code the matched method documents.',
          type: 'string',
        },
        public_error: {
          description: 'A gateway sub_code such as isp.unknow-error.',
          type: 'string',
        },
        throttled: {
          description: 'The answer to a call over a limit. Alipay documents no call-limit public error, so this is its documented answer for a call the gateway cannot serve now: 20000 aop.unknow-error (README, "Throttling").',
          const: true,
        },
        sub_msg: {
          description: 'Which row of a code with several, or the sub_msg a public error (or throttled) shows.',
          type: 'string',
        },
        fault: {
          enum: ['connection-reset', 'connection-close', 'malformed-json', 'missing-sign', 'wrong-sign'],
        },
        http_status: {
          type: 'integer',
          minimum: 100,
          maximum: 599,
        },
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['outcome'],
      properties: {
        name: {
          type: 'string',
        },
        match: {
          "$ref": '#/definitions/match',
        },
        once: {
          description: 'Fires once per app_id, then never again until reset or reload.',
          type: 'boolean',
        },
        delay_ms: {
          description: 'Wait this long before answering: a number, or [min, max] for a random delay.',
          type: ['integer', 'array'],
          minimum: 0,
          maximum: 120000,
          minItems: 2,
          maxItems: 2,
          items: {
            type: 'integer',
            minimum: 0,
            maximum: 120000,
          },
        },
        outcome: {
          "$ref": '#/definitions/outcome',
        },
      },
    },
  },
} as const;
