import { type OperatorFunction, map } from 'rxjs';

/** What {@link encodeSSE} frames: any JSON object with a string `type` (a wire event). */
export interface TypedEvent {
  readonly type: string;
}

/**
 * Frames each wire event as one SSE event, as OpenAI sends them: `event: <type>\ndata: <json>\n\n`. `JSON.stringify`
 * escapes every line break, so an event is always one `data:` line.
 *
 * ```
 * source:  --e-----f--|
 * encodeSSE()
 * result:  --E-----F--|     (E = 'event: response.created\ndata: {"type":"response.created",…}\n\n')
 * ```
 *
 * ## Example
 * ```ts
 * import { encodeSSE, serializeEvents } from 'responses-rx/serialize';
 *
 * events$.pipe(serializeEvents(), encodeSSE()).subscribe((frame) => res.write(frame));
 * ```
 *
 * @returns an operator from wire events to SSE text frames.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html for the framing.
 */
export function encodeSSE(): OperatorFunction<TypedEvent, string> {
  return map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/**
 * {@link encodeSSE} as UTF-8 bytes, for a web `ReadableStream` or a socket.
 *
 * ```
 * source:  --e--|
 * encodeSSEBytes()
 * result:  --B--|     (B = the UTF-8 bytes of the frame of e)
 * ```
 *
 * ## Example
 * ```ts
 * import { encodeSSEBytes, serializeEvents } from 'responses-rx/serialize';
 *
 * events$.pipe(serializeEvents(), encodeSSEBytes()).subscribe((bytes) => controller.enqueue(bytes));
 * ```
 *
 * @returns an operator from wire events to the UTF-8 bytes of their SSE frames.
 */
export function encodeSSEBytes(): OperatorFunction<TypedEvent, Uint8Array> {
  const encoder = new TextEncoder();
  return (source) =>
    source.pipe(
      encodeSSE(),
      map((frame) => encoder.encode(frame)),
    );
}
