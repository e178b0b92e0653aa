import { type Observable, catchError, throwError } from 'rxjs';
import { ResponsesRxError, StreamClosedError } from './errors';
import type { ResponseEvent } from './events';
import { emitCompletedOnce } from './operators/emitCompletedOnce';
import { fallbackFromCompleted } from './operators/fallbackFromCompleted';
import { idleTimeout } from './operators/idleTimeout';
import { normalizeEvents } from './operators/normalizeEvents';
import { type ToWireEventsOptions, toWireEvents } from './operators/toWireEvents';
import { trackStreamedKinds } from './operators/trackStreamedKinds';
import type { FallbackPolicy } from './policies/fallbackPolicy';
import { recoverMissing } from './policies/recoverMissing';
import { type FromSSEOptions, fromSSE } from './sse/fromSSE';
import { type SseSource, chunksOf } from './sse/source';

/** Options of {@link responseEvents}. */
export interface ResponseEventsOptions extends ToWireEventsOptions, FromSSEOptions {
  /**
   * The longest silence allowed between two chunks of bytes, in milliseconds; then the stream fails with
   * `IdleTimeoutError`. `Infinity` disables it.
   * @defaultValue 300000 (5 minutes)
   */
  readonly idleTimeoutMs?: number;
  /**
   * Which items to recover from `response.completed` when they did not stream.
   * @defaultValue recoverMissing
   */
  readonly fallback?: FallbackPolicy;
}

/** The default of {@link ResponseEventsOptions.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/**
 * Reads a Responses API SSE stream as one normalized, exactly-once event stream: every output item exactly once
 * (streamed or recovered), `completed` exactly once and last, or a typed error.
 *
 * The pipeline, which you can rebuild from the exported parts in another order or with your own policy:
 * `chunksOf(source)` watched by `idleTimeout` → `fromSSE` → `toWireEvents` → `normalizeEvents` →
 * `trackStreamedKinds` → `fallbackFromCompleted(fallback)` → `emitCompletedOnce`.
 *
 * ```
 * bytes:   --created--delta--delta--completed(output: [reasoning, message])--…
 * responseEvents(bytes)
 * result:  --c--------t------t------(r m C|)
 *          (text streamed but reasoning did not: r is recovered, m was streamed and is delivered once)
 * ```
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 *
 * const response = await fetch(`${baseURL}/responses`, { method: 'POST', headers, body });
 * responseEvents(response).subscribe((event) => {
 *   if (event.type === 'outputTextDelta') process.stdout.write(event.delta);
 *   if (event.type === 'outputItemDone' && event.recovered) console.log('recovered', event.item);
 * });
 * ```
 *
 * @param source the SSE bytes: a fetch `Response`, a `ReadableStream`, an `AsyncIterable`, an `Observable`, or the
 *   whole stream as a string or a `Uint8Array` (a `Buffer`).
 * @param options timeout, fallback policy, malformed-event handling, limits.
 * @returns a cold Observable: subscribing reads the source, unsubscribing cancels it.
 * @throws TypeError at call time for an unsupported source or invalid options.
 */
export function responseEvents(source: SseSource, options: ResponseEventsOptions = {}): Observable<ResponseEvent> {
  const chunks$ = chunksOf(source).pipe(
    catchError((error: unknown) =>
      throwError(() => (error instanceof ResponsesRxError ? error : new StreamClosedError({ cause: error }))),
    ),
    idleTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
  );
  return fromSSE(chunks$, options).pipe(
    toWireEvents(options),
    normalizeEvents(),
    trackStreamedKinds(),
    fallbackFromCompleted(options.fallback ?? recoverMissing),
    emitCompletedOnce(),
  );
}
