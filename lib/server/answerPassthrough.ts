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
import { requestUpstream } from './upstream';

/** Answers one request from the upstream; resolves when the answer is over. */
export async function answerPassthrough(
  config: ServerConfig,
  upstream: string,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  // Sent as the client asked: without `stream: true` the upstream's JSON answer is relayed as it is.
  const sent = await requestUpstream(config, upstream, body, request, exchange, { stream: body.stream === true });
  if (sent === undefined) return;
  const events$ = fromSSE(sent.answer).pipe(
    concatMap((message) => (message.type === 'event' ? of(toWireJson(message.data)) : of())),
    finalize(() => sent.controller.abort()),
  );
  await exchange.stream(events$);
}

/**
 * Passthrough and repair modes: a background response's routes (`GET /responses/{id}`, with `?stream=true` its
 * stream, and `POST /responses/{id}/cancel`) are forwarded to the upstream, which keeps the response; a stream is
 * relayed through the exchange (faults apply), a JSON answer as it is.
 */
export async function forwardStored(
  config: ServerConfig,
  upstream: string,
  path: string,
  method: 'GET' | 'POST',
  stream: boolean,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  const sent = await requestUpstream(config, upstream, {}, request, exchange, { method, path, stream });
  if (sent === undefined) return;
  const events$ = fromSSE(sent.answer).pipe(
    concatMap((message) => (message.type === 'event' ? of(toWireJson(message.data)) : of())),
    finalize(() => sent.controller.abort()),
  );
  await exchange.stream(events$, true);
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
