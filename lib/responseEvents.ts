import { Observable, type OperatorFunction, type Subscriber, asyncScheduler } from 'rxjs';
import { ResponsesRxError, StreamClosedError } from './errors';
import type { NormalizedEvent, ResponseEvent } from './events';
import { checkPolicy, passOrRecover } from './operators/fallbackFromCompleted';
import { idleTimeOf, watchIdle } from './operators/idleTimeout';
import { normalizeWireEvent } from './operators/normalizeEvents';
import {
  type ToWireEventsOptions,
  WireEventReader,
  type WireEventsConfig,
  wireEventsConfig,
} from './operators/toWireEvents';
import type { FallbackPolicy } from './policies/fallbackPolicy';
import { recoverMissing } from './policies/recoverMissing';
import { type FromSSEOptions, type SseMessage, SseDecoder, type SseSink, maxEventSizeOf } from './sse/fromSSE';
import { type SseChunk, type SseSource, chunksOf } from './sse/source';
import { StreamTracker } from './streamState';
import { subscribeWithin } from './util/subscribeWithin';

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
  return readEvents<ResponseEvent>(source, options, options.fallback ?? recoverMissing);
}

/**
 * Options of {@link normalizedEventsOf}: those of {@link ResponseEventsOptions} but `fallback` (no items are recovered
 * here: that is {@link deliverExactlyOnce}'s job), and `cutShort`.
 */
export interface NormalizedEventsOptions extends Omit<ResponseEventsOptions, 'fallback'> {
  /**
   * What to do with a last event the end of the connection cut short (its JSON unfinished): `'error'` fails with
   * `MalformedEventError` (issue 2's rule for a stream read once); `'drop'` leaves it out, so the early end is a
   * `StreamClosedError` that `resumeStream` can resume from (the event comes again after the cursor).
   * @defaultValue 'error'
   */
  readonly cutShort?: 'error' | 'drop';
}

/**
 * The first half of {@link responseEvents}, for one connection: bytes → SSE messages → wire events → normalized
 * events (with `partDone` evidence), each carrying its `sequenceNumber`. The source's own failure becomes a
 * `StreamClosedError`; silence longer than `idleTimeoutMs` an `IdleTimeoutError`. Use it with `resumeStream` and
 * {@link deliverExactlyOnce} to stitch several connections into one stream.
 *
 * ```
 * bytes:   --created--delta--⚡            (⚡ = connection reset)
 * normalizedEventsOf(bytes)
 * result:  --c--------t------#            (# = StreamClosedError)
 * ```
 *
 * ## Example
 * ```ts
 * import { deliverExactlyOnce, normalizedEventsOf } from 'responses-rx';
 *
 * normalizedEventsOf(response, { cutShort: 'drop' }).pipe(deliverExactlyOnce()).subscribe(console.log);
 * ```
 *
 * @param source the SSE bytes of one connection.
 * @param options timeout, limits, malformed-event handling, and what to do with a last event cut short.
 * @returns a cold Observable of normalized events.
 * @throws TypeError at call time for an unsupported source or invalid options.
 */
export function normalizedEventsOf(
  source: SseSource,
  options: NormalizedEventsOptions = {},
): Observable<NormalizedEvent> {
  return readEvents<NormalizedEvent>(source, options, undefined);
}

/**
 * {@link normalizedEventsOf}, and with a `fallback` {@link deliverExactlyOnce} after it, as ONE subscriber to the
 * chunks: the idle watch, the SSE decoder, the wire events, the normalized events and the delivery run as calls on
 * each chunk, not as seven subscribers handing every event on (a stream's fixed cost, and a hop per event per stage,
 * which a small stream pays in code that is not optimized yet). The same steps as the exported operators, which
 * share them: `SseDecoder` (fromSSE), `WireEventReader` (toWireEvents), `normalizeWireEvent` (normalizeEvents),
 * `deliverOne` (deliverExactlyOnce), `watchIdle` (idleTimeout). Built on `subscribeWithin`: it stops the moment its
 * subscriber closes, and every exception goes to `error()`.
 */
