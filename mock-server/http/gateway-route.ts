/**
 * The HTTP adapter for gateway.do and the OpenAPI v3 paths: reads the raw request (bounded), hands it
 * to the engine, writes the engine's answer and logs one line. It decides nothing about the outcome.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { GatewayEngine, GatewayRequest, GatewayResponse } from '../engine/gateway-engine.js';
import { publicError } from '../protocol/public-errors.js';

interface ReadBody {
  body: Buffer;
  exceeded: boolean;
  timedOut: boolean;
}

/**
 * Reads at most `limit` bytes within `timeoutMs`. Past the limit, or the time, it answers at once (a
 * client streaming forever, or trickling, must not hold the request) and discards the rest as it
 * arrives, so the client can still read the envelope.
 */
function readBody(request: IncomingMessage, limit: number, timeoutMs: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = (result: ReadBody) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      chunks.length = 0;
      resolve(result);
    };
    const timer = setTimeout(() => finish({ body: Buffer.alloc(0), exceeded: false, timedOut: true }), timeoutMs);
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      length += chunk.length;
      if (length > limit) return finish({ body: Buffer.alloc(0), exceeded: true, timedOut: false });
      chunks.push(chunk);
    });
    request.on('end', () => finish({ body: Buffer.concat(chunks, length), exceeded: false, timedOut: false }));
    request.on('error', (error) => {
      clearTimeout(timer);
      if (!done) reject(error);
    });
  });
}

function rawQueryOf(url: string | undefined): string {
  if (!url) return '';
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** Serves one engine call: reads the body (bounded), answers as the engine says, logs one line under `label`. */
function engineHandler(engine: GatewayEngine, logger: Logger, label: string, call: (request: IncomingMessage, read: ReadBody) => Promise<GatewayResponse>) {
  return async function handler(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    let read: ReadBody;
    try {
      read = await readBody(request, engine.settings.maxBodyBytes, engine.settings.bodyTimeoutMs);
    } catch {
      // The client went away mid-body: nobody is left to answer.
      return;
    }
    let answer: GatewayResponse;
    try {
      answer = await call(request, read);
    } catch (error) {
      // The engine answers every refusal itself; this is a bug in the sandbox. It must not take the
      // server down, and the caller still gets Alipay's envelope for "the gateway failed".
      logger.error({ err: error }, `${label} failed`);
      response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      response.end(JSON.stringify({ error_response: publicError('aop.unknow-error', 'the sandbox failed on this request; its log has the details') }));
      return;
    }
    if (answer.delayMs) await sleep(answer.delayMs);
    if (answer.connectionFault === 'connection-reset') {
      request.socket.resetAndDestroy();
    } else if (answer.connectionFault === 'connection-close') {
      request.socket.end();
    } else {
      if (read.exceeded || read.timedOut) response.setHeader('connection', 'close');
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    }
    const { outcome } = answer;
    // With --quiet nothing is logged; skip building the line too.
    if (!logger.isLevelEnabled('info')) return;
    logger.info(
      {
        method: outcome.method ?? null,
        app_id: outcome.appId ?? null,
        code: outcome.code ?? null,
        sub_code: outcome.subCode ?? null,
        ...(outcome.detail ? { detail: outcome.detail } : {}),
        ...(outcome.rule ? { rule: `${outcome.rule.source}: ${outcome.rule.name}` } : {}),
        ...(outcome.fault ? { fault: outcome.fault } : {}),
        ...(answer.status !== 200 && !answer.connectionFault ? { http_status: answer.status } : {}),
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      },
      label,
    );
  };
}

export function createGatewayHandler(engine: GatewayEngine, logger: Logger) {
  return engineHandler(engine, logger, 'gateway.do', (request, read) => {
    const gatewayRequest: GatewayRequest = {
      httpMethod: request.method ?? 'GET',
      rawQuery: rawQueryOf(request.url),
      contentType: request.headers['content-type'],
      body: read.body,
      bodyExceededLimit: read.exceeded,
      bodyTimedOut: read.timedOut,
    };
    return engine.handle(gatewayRequest);
  });
}

/** The OpenAPI v3 paths (/v3/...), answered by the same engine. */
export function createOpenApiHandler(engine: GatewayEngine, logger: Logger) {
  return engineHandler(engine, logger, 'openapi v3', (request, read) => {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return engine.handleOpenApi({ httpMethod: request.method ?? 'GET', url: request.url ?? '/', headers, body: read.body, bodyExceededLimit: read.exceeded, bodyTimedOut: read.timedOut });
  });
}
