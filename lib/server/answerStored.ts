/**
 * The routes of background responses: `GET /v1/responses/{id}` (JSON, or the stream with `?stream=true` from
 * `starting_after`), and `POST /v1/responses/{id}/cancel`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from './exchange';
import { sendJsonError } from './http';
import type { ServerConfig } from './options';

const NOT_FOUND_HINT =
  'Only background responses (background: true) are kept, for a limited time; this one is unknown or expired.';

/**
 * `GET /v1/responses/{id}`: the response object as JSON; with `?stream=true`, its events as SSE after
 * `starting_after` (all of them without it), following it until it finishes. 404 for an unknown or expired id, 400 for
 * a `starting_after` that is not an integer.
 */
export async function answerRetrieve(
  config: ServerConfig,
  id: string,
  query: URLSearchParams,
  exchange: Exchange,
): Promise<void> {
  const stored = config.background.get(id);
  if (stored === undefined) {
    exchange.reject(404, 'invalid_request_error', 'not_found', `Response with id '${id}' not found. ${NOT_FOUND_HINT}`);
    return;
  }
  if (query.get('stream') !== 'true') {
    exchange.json(200, stored.snapshot());
    return;
  }
  const cursor = query.get('starting_after');
  if (cursor !== null && !/^-?\d+$/.test(cursor)) {
    exchange.reject(400, 'invalid_request_error', 'invalid_value', `starting_after must be an integer, got ${cursor}.`);
    return;
  }
  await exchange.stream(stored.follow(cursor === null ? undefined : Number(cursor)), true);
}

/**
 * `POST /v1/responses/{id}/cancel`: stops a running background response (its streams end with
 * `response.cancelled`) and answers the response object; a finished one is answered as it is (idempotent). 404 for
 * an unknown or expired id.
 */
export function answerCancel(config: ServerConfig, id: string, exchange: Exchange): void {
  const stored = config.background.get(id);
  if (stored === undefined) {
    exchange.reject(404, 'invalid_request_error', 'not_found', `Response with id '${id}' not found. ${NOT_FOUND_HINT}`);
    return;
  }
  stored.cancel();
  exchange.json(200, stored.snapshot());
}

/** `/v1/responses/{id}` or `/v1/responses/{id}/cancel` (also without `/v1`): the id and which, or undefined. */
export function matchStoredRoute(path: string): { id: string; cancel: boolean } | undefined {
  const match = /^(?:\/v1)?\/responses\/([^/]+)(\/cancel)?$/.exec(path);
  if (match === null) return undefined;
  return { id: decodeURIComponent(match[1]!), cancel: match[2] !== undefined };
}

/** 405 for a method a stored-response route does not take. */
export function rejectMethod(request: IncomingMessage, response: ServerResponse, allow: string, path: string): void {
  request.resume();
  response.setHeader('allow', allow);
  sendJsonError(response, 405, 'invalid_request_error', 'method_not_allowed', `Use ${allow} ${path}.`);
}
