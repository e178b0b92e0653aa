/**
 * Reading a background response's stream by id, from the start or after a sequence number, and the resumable
 * connection `streamResponse` uses after a drop.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import { HttpError, ResumeRefusedError } from '../errors';
import type { NormalizedEvent, ResponseEvent } from '../events';
import { type ResumeStreamConfig, resumeStream } from '../operators/resumeStream';
import { onlyItemsSeen } from '../policies/onlyItemsSeen';
import { recoverMissing } from '../policies/recoverMissing';
import { type ResponseEventsOptions, deliverExactlyOnce, normalizedEventsOf } from '../responseEvents';
import { cancelResponse } from './cancelResponse';
import {
  type Connection,
  type ConnectionOptions,
  cancelOnUnsubscribe,
  requestEventStream,
  resolveConnection,
  responseUrl,
} from './connection';

/** How a dropped background stream is resumed: the bound and the backoff of `resumeStream`. */
export type ResumeOptions = Omit<ResumeStreamConfig, 'responseId' | 'startingAfter'>;

/** Options of {@link retrieveResponseEvents}. */
export interface RetrieveResponseEventsOptions extends ConnectionOptions, ResponseEventsOptions {
  /**
   * Deliver only the events after this sequence number (the `sequenceNumber` of the last event you received).
   * The stream then has no `created`; an item that finished at or before it is not recovered again.
   * @defaultValue none: the whole stream, from `created`
   */
  readonly startingAfter?: number;
  /**
   * Resume after a dropped connection (see `resumeStream`): `true` for the defaults, or the bound and backoff.
   * @defaultValue false
   */
  readonly resume?: boolean | ResumeOptions;
  /**
   * Unsubscribing before the end cancels the response (`POST …/responses/{id}/cancel`).
   * @defaultValue false
   */
  readonly cancelOnUnsubscribe?: boolean;
}

/**
 * The stream of a background response by id, through the same pipeline as `responseEvents`:
 * `GET ${baseURL}/responses/{id}?stream=true&starting_after=N`. With `startingAfter` it continues a stream you read
 * before: it does not start with `created`, nothing in it starts a new transcript turn (pass the earlier transcript
 * as `toTranscript`'s `initial`), and an item that finished before the cursor is not delivered again as recovered
 * (the fallback recovers only items this part of the stream carried some of).
 *
 * Fails with `ResumeRefusedError` when the server refuses (404: unknown or expired id; 400: not a background
 * response), otherwise as `streamResponse` does.
 *
 * ```
 * server:   #0 created … #7 delta "Hel" | #8 delta "lo" #9 item done #10 completed
 * retrieveResponseEvents('resp_1', { startingAfter: 7 })
 * result:   --t("lo")--i--C|
 * ```
 *
 * ## Example
 * ```ts
 * import { retrieveResponseEvents } from 'responses-rx';
 *
 * retrieveResponseEvents(responseId, { startingAfter: lastSequenceNumber, resume: true }).subscribe((event) => {
 *   if (event.type === 'outputTextDelta') process.stdout.write(event.delta);
 * });
 * ```
 *
 * @param responseId the id of a response created with `background: true`.
 * @param options the cursor, where to connect, resume and cancel, and the `responseEvents` options.
 * @returns a cold Observable: each subscription opens the stream; unsubscribing closes it.
 * @throws TypeError at call time for an empty id, a bad cursor or invalid options.
 * @see https://platform.openai.com/docs/api-reference/responses/get (`stream`, `starting_after`)
 */
export function retrieveResponseEvents(
  responseId: string,
  options: RetrieveResponseEventsOptions = {},
): Observable<ResponseEvent> {
  if (typeof responseId !== 'string' || responseId === '')
    throw new TypeError('retrieveResponseEvents: responseId must be a non-empty string');
  const startingAfter = options.startingAfter;
  if (startingAfter !== undefined && !(Number.isInteger(startingAfter) && startingAfter >= -1)) {
    throw new TypeError(`retrieveResponseEvents: startingAfter must be an integer >= -1, got ${String(startingAfter)}`);
  }
  const connection = resolveConnection(options, 'retrieveResponseEvents');
  const resume = resumeOptionsOf(options.resume, 'retrieveResponseEvents');
  let events$ = retrieveConnection(connection, responseId, startingAfter, options);
  if (resume !== undefined) {
    events$ = events$.pipe(
      resumeStream((cursor) => retrieveConnection(connection, responseId, cursor.startingAfter, options), {
        ...resume,
        responseId,
        ...(startingAfter === undefined ? {} : { startingAfter }),
      }),
    );
  }
  const fallback = options.fallback ?? recoverMissing;
  const out$ = events$.pipe(deliverExactlyOnce(startingAfter === undefined ? fallback : onlyItemsSeen(fallback)));
  return options.cancelOnUnsubscribe === true
    ? out$.pipe(cancelOnUnsubscribe((id) => cancelResponse(id, options), responseId))
    : out$;
}

/**
 * One `GET …/responses/{id}?stream=true[&starting_after=N]` connection, as normalized events; a refusal is a
 * `ResumeRefusedError`; a last event cut short is dropped (the resume fetches it again).
 *
 * @internal
 */
export function retrieveConnection(
  connection: Connection,
  responseId: string,
  startingAfter: number | undefined,
  options: ResponseEventsOptions,
): Observable<NormalizedEvent> {
  const query = startingAfter === undefined ? '?stream=true' : `?stream=true&starting_after=${startingAfter}`;
  return requestEventStream(
    connection,
    responseUrl(connection, responseId, query),
    { method: 'GET' },
    options.idleTimeoutMs,
    (response) => normalizedEventsOf(response, { ...options, cutShort: 'drop' }),
    (error) =>
      error instanceof HttpError && !error.retryable
        ? new ResumeRefusedError({ responseId, startingAfter, status: error.status, cause: error })
        : error,
  );
}

/**
 * Reads the `resume` option: `undefined` when off.
 *
 * @internal
 */
export function resumeOptionsOf(
  resume: boolean | ResumeOptions | undefined,
  caller: string,
): ResumeOptions | undefined {
  if (resume === undefined || resume === false) return undefined;
  if (resume === true) return {};
  if (typeof resume !== 'object' || resume === null)
    throw new TypeError(`${caller}: resume must be true, false or { maxResumes, initialDelayMs, maxDelayMs, jitter }`);
  return resume;
}
