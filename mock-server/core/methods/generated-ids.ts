/**
 * Identifiers shaped like Alipay's, derived from what identifies a call (app and merchant order or
 * transaction number), so that a client's retry gets the same id back.
 */
import { utf8Bytes } from '../protocol/bytes.js';
import { sha256 } from './sha256.js';

function digest(parts: readonly string[]): Uint8Array {
  return sha256(utf8Bytes(parts.join('\u0000')));
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function stableHex(length: number, ...parts: string[]): string {
  let hex = '';
  for (const byte of digest(parts)) hex += HEX[byte];
  return hex.slice(0, length);
}

export function stableDigits(length: number, ...parts: string[]): string {
  let digits = '';
  for (let round = 0; digits.length < length; round++) {
    for (const byte of digest([...parts, String(round)])) digits += String(byte % 10);
  }
  return digits.slice(0, length);
}

/** yyyyMMdd in GMT+8, Alipay's own calendar. */
export function alipayDate(nowMs: number): string {
  return new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** yyyy-MM-dd HH:mm:ss in GMT+8, as Alipay writes times in answers (auth_start). */
export function alipayTime(nowMs: number): string {
  return new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A Zhima biz_no: "ZM", the date, 22 digits; 32 characters like ZM201612013000000393900404029253. */
export function zhimaBizNo(nowMs: number, ...parts: string[]): string {
  return `ZM${alipayDate(nowMs)}${stableDigits(22, 'biz_no', ...parts)}`;
}

/** A 16-digit Alipay user id or open_id: 2088 and 12 digits. */
export function alipayUserId(...parts: string[]): string {
  return `2088${stableDigits(12, 'user_id', ...parts)}`;
}

/** A 40-character token like 20120823ac6ffaa4d2d84e7384bf983531473993: the date and 32 hex digits. */
export function alipayToken(nowMs: number, ...parts: string[]): string {
  return `${alipayDate(nowMs)}${stableHex(32, 'token', ...parts)}`;
}
