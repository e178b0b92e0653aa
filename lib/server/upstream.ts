/**
 * The upstream request of passthrough and repair modes: forwards the client's body to `${upstream}/responses` with
 * `stream: true`, and relays an error answer as it is.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Exchange } from './exchange';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';

/** Upstream headers worth relaying on an error answer. */
const RELAYED_HEADERS = ['content-type', 'retry-after', 'retry-after-ms', 'x-request-id'];

/** The upstream's SSE answer, and the controller that cancels the request. */
export interface UpstreamStream {
  readonly answer: Response;
  readonly controller: AbortController;
}

/**
 * Sends the request upstream, with `stream: true` unless `options.stream` is false (then the upstream's JSON answer is
 * relayed as it is); `method` and `path` (default `POST /responses`) send another request, e.g. the `GET` of a
 * background response's stream or its cancel. An answer that is not a 2xx SSE stream is relayed to the client with its status, body
 * and retry headers; an unreachable upstream is answered with 502.
 *
 * @returns the SSE answer, or `undefined` when the exchange was answered already (or the client left).
 */
export async function requestUpstream(
  config: ServerConfig,
  upstream: string,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
  options: { readonly stream?: boolean; readonly method?: 'GET' | 'POST'; readonly path?: string } = {},
): Promise<UpstreamStream | undefined> {
  const stream = options.stream ?? true;
  const method = options.method ?? 'POST';
  const controller = new AbortController();
  exchange.onClientClose(() => controller.abort());
  const key = process.env[config.keyEnv];
  const authorization = key ? `Bearer ${key}` : request.headers.authorization;
  let answer: Response;
  try {
    answer = await config.fetch(`${upstream}${options.path ?? '/responses'}`, {
      method,
      headers: {
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        accept: stream ? 'text/event-stream' : 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(method === 'POST' ? { body: JSON.stringify({ ...body, stream }) } : {}),
      signal: controller.signal,
    });
  } catch (error) {
    if (!controller.signal.aborted)
      exchange.reject(
        502,
        'server_error',
        'upstream_unreachable',
        `Could not reach the upstream ${upstream}: ${describeFetchFailure(error)}. Check the upstream URL and the network.`,
      );
    return undefined;
  }
  const contentType = answer.headers.get('content-type') ?? '';
  if (!answer.ok || !/^\s*text\/event-stream/i.test(contentType)) {
    // Relayed as is: the client sees the upstream's status, body and retry headers.
    const text = await answer.text().catch(() => '');
    const headers: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    exchange.relay(answer.status, headers, text);
    return undefined;
  }
  return { answer, controller };
}

/**
 * fetch says only "fetch failed": the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in its `cause` chain. Read by
 * shape, not `instanceof Error`: Node's fetch makes its errors in its own realm, which a vm context (Jest) does not share.
 */
function describeFetchFailure(error: unknown): string {
  const isError = (value: unknown): value is Error =>
    typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
  let current = error;
  for (let depth = 0; depth < 5 && isError(current) && current.cause !== undefined; depth++) current = current.cause;
  if (!isError(current)) return String(current);
  const code = (current as { code?: unknown }).code;
  return typeof code === 'string' && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
}
