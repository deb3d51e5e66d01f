/**
 * 18-digit resident identity numbers (公民身份号码, GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd for men), and an ISO 7064 MOD 11-2 check character. The region's province
 * and prefecture must be real ones (division-prefixes.ts).
 */
import { isDivisionPrefix } from './division-prefixes.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

/** The check character for the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i]! * Number(first17[i]);
  return CHECK_CHARACTERS[sum % 11]!;
}

function isRealDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Prefectures the sandbox's examples and messages name (the kit's example numbers are Hangzhou's). */
const NAMED_PREFECTURES: Readonly<Record<string, string>> = { '1101': 'Beijing', '3301': 'Hangzhou' };

/** The prefecture a number was issued in, by name, when it is one the sandbox's messages name. */
export function prefectureName(certNo: string): string | undefined {
  return NAMED_PREFECTURES[certNo.slice(0, 4)];
}

export type ResidentIdProblem = 'length' | 'characters' | 'region' | 'birth-date' | 'check-digit';

/** Why `certNo` cannot be a resident ID number, or undefined when it can be one. */
export function residentIdProblem(certNo: string): ResidentIdProblem | undefined {
  const upper = certNo.toUpperCase();
  if (upper.length !== 18) return 'length';
  if (!SHAPE.test(upper)) return 'characters';
  if (!isDivisionPrefix(upper.slice(0, 4))) return 'region';
  if (!isRealDate(upper.slice(6, 14))) return 'birth-date';
  if (residentIdCheckCharacter(upper) !== upper[17]) return 'check-digit';
  return undefined;
}

export function describeResidentIdProblem(field: string, certNo: string, problem: ResidentIdProblem): string {
  switch (problem) {
    case 'length':
      return `${field} "${certNo}" has ${certNo.length} characters; a resident ID number has 18`;
    case 'characters':
      return `${field} "${certNo}" must be 17 digits and a digit or X`;
    case 'region':
      return `${field} "${certNo}" starts with ${certNo.slice(0, 4)}, which is no province and prefecture of GB/T 2260 (e.g. ${Object.entries(NAMED_PREFECTURES).map((named) => named.join(' ')).join(', ')})`;
    case 'birth-date':
      return `${field} "${certNo}" carries no real birth date in characters 7 to 14`;
    case 'check-digit':
      return `${field} "${certNo}" fails the GB 11643 check: its last character should be ${residentIdCheckCharacter(certNo)}`;
  }
}
