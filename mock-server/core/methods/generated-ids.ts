/**
 * Identifiers shaped like Alipay's, derived from what identifies a call (app and merchant order or
 * transaction number), so that a client's retry gets the same id back.
 */
import { utf8Bytes } from '../protocol/bytes.js';
import { sha256 } from './sha256.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hexOf(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += HEX[byte];
  return hex;
}

/** The core's own SHA-256, until the platform gives its native one (useSha256Hex). */
let sha256Hex = (text: string): string => hexOf(sha256(utf8Bytes(text)));

/**
 * Derives the ids with the platform's SHA-256 (CoreCrypto.sha256Hex) from now on, in this whole
 * module: every implementation gives the same digest (test/methods/sha256.test.ts), so the ids do not
 * depend on which sandbox set it, and the flows that issue ids need no crypto passed down to them.
 */
export function useSha256Hex(platformSha256Hex: (text: string) => string): void {
  sha256Hex = platformSha256Hex;
}

/** The value of the lower-case hex digit at `at`. */
const nibble = (hex: string, at: number): number => {
  const code = hex.charCodeAt(at);
  return code < 0x61 ? code - 0x30 : code - 0x57;
};

const digestHex = (parts: readonly string[]): string => sha256Hex(parts.join('\u0000'));

export function stableHex(length: number, ...parts: string[]): string {
  return digestHex(parts).slice(0, length);
}

export function stableDigits(length: number, ...parts: string[]): string {
  let digits = '';
  for (let round = 0; digits.length < length; round++) {
    const hex = digestHex([...parts, String(round)]);
    for (let at = 0; at < hex.length; at += 2) digits += String(((nibble(hex, at) << 4) | nibble(hex, at + 1)) % 10);
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
