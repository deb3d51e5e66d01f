/**
 * The HTTP adapter for gateway.do and the OpenAPI v3 paths: translates Node's request into the
 * exchange (core/engine/gateway-exchange.ts reads the body within bounds, calls the engine, waits out a
 * scenario's delay), writes its reply or breaks the socket for a connection fault, and logs one line.
 * It decides nothing about the outcome.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayEngine, GatewayResponse } from '../core/engine/gateway-engine.js';
import { exchange, readBoundedBody, type BodyRead, type Exchange, type ExchangeRequest, type GatewayRoute, type Reply } from '../core/engine/gateway-exchange.js';
import { publicError } from '../core/protocol/public-errors.js';

/** Node keeps a repeated header as a list; the engine takes it as the one line it would be on the wire. */
function joinedHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/**
 * The origin the client reached, from its Host header (which the admin guard has not checked here:
 * gateway.do is open), kept only when it is a plain host[:port], so that a link built on it stays one.
 */
function originOf(request: IncomingMessage): string | undefined {
  const host = request.headers.host;
  return host && /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `http://${host}` : undefined;
}

function exchangeRequest(request: IncomingMessage, body: BodyRead): ExchangeRequest {
  const origin = originOf(request);
  return {
    method: request.method ?? 'GET',
    target: request.url ?? '/',
    contentType: request.headers['content-type'],
    headers: () => joinedHeaders(request),
    body,
    ...(origin === undefined ? {} : { origin }),
  };
}

/** A connection fault is the socket's: reset (RST) or ended without an answer. */
function writeReply(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  if (reply.kind === 'fault') {
    if (reply.fault === 'connection-reset') request.socket.resetAndDestroy();
    else request.socket.end();
    return;
  }
  if (reply.closeConnection) response.setHeader('connection', 'close');
  // With its length, not chunked (as writeHead before end would send it): one frame less to write and to parse.
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
  response.end(reply.body);
}

/**
 * The engine answers every refusal itself, so its failure is a bug in the sandbox. It must not take
 * the server down, and the caller still gets Alipay's envelope for "the gateway failed".
 */
function writeSandboxFailure(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
  response.end(JSON.stringify({ error_response: publicError('aop.unknow-error', 'the sandbox failed on this request; its log has the details') }));
}

function logAnswer(logger: Logger, label: string, answer: GatewayResponse, started: number): void {
  // With --quiet nothing is logged; skip building the line too.
  if (!logger.isLevelEnabled('info')) return;
  const { outcome } = answer;
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
}

/** Serves one route of the engine, logging one line under `label`. */
function engineHandler(engine: GatewayEngine, logger: Logger, label: string, route: GatewayRoute) {
  return async function handler(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    let body: BodyRead;
    try {
      body = await readBoundedBody(request, engine.settings);
    } catch {
      // The client went away mid-body: nobody is left to answer.
      return;
    }
    let exchanged: Exchange;
    try {
      exchanged = await exchange(engine, route, exchangeRequest(request, body));
    } catch (error) {
      logger.error({ err: error }, `${label} failed`);
      writeSandboxFailure(response);
      return;
    }
    writeReply(request, response, exchanged.reply);
    logAnswer(logger, label, exchanged.answer, started);
  };
}

export function createGatewayHandler(engine: GatewayEngine, logger: Logger) {
  return engineHandler(engine, logger, 'gateway.do', 'gateway.do');
}

/** The OpenAPI v3 paths (/v3/...), answered by the same engine. */
export function createOpenApiHandler(engine: GatewayEngine, logger: Logger) {
  return engineHandler(engine, logger, 'openapi v3', 'openapi-v3');
}