function readEvents<E extends NormalizedEvent | ResponseEvent>(
  source: SseSource,
  options: NormalizedEventsOptions,
  fallback: FallbackPolicy | undefined,
): Observable<E> {
  const cutShort = options.cutShort ?? 'error';
  if (cutShort !== 'error' && cutShort !== 'drop') {
    throw new TypeError(`normalizedEventsOf: cutShort must be 'error' or 'drop', got ${String(cutShort)}`);
  }
  const chunks$ = chunksOf(source);
  const idleMs = idleTimeOf(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const maxEventSize = maxEventSizeOf(options);
  const wire = wireEventsConfig(options);
  if (fallback !== undefined) checkPolicy(fallback, 'fallbackFromCompleted');
  const dropCutShort = cutShort === 'drop';
  return new Observable<E>((subscriber) => {
    const reader = new EventReader(subscriber, maxEventSize, wire, dropCutShort, fallback);
    const watch = idleMs === Infinity ? undefined : watchIdle(subscriber, idleMs);
    subscribeWithin(subscriber, chunks$, {
      next: (chunk) => {
        if (watch !== undefined) watch.last = asyncScheduler.now();
        reader.push(chunk);
      },
      error: (error) =>
        subscriber.error(error instanceof ResponsesRxError ? error : new StreamClosedError({ cause: error })),
      complete: () => reader.end(),
    });
  });
}

/** The per-stream state of {@link readEvents}: each SSE message of the decoder goes through the stages at once. */
class EventReader implements SseSink {
  private readonly decoder: SseDecoder;
  private readonly wire: WireEventReader;
  private readonly tracker: StreamTracker | undefined;

  constructor(
    private readonly subscriber: Subscriber<ResponseEvent | NormalizedEvent>,
    maxEventSize: number,
    wire: WireEventsConfig,
    private readonly dropCutShort: boolean,
    private readonly fallback: FallbackPolicy | undefined,
  ) {
    this.decoder = new SseDecoder(this, maxEventSize);
    this.wire = new WireEventReader(wire);
    this.tracker = fallback === undefined ? undefined : new StreamTracker();
  }

  get closed(): boolean {
    return this.subscriber.closed;
  }

  push(chunk: SseChunk): void {
    this.decoder.push(chunk);
    this.wire.endOfChunk();
  }

  /** The chunks ended: a last event may still come; then the stream ends (without `completed`, a closed stream). */
  end(): void {
    this.decoder.end();
    if (this.tracker === undefined) this.subscriber.complete();
    else this.subscriber.error(new StreamClosedError());
  }

  next(message: SseMessage): void {
    if (message.type !== 'event' || this.subscriber.closed) return;
    if (this.dropCutShort && !isWhole(message)) return;
    const wire = this.wire.read(message);
    if (wire === undefined) return;
    const event = normalizeWireEvent(wire);
    if (event === undefined) return;
    const tracker = this.tracker;
    if (tracker === undefined) this.subscriber.next(event);
    else deliverOne(this.subscriber, this.fallback as FallbackPolicy, tracker, event);
  }

  error(error: unknown): void {
    this.subscriber.error(error);
  }
}

/**
 * The second half of {@link responseEvents}: `trackStreamedKinds` → `fallbackFromCompleted(fallback)` →
 * `emitCompletedOnce`. Every output item exactly once, `completed` once and last, or `StreamClosedError`.
 *
 * ```
 * source:  --c--t--C(output: [m])--|
 * deliverExactlyOnce()
 * result:  --c--t--(mC|)           (m rebuilt from what streamed, recovered)
 * ```
 *
 * ## Example
 * ```ts
 * import { deliverExactlyOnce, normalizedEventsOf, recoverByStreamedKinds } from 'responses-rx';
 *
 * normalizedEventsOf(response).pipe(deliverExactlyOnce(recoverByStreamedKinds));
 * ```
 *
 * @param fallback the policy that decides what to recover at `completed`; {@link recoverMissing} by default.
 * @returns an operator from normalized events to consumer events.
 */
export function deliverExactlyOnce(
  fallback: FallbackPolicy = recoverMissing,
): OperatorFunction<NormalizedEvent, ResponseEvent> {
  checkPolicy(fallback, 'fallbackFromCompleted');
  // `trackStreamedKinds() → fallbackFromCompleted(fallback) → emitCompletedOnce()` in one subscriber: the same tracker
  // and the same per-event step (`passOrRecover`), without a `TrackedEvent` per event and three hops between
  // subscribers, which cost a small stream of ~50 events as much as the rest of the pipeline's fixed cost.
  return (source) =>
    new Observable<ResponseEvent>((subscriber) => {
      const state = new StreamTracker();
      subscribeWithin(subscriber, source, {
        next: (event) => deliverOne(subscriber, fallback, state, event),
        complete: () => subscriber.error(new StreamClosedError()),
      });
    });
}

/** What {@link deliverExactlyOnce} does with one event: track it, pass it on or recover at `completed`, then end. */
function deliverOne(
  subscriber: Subscriber<ResponseEvent>,
  fallback: FallbackPolicy,
  state: StreamTracker,
  event: NormalizedEvent,
): void {
  const first = state.observe(event);
  passOrRecover(subscriber, fallback, event, state, first);
  if (event.type === 'completed') subscriber.complete();
}

/** False for a last event the end of the connection cut short: its data is not whole JSON. */
function isWhole(message: SseMessage): boolean {
  if (message.type !== 'event' || message.unterminated !== true || message.data === '[DONE]') return true;
  try {
    JSON.parse(message.data);
    return true;
  } catch {
    return false;
  }
}
