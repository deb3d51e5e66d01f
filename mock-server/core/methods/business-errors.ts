/**
 * A method's documented business codes, and the mapping from schema failures to them. Rules name codes
 * that must stand in the method's own table: a typo fails at load, not in a user's test.
 */
import type { ErrorObject } from 'ajv';
import { businessError, PUBLIC_CODE_MSG, publicError, type ErrorFields } from '../protocol/public-errors.js';
import type { DocumentedBusinessError, Refusal, SchemaFailureRule } from './api-method.js';
import { describeSchemaError, fieldPath } from './biz-content.js';

/** The rows of a page's table with `subCode` (and `subMsg`, where a code has several rows, like USABLE_QUERY_FAIL). */
export function documentedRows(rows: readonly DocumentedBusinessError[], subCode: string, subMsg?: string): DocumentedBusinessError[] {
  return rows.filter((r) => r.sub_code === subCode && (subMsg === undefined || r.sub_msg === subMsg));
}

/** The node a documented row is answered with: its code (40004 unless the row says), and sub_msg verbatim. */
export function documentedError(row: DocumentedBusinessError): ErrorFields {
  if (!row.code || row.code === '40004') return businessError(row.sub_code, row.sub_msg);
  return { code: row.code, msg: PUBLIC_CODE_MSG[row.code], sub_code: row.sub_code, sub_msg: row.sub_msg };
}

export class BusinessErrorTable {
  constructor(readonly rows: readonly DocumentedBusinessError[]) {}

  /** The row for `subCode` (and `subMsg`, where a code has several rows). */
  row(subCode: string, subMsg?: string): DocumentedBusinessError {
    const row = documentedRows(this.rows, subCode, subMsg)[0];
    if (!row) throw new Error(`business code ${subCode}${subMsg ? ` (${subMsg})` : ''} is not in this method's table`);
    return row;
  }

  /** The row's documented answer (40004 Business Failed, mostly) with its sub_msg verbatim. */
  refusal(subCode: string, detail: string, subMsg?: string): Refusal {
    return { error: documentedError(this.row(subCode, subMsg)), detail };
  }
}

function isMissing(error: ErrorObject): boolean {
  return error.keyword === 'required' || (error.keyword === 'minLength' && error.params.limit === 1);
}

function fieldMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return path === pattern.slice(0, -2) || path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

function ruleApplies(rule: SchemaFailureRule, error: ErrorObject): boolean {
  if (!fieldMatches(rule.field, fieldPath(error))) return false;
  return rule.on === 'any' || (rule.on === 'missing') === isMissing(error);
}

/**
 * Builds a method's schemaFailure: the most telling error first, answered by the first rule that fits it, else by
 * 40002 isv.invalid-parameter naming the field.
 */
export function schemaFailureMapper(table: BusinessErrorTable, fieldOrder: readonly string[], rules: readonly SchemaFailureRule[]) {
  for (const rule of rules) table.row(rule.subCode, rule.subMsg);
  // Absent fields first, then over-long ones (the plainest thing to fix), then the rest; within each,
  // the page's table order.
  const rank = (error: ErrorObject) => {
    const top = fieldPath(error).split('.')[0]!;
    const at = fieldOrder.indexOf(top);
    const kind = isMissing(error) ? 0 : error.keyword === 'maxLength' ? 1 : 2;
    return kind * 1000 + (at < 0 ? 999 : at);
  };
  return (errors: readonly ErrorObject[]): Refusal => {
    const first = [...errors].sort((a, b) => rank(a) - rank(b))[0];
    if (!first) return { error: publicError('isv.invalid-parameter'), detail: 'biz_content is invalid' };
    const detail = describeSchemaError(first);
    const rule = rules.find((r) => ruleApplies(r, first));
    if (rule) return table.refusal(rule.subCode, detail, rule.subMsg);
    return { error: publicError('isv.invalid-parameter', detail), detail };
  };
}

/** The property names of a biz_content schema, in the page's table order. */
export function fieldOrderOf(schema: Readonly<Record<string, unknown>>): string[] {
  return Object.keys((schema.properties ?? {}) as Record<string, unknown>);
}

/**
 * The rows the sandbox chose for a method whose page table could not be found: busy (the words of
 * apply's page) and a request its schema refuses. Each such definition says so in its header.
 */
export const CHOSEN_GENERIC_ROWS: readonly DocumentedBusinessError[] = [
  { sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙', solution: '系统异常,建议稍后重试或联系技术支持人员解决' },
  { sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误', solution: '检查参数是否按照规定传入,修改后重试' },
];

/** The public 20001 codes of a call whose auth_token cannot be used (reference §4), as every method taking one answers them. */
export const ACCESS_TOKEN_ROWS: readonly DocumentedBusinessError[] = [
  { code: '20001', sub_code: 'aop.invalid-auth-token', sub_msg: '无效的访问令牌', solution: '传入alipay.system.oauth.token为本应用换取的access_token' },
  { code: '20001', sub_code: 'aop.auth-token-time-out', sub_msg: '访问令牌已过期', solution: '用refresh_token刷新访问令牌,或引导用户重新授权' },
];
