/**
 * Cross-origin requests: which pages may call the embedded server from a browser, and the CORS headers that let them
 * (Fetch standard, "CORS protocol": https://fetch.spec.whatwg.org/#http-cors-protocol).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonError } from './http';

/**
 * The origins allowed to call the server from a browser. Each entry is an origin (`'https://app.example.com'`,
 * `'http://localhost:5173'`), `'loopback'` (any port of `localhost`, `127.0.0.1`, `[::1]`, over http or https), or
 * `'*'` (any origin). An empty list allows none.
 */
export type AllowedOrigins = readonly string[];

/** The default of `allowedOrigins`: pages served from this machine. */
export const DEFAULT_ALLOWED_ORIGINS: AllowedOrigins = ['loopback'];

/** Headers a page may read from an answer (fetch hides all but a few unless they are listed). */
const EXPOSED = 'x-request-id, retry-after, retry-after-ms, openai-processing-ms';
const METHODS = 'GET, POST, HEAD, OPTIONS';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks the `allowedOrigins` option.
 *
 * @throws TypeError naming the entry that is neither an origin, `'loopback'` nor `'*'`.
 * @internal
 */
export function validateAllowedOrigins(value: unknown): AllowedOrigins {
  if (!Array.isArray(value))
    throw new TypeError(
      `createResponsesServer: allowedOrigins must be an array of origins, 'loopback' or '*', got ${String(value)}`,
    );
  for (const entry of value) {
    if (entry === '*' || entry === 'loopback') continue;
    if (typeof entry !== 'string' || !URL.canParse(entry) || new URL(entry).origin !== entry)
      throw new TypeError(
        `createResponsesServer: allowedOrigins entry ${JSON.stringify(entry)} is not an origin ` +
          `(scheme://host[:port], no path), 'loopback' or '*'`,
      );
  }
  return value as AllowedOrigins;
}

/** True when `origin` (an `Origin` header) is allowed. */
export function isAllowedOrigin(origin: string, allowed: AllowedOrigins): boolean {
  for (const entry of allowed) {
    if (entry === '*' || entry === origin) return true;
    if (entry === 'loopback' && isLoopbackOrigin(origin)) return true;
  }
  return false;
}

function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Adds the CORS headers an allowed origin needs, and answers a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) itself: 204 for an allowed origin, 403 with an OpenAI error body saying how to
 * allow it otherwise.
 *
 * @returns true when the request was answered here (a preflight), false when routing goes on.
 * @internal
 */
export function applyCors(allowed: AllowedOrigins, request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin;
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (origin === undefined) return false;
  const ok = isAllowedOrigin(origin, allowed);
  if (ok) {
    response.setHeader('access-control-allow-origin', origin);
    response.setHeader('access-control-expose-headers', EXPOSED);
  }
  response.setHeader('vary', 'Origin');
  if (!preflight) return false;
  request.resume();
  if (!ok) {
    sendJsonError(
      response,
      403,
      'invalid_request_error',
      'origin_not_allowed',
      `Origin ${origin} may not call this server. Allow it with allowedOrigins: [${JSON.stringify(origin)}] ` +
        `(CLI: serve --allow-origin ${origin}).`,
    );
    return true;
  }
  const requestedHeaders = request.headers['access-control-request-headers'];
  response.writeHead(204, {
    'access-control-allow-methods': METHODS,
    ...(requestedHeaders ? { 'access-control-allow-headers': requestedHeaders } : {}),
    // Chromium's Private Network Access asks before a public page reaches a loopback server.
    ...(request.headers['access-control-request-private-network'] === 'true'
      ? { 'access-control-allow-private-network': 'true' }
      : {}),
    'access-control-max-age': '600',
  });
  response.end();
  return true;
}
