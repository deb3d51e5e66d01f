/**
 * The exchange both of Alipay's token APIs make (alipay.system.oauth.token for a person's OAuth
 * grant, alipay.open.auth.token.app for a merchant's authorization of an ISV app): grant_type
 * authorization_code trades a one-time code for tokens, refresh_token trades the current refresh
 * token for new ones. The skeleton is shared; each flow says how its record is found, what makes a
 * code or a refresh token unusable (with its page's codes), and how tokens are issued.
 */
import { refused, type MethodContext, type MethodOutcome, type Refusal } from '../methods/api-method.js';
import type { RecordKind } from '../state/record-collection.js';

export interface TokenGrant {
  readonly grant_type: 'authorization_code' | 'refresh_token';
  readonly code?: string;
  readonly refresh_token?: string;
}

/** One flow's side of the exchange: its records, its refusals, its tokens. */
export interface TokenExchange<Authorization> {
  readonly records: RecordKind<Authorization>;
  /** The lookup of `records` a refresh token finds its authorization by. */
  readonly refreshTokenLookup: string;
  /** Refusals when the code or refresh token is missing, or finds no authorization. */
  readonly noCode: (code: string | undefined, context: MethodContext) => Refusal;
  readonly noRefreshToken: (refreshToken: string | undefined, context: MethodContext) => Refusal;
  /** Why a found code may not be exchanged by this caller now (used, expired, another app's), or undefined. */
  readonly codeProblem: (authorization: Authorization, code: string, context: MethodContext) => Refusal | undefined;
  readonly refreshProblem: (authorization: Authorization, refreshToken: string, context: MethodContext) => Refusal | undefined;
  /** Issues new tokens (the old refresh token stops finding the record) and answers with them. */
  readonly issue: (authorization: Authorization, context: MethodContext) => MethodOutcome;
}

function byCode<A>(exchange: TokenExchange<A>, code: string | undefined, context: MethodContext): MethodOutcome {
  const authorization = code ? context.state.records(exchange.records).get(code) : undefined;
  if (!code || !authorization) return refused(exchange.noCode(code, context));
  const problem = exchange.codeProblem(authorization, code, context);
  return problem ? refused(problem) : exchange.issue(authorization, context);
}

function byRefreshToken<A>(exchange: TokenExchange<A>, refreshToken: string | undefined, context: MethodContext): MethodOutcome {
  const authorization = refreshToken ? context.state.records(exchange.records).find(exchange.refreshTokenLookup, refreshToken) : undefined;
  if (!refreshToken || !authorization) return refused(exchange.noRefreshToken(refreshToken, context));
  const problem = exchange.refreshProblem(authorization, refreshToken, context);
  return problem ? refused(problem) : exchange.issue(authorization, context);
}

/** The method's handler: the grant as its schema let it through. */
export function exchangeTokens<A>(exchange: TokenExchange<A>, grant: TokenGrant, context: MethodContext): MethodOutcome {
  return grant.grant_type === 'authorization_code' ? byCode(exchange, grant.code, context) : byRefreshToken(exchange, grant.refresh_token, context);
}
