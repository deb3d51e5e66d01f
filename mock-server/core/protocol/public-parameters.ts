/**
 * The public request parameters of gateway.do, as every seed page's 公共请求参数 table lists them,
 * and the ajv schema derived from that table. Each row says which documented sub_code answers a
 * missing or a malformed value.
 */
import type { ErrorObject } from 'ajv';
import { publicError, type ErrorFields, type PublicSubCode } from './public-errors.js';
import { lazyValidator } from '../validation/schema-validators.js';

export type SignType = 'RSA2' | 'RSA';

interface PublicParameterRow {
  readonly name: string;
  readonly maxLength: number;
  /** The sub_code when the parameter is absent; undefined where Alipay treats it as optional. */
  readonly missing?: PublicSubCode;
  readonly invalid: PublicSubCode;
  /** What a valid value looks like, for the schema and for the sub_msg that tells the caller. */
  readonly accepted?: { readonly enum?: readonly string[]; readonly pattern?: string; readonly describe: string };
}

/** In the order the gateway reports problems: the first failing row is the one answered. */
export const PUBLIC_PARAMETER_TABLE: readonly PublicParameterRow[] = [
  { name: 'app_id', maxLength: 32, missing: 'isv.missing-app-id', invalid: 'isv.invalid-app-id' },
  {
    name: 'method',
    maxLength: 128,
    missing: 'isv.missing-method',
    invalid: 'isv.invalid-method',
    accepted: { pattern: '^[A-Za-z0-9_.]+$', describe: 'a dotted API name such as alipay.user.certify.open.initialize' },
  },
  {
    name: 'format',
    maxLength: 40,
    invalid: 'isv.invalid-format',
    accepted: { enum: ['JSON', 'json'], describe: 'JSON (the only format Alipay supports)' },
  },
  { name: 'charset', maxLength: 10, invalid: 'isv.invalid-charset' },
  {
    name: 'sign_type',
    maxLength: 10,
    missing: 'isv.missing-signature-type',
    invalid: 'isv.invalid-signature-type',
    accepted: { enum: ['RSA2', 'RSA'], describe: 'RSA2 or RSA' },
  },
  { name: 'sign', maxLength: 344, missing: 'isv.missing-signature', invalid: 'isv.invalid-signature' },
  {
    name: 'timestamp',
    maxLength: 19,
    missing: 'isv.missing-timestamp',
    invalid: 'isv.invalid-timestamp',
    accepted: { pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$', describe: 'yyyy-MM-dd HH:mm:ss' },
  },
  {
    name: 'version',
    maxLength: 3,
    missing: 'isv.missing-version',
    // Alipay documents no invalid-version sub_code; isv.invalid-parameter is its general answer.
    invalid: 'isv.invalid-parameter',
    accepted: { enum: ['1.0'], describe: '1.0' },
  },
  // An app_auth_token that cannot be one is an invalid token, which Alipay answers with 20001.
  { name: 'app_auth_token', maxLength: 40, invalid: 'aop.invalid-app-auth-token' },
];

const ROW_BY_NAME = new Map(PUBLIC_PARAMETER_TABLE.map((row) => [row.name, row]));

function schemaOf(row: PublicParameterRow): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: 'string', maxLength: row.maxLength };
  if (row.accepted?.enum) schema.enum = row.accepted.enum;
  if (row.accepted?.pattern) schema.pattern = row.accepted.pattern;
  return schema;
}

export const publicParameterSchema = {
  type: 'object',
  required: PUBLIC_PARAMETER_TABLE.filter((row) => row.missing).map((row) => row.name),
  properties: Object.fromEntries(PUBLIC_PARAMETER_TABLE.map((row) => [row.name, schemaOf(row)])),
} as const;

const validatePublicParameters = lazyValidator(publicParameterSchema);

/** A row's accepted pattern, compiled as ajv compiles a schema's (with the u flag). */
const PATTERNS = new Map(PUBLIC_PARAMETER_TABLE.flatMap((row) => (row.accepted?.pattern ? [[row.name, new RegExp(row.accepted.pattern, 'u')] as const] : [])));

/**
 * Whether the table accepts the parameters, read from the table itself: what every request that
 * passes costs, where ajv costs several times more (it counts each value's code points for
 * maxLength). Only a yes is final: a value longer in UTF-16 units than its maxLength may still be
 * short enough in code points, and a refusal needs ajv's errors anyway, so anything else goes to ajv.
 */
function plainlyAccepted(params: Readonly<Record<string, string>>): boolean {
  for (const row of PUBLIC_PARAMETER_TABLE) {
    const value = params[row.name];
    if (value === undefined) {
      if (row.missing) return false;
      continue;
    }
    if (typeof value !== 'string' || value.length > row.maxLength) return false;
    if (row.accepted?.enum && !row.accepted.enum.includes(value)) return false;
    if (PATTERNS.get(row.name)?.test(value) === false) return false;
  }
  return true;
}

export interface PublicParameters {
  app_id: string;
  method: string;
  format?: string;
  charset?: string;
  sign_type: SignType;
  sign: string;
  timestamp: string;
  version: string;
  app_auth_token?: string;
}

interface Problem {
  row: PublicParameterRow;
  error: ErrorFields;
}

function problemOf(error: ErrorObject, params: Readonly<Record<string, string>>): Problem | undefined {
  if (error.keyword === 'required') {
    const row = ROW_BY_NAME.get(String(error.params.missingProperty));
    if (!row?.missing) return undefined;
    return { row, error: publicError(row.missing, `the request has no ${row.name} parameter`) };
  }
  const row = ROW_BY_NAME.get(error.instancePath.slice(1));
  if (!row) return undefined;
  const value = params[row.name] ?? '';
  const detail =
    error.keyword === 'maxLength'
      ? `${row.name} is ${[...value].length} characters long; at most ${row.maxLength} are allowed`
      : `${row.name} "${value}" is not ${row.accepted?.describe ?? 'valid'}`;
  return { row, error: publicError(row.invalid, detail) };
}

/**
 * Checks the public parameters (empty values already dropped, as Alipay drops them) and returns the
 * first problem in table order, or the typed parameters.
 */
export function checkPublicParameters(
  params: Readonly<Record<string, string>>,
): { ok: true; value: PublicParameters } | { ok: false; error: ErrorFields } {
  if (plainlyAccepted(params) || validatePublicParameters(params)) return { ok: true, value: params as unknown as PublicParameters };
  const problems = (validatePublicParameters.errors ?? [])
    .map((error) => problemOf(error, params))
    .filter((problem): problem is Problem => problem !== undefined)
    .sort((a, b) => PUBLIC_PARAMETER_TABLE.indexOf(a.row) - PUBLIC_PARAMETER_TABLE.indexOf(b.row));
  const first = problems[0];
  return { ok: false, error: first ? first.error : publicError('isv.invalid-parameter') };
}
