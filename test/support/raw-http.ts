/**
 * A request sent as written: the request line, headers and body go on the socket untouched, so that
 * no client library normalises the target (dot segments, backslashes, case) before the server sees it.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  body: string;
}

export function rawRequest(port: number, method: string, target: string, headers: Record<string, string>, body = ''): Promise<RawAnswer> {
  const head = [`${method} ${target} HTTP/1.1`, ...Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}`)];
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head.join('\r\n')}\r\n\r\n${body}`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n') }));
    socket.on('error', fail);
  });
}
