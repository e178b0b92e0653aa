import {
  EMPTY,
  type MonoTypeOperatorFunction,
  type Observable,
  concatWith,
  defer,
  filter,
  retry,
  tap,
  throwError,
  timer,
} from 'rxjs';
import { ResponsesRxError, StreamClosedError } from '../errors';
import type { NormalizedEvent } from '../events';
import { type BackoffConfig, backoffDelay, resolveBackoff } from '../policies/backoff';

/** Where a resumed stream continues: the response, and the last sequence number delivered. */
export interface ResumeCursor {
  /** The background response's id. */
  readonly responseId: string;
  /**
   * The `sequenceNumber` of the last event delivered: ask for the events after it (`starting_after`). `undefined`
   * when no event was delivered yet (ask for the stream from its start).
   */
  readonly startingAfter: number | undefined;
  /** 1 for the first resume, 2 for the second, … */
  readonly attempt: number;
  /** The error that ended the previous connection. */
  readonly error: unknown;
}

/** Configuration of {@link resumeStream}. */
export interface ResumeStreamConfig extends BackoffConfig {
  /**
   * How many resumes in a row may bring no new event before the stream fails with the last drop's error (a
   * connection that delivers something starts the count again).
   * @defaultValue 5
   */
  readonly maxResumes?: number;
  /**
   * The response id, when known before any event (a stream retrieved by id, which has no `created`).
   * @defaultValue none: read from the first `created`, `queued`, `inProgress` or `completed` event
   */
  readonly responseId?: string;
  /**
   * The sequence number the source itself starts after (a stream retrieved with `starting_after`).
   * @defaultValue none
   */
  readonly startingAfter?: number;
}

/** The errors that mean "the connection dropped", after which a background response can be resumed. */
function isDrop(error: unknown): boolean {
  if (!(error instanceof ResponsesRxError)) return false;
  switch (error.code) {
    case 'stream_closed':
    case 'idle_timeout':
    case 'connection_failed':
      return true;
    case 'http_error':
      return error.retryable;
    default:
      return false;
  }
}

/**
 * Resumes a background response's stream after a dropped connection: when the source fails with
 * `StreamClosedError`, `IdleTimeoutError`, `ConnectionError` (or a retryable `HttpError` while reconnecting), or
 * ends before `completed`, and the response id is known, it subscribes to `reconnect({ responseId, startingAfter })`
 * — `startingAfter` being the `sequenceNumber` of the last event delivered — after the error's `retryAfterMs` or an
 * exponential backoff with jitter, at most `maxResumes` times in a row without a new event. An event at or before the cursor is never delivered
 * again, so the stitched stream equals the uninterrupted one event for event. Put it before `trackStreamedKinds`, so
 * one state spans every connection (nothing finished before the drop is recovered again). Any other error (a
 * `ResumeRefusedError` from `reconnect`, a `ResponseFailedError`, …) passes as it is; so does a drop before the id
 * is known, or after an event without a sequence number (no cursor to resume from).
 *
 * Time goes through rxjs schedulers, so `TestScheduler.run` controls it.
 *
 * ```
 * source:     -c-a-b-#                     (c = created resp_1 #0, a #1, b #2; # = StreamClosedError)
 * reconnect:          --b-d-C-|            (called with { responseId: 'resp_1', startingAfter: 2 })
 * resumeStream(reconnect, { initialDelayMs: 2, jitter: 0 })
 * result:     -c-a-b-----d-C-|             (b, already delivered, is not delivered again)
 * ```
 *
 * ## Example
 * ```ts
 * import { fromSSE, normalizeEvents, resumeStream, toWireEvents, trackStreamedKinds } from 'responses-rx';
 *
 * const events = (response: Response) => fromSSE(response).pipe(toWireEvents(), normalizeEvents());
 * const reconnect = ({ responseId, startingAfter }) =>
 *   defer(() => fetch(`${baseURL}/responses/${responseId}?stream=true&starting_after=${startingAfter}`)).pipe(
 *     switchMap(events),
 *   );
 * events(firstResponse).pipe(resumeStream(reconnect), trackStreamedKinds(), fallbackFromCompleted(), emitCompletedOnce());
 * ```
 *
 * @param reconnect opens the stream again after the cursor; its errors count as drops or pass, as above.
 * @param config how many resumes, the backoff, and the cursor the source starts from.
 * @returns an operator that mirrors the source across reconnections.
 * @throws TypeError when `reconnect` is not a function or the configuration is invalid.
 * @see retrieveResponseEvents and the `resume` option of `streamResponse`, which use it.
 */
export function resumeStream<E extends NormalizedEvent>(
  reconnect: (cursor: ResumeCursor) => Observable<E>,
  config: ResumeStreamConfig = {},
): MonoTypeOperatorFunction<E> {
  if (typeof reconnect !== 'function') throw new TypeError('resumeStream: reconnect must be a function of the cursor');
  const backoff = resolveBackoff(config, 'resumeStream');
  const maxResumes = config.maxResumes ?? 5;
  if (!(Number.isInteger(maxResumes) && maxResumes >= 0)) {
    throw new TypeError(`resumeStream: maxResumes must be an integer >= 0, got ${String(config.maxResumes)}`);
  }
  return (source) =>
    defer(() => {
      let responseId = config.responseId;
      let cursor = config.startingAfter;
      let numbered = true;
      let completed = false;
      let resumes = 0;
      let stalled = 0;
      let lastError: unknown;
      const connection = (): Observable<E> =>
        resumes === 0
          ? source
          : reconnect({ responseId: responseId as string, startingAfter: cursor, attempt: resumes, error: lastError });
      return defer(connection).pipe(
        filter((event) => {
          const sequence = event.sequenceNumber;
          return sequence === undefined || cursor === undefined || sequence > cursor;
        }),
        tap((event) => {
          stalled = 0;
          const sequence = event.sequenceNumber;
          if (sequence === undefined) numbered = false;
          else cursor = sequence;
          if (
            event.type === 'created' ||
            event.type === 'queued' ||
            event.type === 'inProgress' ||
            event.type === 'completed'
          ) {
            responseId ??= event.responseId;
            if (event.type === 'completed') completed = true;
          }
        }),
        // A connection that ends before `completed` was dropped (cleanly, by a proxy or the server).
        concatWith(defer(() => (completed ? EMPTY : throwError(() => new StreamClosedError())))),
        retry({
          count: maxResumes,
          resetOnSuccess: true,
          delay: (error: unknown) => {
            if (completed || responseId === undefined || !numbered || !isDrop(error)) return throwError(() => error);
            resumes += 1;
            stalled += 1;
            lastError = error;
            return timer(backoffDelay(stalled, error, backoff));
          },
        }),
      );
    });
}
