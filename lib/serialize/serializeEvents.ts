import { Observable, type OperatorFunction } from 'rxjs';
import type { ResponseEvent } from '../events';
import { subscribeWithin } from '../util/subscribeWithin';
import { type CanonicalWireEvent, type SerializeEventsOptions, WireWriter } from './wireWriter';

/**
 * Normalized events back to the canonical Responses wire events, as OpenAI streams them: the inverse of the reading
 * pipeline. Whatever subset of events the provider sent, the result is a complete stream every Responses client
 * reads: `response.created` (then `response.queued` / `response.in_progress` when the provider sent them); for each
 * item in the order it arrives (output indexes 0, 1, 2…), `response.output_item.added`, its parts added, its
 * deltas (an item that arrived whole is streamed in deltas of `chunkSize`), its annotations, progress, partial images
 * and output as they came, its `*.done` events and `response.output_item.done`; then `response.completed` whose
 * `output` holds every delivered item in the provider's order: that of its `completed.output`, else of its
 * `output_index`es, an item missing there after the item that arrived before it (clients send `output` back as the
 * next turn's input). An item that arrives whole waits for an item the provider placed before it (a lower
 * `output_index`) until that one arrives or anything else is written, so that the written output indexes follow the
 * provider's order too; a streamed item never waits. `sequence_number`s count from 0; ids are the provider's, generated where it
 * sent none; the completed response object (usage, model, status…) is kept. Every kind of normalized event has its
 * wire form (an unknown event is written as received). Which item an event belongs to is decided by
 * `lib/items/identity`, as for the readers.
 *
 * A source error becomes the canonical terminal event, then the result completes: `ResponseFailedError` →
 * `response.failed` (or `error`, as the server sent it) with the server's code and message;
 * `ResponseIncompleteError` → `response.incomplete` with its reason; `ResponseCancelledError` →
 * `response.cancelled`; any other error → `error` with its `code`
 * (`stream_closed`, `idle_timeout`, …). A source that completes without `completed` ends the result without a
 * terminal event, as it came (a reader then reports the stream closed early).
 *
 * ```
 * source:  -c--m--r---------------C|    (final-only: message m whole at output_index 1, reasoning r at 0
 *                                      recovered at completed)
 * serializeEvents({ chunkSize: 5 })
 * result:  -c-----(a+ddtPza+ddtPz)C|
 *          c = response.created, a = output_item.added, + = part added, d = delta, t = *.done, P = part done,
 *          z = output_item.done (output_index 0 for r, 1 for m: m waited for r), C = response.completed
 * ```
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 * import { encodeSSE, serializeEvents } from 'responses-rx/serialize';
 *
 * // Repair a final-only provider for a client that expects OpenAI's stream:
 * responseEvents(upstreamResponse)
 *   .pipe(serializeEvents({ model: 'gpt-5' }), encodeSSE())
 *   .subscribe((frame) => res.write(frame));
 * ```
 *
 * @param options delta size for items that arrived whole, `model` and `created_at` of `response.created`, id maker.
 * @returns an operator from normalized events to canonical wire events.
 * @throws TypeError at call time for a `chunkSize` that is not a positive integer or a `generateId` that is not a
 *   function.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming for the events and their order.
 */
export function serializeEvents(
  options: SerializeEventsOptions = {},
): OperatorFunction<ResponseEvent, CanonicalWireEvent> {
  const { chunkSize, generateId } = options;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new TypeError(`serializeEvents: chunkSize must be a positive integer, got ${String(chunkSize)}`);
  }
  if (generateId !== undefined && typeof generateId !== 'function') {
    throw new TypeError(`serializeEvents: generateId must be a function (prefix) => id, got ${typeof generateId}`);
  }
  return (source) =>
    new Observable<CanonicalWireEvent>((subscriber) => {
      const writer = new WireWriter(subscriber, options);
      subscribeWithin(subscriber, source, {
        next: (event) => writer.write(event),
        // The source's error becomes the canonical terminal event; an exception of the writer itself errors the result.
        error: (error) => {
          writer.fail(error);
          subscriber.complete();
        },
        complete: () => {
          writer.end();
          subscriber.complete();
        },
      });
    });
}
