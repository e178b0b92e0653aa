/**
 * Passthrough mode: forwards the request to the upstream and relays its events as they arrive (through the
 * exchange, so shape and faults apply); an upstream error answer is relayed as it is.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { concatMap, finalize, of } from 'rxjs';
import { fromSSE } from '../sse/fromSSE';
import type { WireJson } from '../wire/json';
import type { Exchange } from './exchange';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';

/** Upstream headers worth relaying on an error answer. */
const RELAYED_HEADERS = ['content-type', 'retry-after', 'retry-after-ms', 'x-request-id'];

/** Answers one request from the upstream; resolves when the answer is over. */
export async function answerPassthrough(
  config: ServerConfig,
  upstream: string,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  const controller = new AbortController();
  exchange.onClientClose(() => controller.abort());
  const key = process.env[config.keyEnv];
  const authorization = key ? `Bearer ${key}` : request.headers.authorization;
  let answer: Response;
  try {
    answer = await config.fetch(`${upstream}/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ ...body, stream: true }),
      signal: controller.signal,
    });
  } catch (error) {
    if (!controller.signal.aborted)
      exchange.reject(
        502,
        'server_error',
        'upstream_unreachable',
        `Could not reach the upstream ${upstream}: ${String(error)}.`,
      );
    return;
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
    return;
  }
  const events$ = fromSSE(answer).pipe(
    concatMap((message) => (message.type === 'event' ? of(toWireJson(message.data)) : of())),
    finalize(() => controller.abort()),
  );
  await exchange.stream(events$);
}

function toWireJson(data: string): WireJson | string {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as WireJson).type === 'string'
      ? (value as WireJson)
      : data;
  } catch {
    return data;
  }
}
