/**
 * iconv-lite for the browser build, which cannot bundle it (it needs Node's string_decoder): the
 * sandbox only encodes answers to GBK callers, and a browser's TextDecoder knows GBK, so the table
 * from characters to GBK bytes is built from it the first time it is needed.
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

function encode(text: string, encoding: string): Uint8Array {
  if (encoding.toLowerCase() !== 'gbk') throw new Error(`the browser build encodes only gbk, not ${encoding}`);
  gbkBytesOf ??= gbkTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const double = gbkBytesOf.get(char);
    // As iconv-lite does, a character GBK cannot hold becomes '?'.
    if (double === undefined) bytes.push(0x3f);
    else bytes.push(double >> 8, double & 0xff);
  }
  return Uint8Array.from(bytes);
}

export default { encode };
