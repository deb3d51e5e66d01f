/**
 * The exchange every adapter shares (core/engine/gateway-exchange.ts), on its own: which targets reach
 * which engine entry, the body bounds (size, time), what the engine is handed, and that a scenario's
 * delay and connection fault pass through to the adapter's reply. The engine is a stand-in recording
 * its calls; the adapters over the real engine are the other tests of this folder.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GatewayEngine, GatewayRequest, GatewayResponse } from '../../mock-server/core/engine/gateway-engine.js';
import { bodyOfBytes, exchange, gatewayRoutes, readBoundedBody, routeOnGatewayOrigin, type BodyRead, type ExchangeRequest } from '../../mock-server/core/engine/gateway-exchange.js';
import type { OpenApiRequest } from '../../mock-server/core/engine/openapi-v3.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const BOUNDS = { maxBodyBytes: 8, bodyTimeoutMs: 50 };

describe('routes', () => {
  const routes = gatewayRoutes(['https://openapi.alipay.com/gateway.do', 'https://gateway.test:8443/custom/gateway.do']);

  it('send a gateway URL, with or without a query, to gateway.do', () => {
    expect(routes.routeOf('https://openapi.alipay.com', '/gateway.do')).toBe('gateway.do');
    expect(routes.routeOf('https://openapi.alipay.com', '/gateway.do?charset=utf-8&method=x')).toBe('gateway.do');
    expect(routes.routeOf('https://gateway.test:8443', '/custom/gateway.do?a=b')).toBe('gateway.do');
  });

  it('send /v3/ paths on a gateway origin to the OpenAPI v3 entry, whatever their query', () => {
    expect(routes.routeOf('https://openapi.alipay.com', '/v3/alipay/user/certify/open/query?certify_id=1')).toBe('openapi-v3');
    expect(routes.routeOf('https://gateway.test:8443', '/v3/anything')).toBe('openapi-v3');
  });

  it('leave unknown paths, other spellings and other origins alone', () => {
    for (const target of ['/', '/gateway.do/', '/GATEWAY.DO', '/v3', '/v2/alipay/user/certify/open/initialize', '/__sandbox/certifications/x/complete', '/custom/gateway.do']) {
      expect(routes.routeOf('https://openapi.alipay.com', target)).toBeUndefined();
    }
    expect(routes.routeOf('https://mapi.alipay.com', '/gateway.do')).toBeUndefined();
    expect(routes.routeOf('https://gateway.test', '/custom/gateway.do')).toBeUndefined();
  });

  it('know the origins they serve', () => {
    expect(routes.serves('https://openapi.alipay.com')).toBe(true);
    expect(routes.serves('https://gateway.test:8443')).toBe(true);
    expect(routes.serves('https://gateway.test')).toBe(false);
  });

  it('on the HTTP server\'s origin-free terms, route the same paths', () => {
    expect(routeOnGatewayOrigin('/gateway.do?x=1', ['/gateway.do'])).toBe('gateway.do');
    expect(routeOnGatewayOrigin('/v3/x?y=1', ['/gateway.do'])).toBe('openapi-v3');
    expect(routeOnGatewayOrigin('/gateway.does', ['/gateway.do'])).toBeUndefined();
  });
});

describe('a body handed over whole', () => {
  it('is taken as it is up to the limit', () => {
    const body = bytes('12345678');
    expect(bodyOfBytes(body, BOUNDS)).toEqual({ body, exceeded: false, timedOut: false });
  });

  it('is dropped past the limit, and said to exceed it', () => {
    expect(bodyOfBytes(bytes('123456789'), BOUNDS)).toEqual({ body: new Uint8Array(0), exceeded: true, timedOut: false });
  });
});

/** A chunk source that sends what the test tells it to, as a Node request would. */
const chunkSource = () => new EventEmitter<{ data: [Uint8Array]; end: []; error: [Error] }>();

