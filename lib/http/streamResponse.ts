/**
 * One call from a request body to the normalized event stream: POST, check the answer, parse the SSE.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { NormalizedEvent, ResponseEvent } from '../events';
import { resumeStream } from '../operators/resumeStream';
import { type RetryBeforeOutputConfig, retryBeforeOutput } from '../operators/retryBeforeOutput';
import { type ResponseEventsOptions, deliverExactlyOnce, normalizedEventsOf, responseEvents } from '../responseEvents';
import { cancelResponse } from './cancelResponse';
import { type ConnectionOptions, cancelOnUnsubscribe, requestEventStream, resolveConnection } from './connection';
import { type ResumeOptions, resumeOptionsOf, retrieveConnection } from './retrieveResponseEvents';

export { DEFAULT_BASE_URL } from './connection';

/**
 * The body of `POST /responses`, as the API defines it (`model`, `input`, `instructions`, `reasoning`, `tools`,
 * `background`, …). Sent as is, with `stream: true` added.
 */
export interface ResponsesRequestBody {
  readonly model?: string;
  readonly input?: unknown;
  readonly background?: boolean;
  readonly [key: string]: unknown;
}

/** Options of {@link streamResponse}: where to send the request, how to read the answer, and what to do on a drop. */
export interface StreamResponseOptions extends ConnectionOptions, ResponseEventsOptions {
  /**
   * For a background request (`background: true` in the body): after a dropped connection (`StreamClosedError`,
   * `IdleTimeoutError`, `ConnectionError`) once the response id is known, reconnect with
   * `GET …/responses/{id}?stream=true&starting_after=<last sequenceNumber delivered>` (see `resumeStream`). `true`
   * for the defaults (5 resumes, backoff from 500 ms to 30 s with jitter), or the bound and backoff.
   * @defaultValue false
   */
  readonly resume?: boolean | ResumeOptions;
  /**
   * Send the request again after a retryable failure, but only while no event was emitted (HTTP 429 or 5xx, connection
   * refused, closed before the first event; see `retryBeforeOutput`). `true` for the defaults (2 retries), or the
   * bound, the backoff and which errors.
   * @defaultValue false
   */
  readonly retry?: boolean | RetryBeforeOutputConfig;
  /**
   * For a background request: unsubscribing before the end cancels the response (`POST …/responses/{id}/cancel`)
   * instead of leaving it to run on the server.
   * @defaultValue false
   */
  readonly cancelOnUnsubscribe?: boolean;
}

/**
 * POSTs a request to `${baseURL}/responses` with `stream: true` and emits the answer as normalized, exactly-once
 * events (see `responseEvents`). Cold: each subscription sends its own request; unsubscribing aborts it, which closes
 * the connection.
 *
 * Before any event, the request fails with:
 * - `HttpError` for a non-2xx status (with the OpenAI error object, `retryable` and `retryAfterMs`);
 * - `UnexpectedContentTypeError` for a 2xx answer that is not `text/event-stream` (JSON, an HTML page);
 * - `ConnectionError` when the server cannot be reached (refused, DNS, TLS, reset before the headers);
 * - `IdleTimeoutError` when the headers take longer than `idleTimeoutMs`.
 *
 * After that, the errors of `responseEvents` apply (`StreamClosedError`, `IdleTimeoutError`,
 * `MalformedEventError`, `ResponseFailedError`, `ResponseCancelledError`, …).
 *
 * When the connection drops: `retry` sends the request again while nothing was emitted; `resume` (background
 * requests) continues after the last event delivered, so the stream equals the uninterrupted one event for event, or
 * fails with `ResumeRefusedError` when the server no longer has the response; `cancelOnUnsubscribe` cancels a
 * background response its consumer left.
 *
 * ```
 * subscribe:    ^
 * request:      ---headers--created--delta--delta--completed|
 * streamResponse(body)
 * result:       ------------c--------t------t------C|
 * unsubscribe:  ^-----------!         (aborts: the server sees the connection close)
 * ```
 *
 * ## Example
 * ```ts
 * import { streamResponse } from 'responses-rx';
 *
 * streamResponse(
 *   { model: 'gpt-5-mini', input: 'Say hello', reasoning: { summary: 'auto' } },
 *   { baseURL: 'http://127.0.0.1:8787/v1', apiKey: 'test', idleTimeoutMs: 60_000 },
 * ).subscribe({
 *   next: (event) => {
 *     if (event.type === 'outputTextDelta') process.stdout.write(event.delta);
 *   },
 *   error: (error) => console.error(error.code, error.retryable, error.retryAfterMs),
 * });
 * ```
 *
 * @param body the request body; `stream: true` is added.
 * @param options base URL, key, fetch, headers, `resume`, `retry`, `cancelOnUnsubscribe`, and the `responseEvents`
 *   options (`idleTimeoutMs`, `fallback`, `onMalformed`, …).
 * @returns a cold Observable of the response's events.
 * @throws TypeError at call time when the body is not an object, the base URL is not a URL, no fetch is available,
 *   `resume` is set for a request without `background: true`, or the options are invalid.
 * @see responseEvents to read a response you fetched yourself.
 */
export function streamResponse(
  body: ResponsesRequestBody,
  options: StreamResponseOptions = {},
): Observable<ResponseEvent> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TypeError('streamResponse: the request body must be an object such as { model, input }');
  }
  const connection = resolveConnection(options, 'streamResponse');
  const resume = resumeOptionsOf(options.resume, 'streamResponse');
  if (resume !== undefined && body.background !== true) {
    throw new TypeError(
      'streamResponse: resume needs a background request (background: true in the body): only background responses ' +
        'are kept by the server to be streamed again',
    );
  }
  const retry =
    options.retry === undefined || options.retry === false ? undefined : options.retry === true ? {} : options.retry;
  // Validates the responseEvents options now, not on subscribe.
  responseEvents('', options);
  const retryOperator = retry === undefined ? undefined : retryBeforeOutput<ResponseEvent>(retry);

  let events$: Observable<NormalizedEvent> = requestEventStream(
    connection,
    `${connection.baseURL}/responses`,
    { method: 'POST', body: JSON.stringify({ ...body, stream: true }) },
    options.idleTimeoutMs,
    (response) => normalizedEventsOf(response, resume === undefined ? options : { ...options, cutShort: 'drop' }),
  );
  if (resume !== undefined) {
    events$ = events$.pipe(
      resumeStream(
        (cursor) => retrieveConnection(connection, cursor.responseId, cursor.startingAfter, options),
        resume,
      ),
    );
  }
  let out$ = events$.pipe(deliverExactlyOnce(options.fallback));
  if (options.cancelOnUnsubscribe === true) out$ = out$.pipe(cancelOnUnsubscribe((id) => cancelResponse(id, options)));
  return retryOperator === undefined ? out$ : out$.pipe(retryOperator);
}
