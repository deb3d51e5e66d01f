/**
 * The exchange both of Alipay's token APIs make (alipay.system.oauth.token for a person's OAuth
 * grant, alipay.open.auth.token.app for a merchant's authorization of an ISV app): grant_type
 * authorization_code trades a one-time code for tokens, refresh_token trades the current refresh
 * token for new ones. The skeleton is shared; each flow says how its record is found, what makes a
 * code or a refresh token unusable (with its page's codes), and how tokens are issued.
 */
import { refused, type MethodContext, type MethodOutcome, type Refusal, type SchemaFailureRule } from '../methods/api-method.js';
import type { BusinessErrorTable } from '../methods/business-errors.js';
import type { RecordKind } from '../state/record-collection.js';

export interface TokenGrant {
  readonly grant_type: 'authorization_code' | 'refresh_token';
  readonly code?: string;
  readonly refresh_token?: string;
}

/** biz_content of both token APIs: the grant, with the code's bound of the page (32 or 40). */
export function tokenGrantSchema<const CodeLength extends number>(codeMaxLength: CodeLength) {
  return {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { type: 'string', minLength: 1, maxLength: 20, enum: ['authorization_code', 'refresh_token'] },
      code: { type: 'string', maxLength: codeMaxLength },
      refresh_token: { type: 'string', maxLength: 40 },
    },
  } as const;
}

/** The page's code for each grant parameter, what a malformed one and a missing or unknown one are refused with. */
export interface GrantCodes {
  readonly grant_type: string;
  readonly code: string;
  readonly refresh_token: string;
}

/** The schema-failure rules of a token API: each grant parameter answered with its page's code. */
export function tokenGrantRules(codes: GrantCodes): SchemaFailureRule[] {
  return (['grant_type', 'code', 'refresh_token'] as const).map((field) => ({ field, on: 'any', subCode: codes[field] }));
}

/** Why a code or refresh token found nothing: the detail when none came, and when it names no authorization. */
export interface NotFound {
  readonly missing: string;
  readonly unknown: (value: string, context: MethodContext) => string;
}

/** One flow's side of the exchange: its records, its refusals, its tokens. */
export interface TokenExchange<Authorization> {
  readonly records: RecordKind<Authorization>;
  /** The lookup of `records` a refresh token finds its authorization by. */
  readonly refreshTokenLookup: string;
  /** The page's codes, and which answers a missing or unknown code and refresh token. */
  readonly errors: BusinessErrorTable;
  readonly notFoundCodes: Pick<GrantCodes, 'code' | 'refresh_token'>;
  readonly noCode: NotFound;
  readonly noRefreshToken: NotFound;
  /** Why a found code may not be exchanged by this caller now (used, expired, another app's), or undefined. */
  readonly codeProblem: (authorization: Authorization, code: string, context: MethodContext) => Refusal | undefined;
  readonly refreshProblem: (authorization: Authorization, refreshToken: string, context: MethodContext) => Refusal | undefined;
  /** Issues new tokens (the old refresh token stops finding the record) and answers with them. */
  readonly issue: (authorization: Authorization, context: MethodContext) => MethodOutcome;
}

/** The refusal of a code (or refresh token) that is missing or names no authorization. */
export function notFound<A>(exchange: TokenExchange<A>, field: 'code' | 'refresh_token', value: string | undefined, context: MethodContext): Refusal {
  const why = field === 'code' ? exchange.noCode : exchange.noRefreshToken;
  return exchange.errors.refusal(exchange.notFoundCodes[field], value ? why.unknown(value, context) : why.missing);
}

function byCode<A>(exchange: TokenExchange<A>, code: string | undefined, context: MethodContext): MethodOutcome {
  const authorization = code ? context.state.records(exchange.records).get(code) : undefined;
  if (!code || !authorization) return refused(notFound(exchange, 'code', code, context));
  const problem = exchange.codeProblem(authorization, code, context);
  return problem ? refused(problem) : exchange.issue(authorization, context);
}

function byRefreshToken<A>(exchange: TokenExchange<A>, refreshToken: string | undefined, context: MethodContext): MethodOutcome {
  const authorization = refreshToken ? context.state.records(exchange.records).find(exchange.refreshTokenLookup, refreshToken) : undefined;
  if (!refreshToken || !authorization) return refused(notFound(exchange, 'refresh_token', refreshToken, context));
  const problem = exchange.refreshProblem(authorization, refreshToken, context);
  return problem ? refused(problem) : exchange.issue(authorization, context);
}

/** The method's handler: the grant as its schema let it through. */
export function exchangeTokens<A>(exchange: TokenExchange<A>, grant: TokenGrant, context: MethodContext): MethodOutcome {
  return grant.grant_type === 'authorization_code' ? byCode(exchange, grant.code, context) : byRefreshToken(exchange, grant.refresh_token, context);
}
