/**
 * The `timestamp` public parameter, "yyyy-MM-dd HH:mm:ss" with no zone. Java SDKs always write it in
 * GMT+8; the Node, PHP and Python SDKs write the client machine's local time. The sandbox runs on the
 * developer's machine, so it reads the value in its own zone and, failing that, as GMT+8.
 */

const GMT8_OFFSET_MS = 8 * 3600 * 1000;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function parseWallClock(text: string): WallClock | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  return real ? { year, month, day, hour, minute, second } : undefined;
}

export type TimestampVerdict = { ok: true } | { ok: false; detail: string };

/** A timestamp's two readings: as the sandbox's local time, and as GMT+8 (epoch ms). */
interface Readings {
  readonly asLocal: number;
  readonly asGmt8: number;
}

function readingsOf(wall: WallClock): Readings {
  const { year, month, day, hour, minute, second } = wall;
  return {
    asLocal: new Date(year, month - 1, day, hour, minute, second).getTime(),
    asGmt8: Date.UTC(year, month - 1, day, hour, minute, second) - GMT8_OFFSET_MS,
  };
}

/**
 * The last timestamp text read, and its readings: clients stamp to the second, so under load most
 * requests carry the text the one before carried, and a local-time reading (the time zone's rules)
 * is among the dearer steps of a request. What it reads to never changes; only the check against now does.
 */
let lastRead: { readonly text: string; readonly readings: Readings | undefined } = { text: '', readings: undefined };

function readTimestamp(text: string): Readings | undefined {
  if (text !== lastRead.text) {
    const wall = parseWallClock(text);
    lastRead = { text, readings: wall && readingsOf(wall) };
  }
  return lastRead.readings;
}

/**
 * Whether `text` names a real instant within `windowMs` of `nowMs`, read either in local time or in
 * GMT+8. A window of 0 turns the skew check off (the format is still checked).
 */
export function checkTimestamp(text: string, nowMs: number, windowMs: number): TimestampVerdict {
  const readings = readTimestamp(text);
  if (!readings) return { ok: false, detail: `timestamp "${text}" is not a real date and time in yyyy-MM-dd HH:mm:ss` };
  if (windowMs <= 0) return { ok: true };
  const { asLocal, asGmt8 } = readings;
  if (Math.abs(nowMs - asLocal) <= windowMs || Math.abs(nowMs - asGmt8) <= windowMs) return { ok: true };
  const skewMinutes = Math.round((asLocal - nowMs) / 60000);
  return {
    ok: false,
    detail:
      `timestamp "${text}" is ${Math.abs(skewMinutes)} minutes ${skewMinutes < 0 ? 'behind' : 'ahead of'} the sandbox clock ` +
      `(read in local time; GMT+8 was tried too) and the allowed skew is ${windowMs / 60000} minutes`,
  };
}