describe('a body read in chunks', () => {
  it('is joined whole when it ends within the bounds', async () => {
    const source = chunkSource();
    const read = readBoundedBody(source, BOUNDS);
    source.emit('data', bytes('1234'));
    source.emit('data', bytes('5678'));
    source.emit('end');
    expect(await read).toEqual({ body: bytes('12345678'), exceeded: false, timedOut: false });
  });

  it('settles as soon as the limit is passed, and drops what still comes', async () => {
    const source = chunkSource();
    const read = readBoundedBody(source, { ...BOUNDS, bodyTimeoutMs: 60_000 });
    source.emit('data', bytes('12345'));
    source.emit('data', bytes('6789'));
    expect(await read).toEqual({ body: new Uint8Array(0), exceeded: true, timedOut: false });
    expect(() => {
      source.emit('data', bytes('more'));
      source.emit('end');
    }).not.toThrow();
    expect(source.listenerCount('data')).toBe(1);
  });

  it('settles as timed out when it does not end within the time', async () => {
    const source = chunkSource();
    const started = performance.now();
    const read = readBoundedBody(source, BOUNDS);
    source.emit('data', bytes('12'));
    expect(await read).toEqual({ body: new Uint8Array(0), exceeded: false, timedOut: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(BOUNDS.bodyTimeoutMs - 5);
  });

  it('rejects when the source fails first (the client went away)', async () => {
    const source = chunkSource();
    const read = readBoundedBody(source, BOUNDS);
    source.emit('error', new Error('aborted'));
    await expect(read).rejects.toThrow('aborted');
  });
});

/** An engine that answers `answer` to every call and keeps what it was asked. */
function recordingEngine(answer: Partial<GatewayResponse> = {}) {
  const calls: Array<{ entry: 'handle'; request: GatewayRequest } | { entry: 'handleOpenApi'; request: OpenApiRequest }> = [];
  const response: GatewayResponse = { status: 200, headers: { 'content-type': 'text/plain' }, body: bytes('answer'), outcome: {}, ...answer };
  const engine: GatewayEngine = {
    settings: { timestampWindowMs: 0, ...BOUNDS },
    handle: async (request) => (calls.push({ entry: 'handle', request }), response),
    handleOpenApi: async (request) => (calls.push({ entry: 'handleOpenApi', request }), response),
  };
  return { engine, calls };
}

function request(target: string, body: BodyRead = bodyOfBytes(bytes('a=1'), BOUNDS)): ExchangeRequest {
  return { method: 'POST', target, contentType: 'application/x-www-form-urlencoded', headers: () => ({ authorization: 'ALIPAY-SHA256withRSA x' }), body };
}

describe('an exchange', () => {
  it('hands gateway.do its raw query, content type and body read, and answers what the engine answers', async () => {
    const { engine, calls } = recordingEngine();
    const { reply } = await exchange(engine, 'gateway.do', request('/gateway.do?charset=utf-8&sign=a%2Bb'));
    expect(calls).toEqual([{ entry: 'handle', request: { httpMethod: 'POST', rawQuery: 'charset=utf-8&sign=a%2Bb', contentType: 'application/x-www-form-urlencoded', body: bytes('a=1'), bodyExceededLimit: false, bodyTimedOut: false } }]);
    expect(reply).toEqual({ kind: 'answer', status: 200, headers: { 'content-type': 'text/plain' }, body: bytes('answer'), closeConnection: false });
  });

  it('hands the v3 entry the path and query as sent, and the headers', async () => {
    const { engine, calls } = recordingEngine();
    await exchange(engine, 'openapi-v3', request('/v3/alipay/user/certify/open/query?certify_id=1'));
    expect(calls).toEqual([{ entry: 'handleOpenApi', request: { httpMethod: 'POST', url: '/v3/alipay/user/certify/open/query?certify_id=1', headers: { authorization: 'ALIPAY-SHA256withRSA x' }, body: bytes('a=1'), bodyExceededLimit: false, bodyTimedOut: false } }]);
  });

  it('tells the engine of a body over the limit or too late, and the adapter to close the connection after answering', async () => {
    const { engine, calls } = recordingEngine();
    const over = await exchange(engine, 'gateway.do', request('/gateway.do', bodyOfBytes(bytes('123456789'), BOUNDS)));
    const late = await exchange(engine, 'openapi-v3', request('/v3/x', { body: new Uint8Array(0), exceeded: false, timedOut: true }));
    expect(calls.map((call) => [call.request.bodyExceededLimit, call.request.bodyTimedOut, call.request.body.length])).toEqual([
      [true, false, 0],
      [false, true, 0],
    ]);
    expect([over.reply, late.reply].map((reply) => reply.kind === 'answer' && reply.closeConnection)).toEqual([true, true]);
  });

  it('waits out the scenario\'s delay before replying', async () => {
    const { engine } = recordingEngine({ delayMs: 60 });
    const started = performance.now();
    const { answer, reply } = await exchange(engine, 'gateway.do', request('/gateway.do'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(answer.delayMs).toBe(60);
    expect(reply.kind).toBe('answer');
  });

  it('passes a connection fault through instead of an answer', async () => {
    for (const fault of ['connection-reset', 'connection-close'] as const) {
      const { engine } = recordingEngine({ connectionFault: fault, outcome: { fault } });
      const { answer, reply } = await exchange(engine, 'gateway.do', request('/gateway.do'));
      expect(reply).toEqual({ kind: 'fault', fault });
      expect(answer.outcome.fault).toBe(fault);
    }
  });

  it('lets a failure of the engine itself reject, for the adapter to report its own way', async () => {
    const { engine } = recordingEngine();
    const failing: GatewayEngine = { ...engine, handle: () => Promise.reject(new Error('a bug')) };
    await expect(exchange(failing, 'gateway.do', request('/gateway.do'))).rejects.toThrow('a bug');
  });
});
