/**
 * Repair mode: reads the upstream through `responseEvents` (every item exactly once, whatever subset of events the
 * provider sends) and writes the canonical Responses stream as events arrive, so that every client gets the whole
 * answer: `serializeEvents` after the reading pipeline. Shape and faults apply to the repaired stream; an upstream
 * error answer is relayed as it is. A request without `stream: true` gets the repaired Response object as JSON (the
 * upstream is still asked for a stream).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { finalize } from 'rxjs';
import { responseEvents } from '../responseEvents';
import { serializeEvents } from '../serialize/serializeEvents';
import type { Exchange } from './exchange';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';
import { requestUpstream } from './upstream';

/** Answers one request with the upstream's answer, repaired; resolves when the answer is over. */
export async function answerRepair(
  config: ServerConfig,
  upstream: string,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  const sent = await requestUpstream(config, upstream, body, request, exchange);
  if (sent === undefined) return;
  const events$ = responseEvents(paced(sent.answer), { idleTimeoutMs: config.idleTimeoutMs }).pipe(
    serializeEvents({
      chunkSize: config.chunkSize,
      ...(typeof body.model === 'string' ? { model: body.model } : {}),
    }),
    finalize(() => sent.controller.abort()),
  );
  // A client that did not ask for a stream gets the repaired Response object: its output holds every item.
  if (body.stream === true) await exchange.stream(events$);
  else await exchange.respondWhole(events$);
}

/**
 * The upstream's answer, read with a turn of the event loop after each chunk. Reading a body whose bytes have all
 * arrived is a chain of promise callbacks: without a turn, Node would send nothing the exchange wrote (an HTTP
 * response's writes leave on the next tick), nor serve any other client, until the whole answer was read and
 * repaired. With it, the first events leave while the rest of a large answer is still being read.
 */
function paced(answer: Response): Response {
  const body = answer.body;
  if (body === null) return answer;
  const reader = body.getReader();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(value);
        await nextTurn();
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}
