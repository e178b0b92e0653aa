/**
 * The embedded server's routes: which request goes where.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerPassthrough, forwardStored } from './answerPassthrough';
import { answerRepair } from './answerRepair';
import { answerReplay } from './answerReplay';
import { answerCancel, answerRetrieve, matchStoredRoute, rejectMethod } from './answerStored';
import { type Exchange, HttpExchange } from './exchange';
import { DEFAULT_RETRY_AFTER_SECONDS, type Fault, faultErrorBody } from './faults';
import { readJsonBody, sendJsonError } from './http';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';

/** The paths of the create endpoint (and of the WebSocket upgrade). */
export const RESPONSES_PATHS = new Set(['/v1/responses', '/responses']);
const HEALTH_PATHS = new Set(['/health', '/v1/health']);

/**
 * Answers one request: `GET /health`, `POST /v1/responses` (and `/responses`), 404 and 405 otherwise. Rejects the
 * request (400) when its body is not a JSON object, and answers with the `http-error` fault when one is set.
 */
export async function route(config: ServerConfig, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (HEALTH_PATHS.has(path) && (request.method === 'GET' || request.method === 'HEAD')) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    return;
  }
  const stored = matchStoredRoute(path);
  if (stored !== undefined) {
    const method = stored.cancel ? 'POST' : 'GET';
    if (request.method !== method) return rejectMethod(request, response, method, path);
    request.resume();
    const exchange = new HttpExchange(
      config,
      nextRequestId(config),
      response,
      `${method} ${path.replace(/^\/v1(?=\/)/, '')}`,
    );
    exchange.begin();
    if (config.upstream !== undefined) {
      const stream = !stored.cancel && url.searchParams.get('stream') === 'true';
      if (stream && injectHttpError(config, 'retrieve', exchange)) return;
      const forwarded = `/responses/${encodeURIComponent(stored.id)}${stored.cancel ? '/cancel' : url.search}`;
      await forwardStored(config, config.upstream, forwarded, method, stream, request, exchange);
    } else if (stored.cancel) answerCancel(config, stored.id, exchange);
    else if (url.searchParams.get('stream') === 'true' && injectHttpError(config, 'retrieve', exchange)) return;
    else await answerRetrieve(config, stored.id, url.searchParams, exchange);
    return;
  }
  if (!RESPONSES_PATHS.has(path)) {
    request.resume();
    sendJsonError(
      response,
      404,
      'invalid_request_error',
      'not_found',
      `No route ${request.method} ${path}; use POST /v1/responses.`,
    );
    return;
  }
  if (request.method !== 'POST') {
    request.resume();
    response.setHeader('allow', 'POST');
    sendJsonError(response, 405, 'invalid_request_error', 'method_not_allowed', `Use POST ${path}.`);
    return;
  }
  const exchange = new HttpExchange(config, nextRequestId(config), response);
  const body = await readJsonBody(request);
  if (typeof body === 'string') {
    exchange.reject(400, 'invalid_request_error', 'invalid_json', body);
    return;
  }
  await answerCreate(config, body, request, exchange);
}

/**
 * Answers one `POST /responses` body (or WebSocket `response.create`) through `exchange`: the `http-error` fault when
 * one is set, else the replay, the upstream relayed, or the upstream repaired; resolves when the answer is over.
 */
export async function answerCreate(
  config: ServerConfig,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  exchange.begin(body);
  if (injectHttpError(config, 'create', exchange)) return;
  if (config.upstream === undefined) {
    await answerReplay(config, body, exchange);
  } else if (config.mode === 'repair') {
    await answerRepair(config, config.upstream, body, request, exchange);
  } else {
    await answerPassthrough(config, config.upstream, body, request, exchange);
  }
}

/** Numbers the requests that get an answer of their own (`/health` polls and preflights are not counted). */
export function nextRequestId(config: ServerConfig): number {
  config.lifecycle.requests += 1;
  return config.lifecycle.requests;
}

const answered = new WeakMap<Fault, number>();

/** Answers with the `http-error` fault meant for this kind of request, if any (and not used up): true when it did. */
function injectHttpError(config: ServerConfig, on: 'create' | 'retrieve', exchange: Exchange): boolean {
  const fault = config.faults.find(
    (candidate): candidate is Extract<Fault, { kind: 'http-error' }> =>
      candidate.kind === 'http-error' &&
      (candidate.on ?? 'create') === on &&
      (candidate.times === undefined || (answered.get(candidate) ?? 0) < candidate.times),
  );
  if (fault === undefined) return false;
  answered.set(fault, (answered.get(fault) ?? 0) + 1);
  const retryAfterSeconds = fault.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  const { error } = faultErrorBody(fault.status, retryAfterSeconds);
  exchange.reject(fault.status, error.type, error.code, error.message, { 'retry-after': String(retryAfterSeconds) });
  return true;
}
