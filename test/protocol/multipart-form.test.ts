/**
 * The multipart/form-data parser on its own: the bodies alipay-sdk (formstream) and Java's WebUtils write,
 * and malformed ones, each refused with a reason and never by hanging (a 4 MiB hostile body is parsed
 * within a bound).
 */
import { describe, expect, it } from 'vitest';
import { MalformedMultipartError, parseMultipart } from '../../mock-server/core/protocol/multipart-form.js';

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function bytesOf(...pieces: (string | Uint8Array)[]): Uint8Array {
  const parts = pieces.map((piece) => (typeof piece === 'string' ? encoder.encode(piece) : piece));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x0d, 0x0a, 0x2d, 0x2d, 0x00]);

function refusal(body: Uint8Array | string, contentType = 'multipart/form-data; boundary=B'): string {
  try {
    parseMultipart(typeof body === 'string' ? encoder.encode(body) : body, contentType);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMultipartError);
    return (error as Error).message;
  }
  throw new Error('the body was accepted');
}

describe('parseMultipart', () => {
  it("reads formstream's body: text fields as bytes, the file with its name, type and exact bytes", () => {
    const boundary = '--------------------------123456789012345678901234';
    const body = bytesOf(
      `--${boundary}\r\nContent-Disposition: form-data; name="cert_name"\r\n\r\n戴乙萍\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file_content"; filename="脸.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      JPEG,
      `\r\n--${boundary}--\r\n`,
    );
    const parsed = parseMultipart(body, `multipart/form-data; boundary=${boundary}`);
    expect(parsed.fields.map((f) => [text(f.name), text(f.value), f.source])).toEqual([['cert_name', '戴乙萍', 'body']]);
    expect(parsed.files).toHaveLength(1);
    const [name, file] = parsed.files[0]!;
    expect([name, file.filename, file.contentType]).toEqual(['file_content', '脸.jpg', 'image/jpeg']);
    expect([...file.bytes]).toEqual([...JPEG]);
  });

  it("reads Java WebUtils' body: a CRLF before the first boundary, no space after the colons, charset before the boundary", () => {
    const body = '\r\n--1234567\r\nContent-Disposition:form-data;name="cert_no"\r\nContent-Type:text/plain\r\n\r\n330203195001030308' +
      '\r\n--1234567\r\nContent-Disposition:form-data;name="file_content";filename="a.png"\r\nContent-Type:image/png\r\n\r\nPNG' +
      '\r\n--1234567--\r\n';
    const parsed = parseMultipart(encoder.encode(body), 'multipart/form-data;charset=UTF-8;boundary=1234567');
    expect(parsed.fields.map((f) => text(f.value))).toEqual(['330203195001030308']);
    expect(parsed.files.map(([name, file]) => [name, file.filename, text(file.bytes)])).toEqual([['file_content', 'a.png', 'PNG']]);
  });

  it('takes a quoted boundary, a part without headers of its own but its disposition, and ignores the epilogue', () => {
    const parsed = parseMultipart(encoder.encode('--a b\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n--a b--\r\nepilogue'), 'multipart/form-data; boundary="a b"');
    expect(parsed.fields.map((f) => [text(f.name), text(f.value)])).toEqual([['x', '']]);
  });

  it('refuses a boundary the body does not use, a missing or malformed boundary parameter', () => {
    expect(refusal('--A\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--A--')).toMatch(/no part begins with the boundary "B"/);
    expect(refusal('--B--', 'multipart/form-data')).toMatch(/names no boundary/);
    expect(refusal('--B--', `multipart/form-data; boundary=${'x'.repeat(71)}`)).toMatch(/1 to 70 characters/);
  });

  it('refuses a body that ends inside a part, without its closing boundary', () => {
    expect(refusal('--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1')).toMatch(/ends inside part 1, without the closing boundary "--B--"/);
    expect(refusal('--B\r\nContent-Disposition: form-data; name="x"')).toMatch(/headers of part 1 do not end/);
  });

  it('refuses headers over the bound, a part without a name or disposition, and too many parts', () => {
    expect(refusal(`--B\r\nX-Padding: ${'a'.repeat(9000)}\r\n\r\n1\r\n--B--`)).toMatch(/within 8192 bytes/);
    expect(refusal('--B\r\nContent-Disposition: form-data\r\n\r\n1\r\n--B--')).toMatch(/has no name/);
    expect(refusal('--B\r\nContent-Type: text/plain\r\n\r\n1\r\n--B--')).toMatch(/no Content-Disposition: form-data/);
    expect(refusal('--B\r\nnot a header\r\n\r\n1\r\n--B--')).toMatch(/without a name and colon/);
    expect(refusal('--B junk\r\n')).toMatch(/not followed by a line break/);
    const many = `${'--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'.repeat(101)}--B--`;
    expect(refusal(many)).toMatch(/more than 100 parts/);
  });

  it('parses a hostile 4 MiB body (boundary-like runs everywhere) within a bound', () => {
    const boundary = '-'.repeat(70);
    const filler = `\r\n${'-'.repeat(69)}`.repeat(Math.floor((4 * 1024 * 1024) / 72));
    const started = performance.now();
    expect(refusal(`--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n${filler}`, `multipart/form-data; boundary=${boundary}`)).toMatch(/ends inside part 1/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
