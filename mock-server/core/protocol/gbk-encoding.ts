/**
 * Text to GBK bytes, for answers to GBK callers, with nothing but TextDecoder: Node (with its full
 * ICU) and browsers both decode GBK, so the table from characters to GBK bytes is built from the
 * decoder the first time an answer needs it (a few milliseconds, once). Writes the bytes iconv-lite
 * writes, '?' included for a character GBK cannot hold (a test compares the two).
 */
let gbkBytesOf: Map<string, number> | undefined;

function gbkTable(): Map<string, number> {
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gbk', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (!table.has(char)) table.set(char, (lead << 8) | trail);
      } catch {
        // Not a GBK code point.
      }
    }
  }
  return table;
}

export function encodeGbk(text: string): Uint8Array {
  gbkBytesOf ??= gbkTable();
  const bytes = new Uint8Array(text.length * 2);
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      bytes[length++] = code;
      continue;
    }
    const double = gbkBytesOf.get(char);
    if (double === undefined) {
      bytes[length++] = 0x3f;
    } else {
      bytes[length++] = double >> 8;
      bytes[length++] = double & 0xff;
    }
  }
  return bytes.subarray(0, length);
}
