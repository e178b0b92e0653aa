/**
 * Every error responses-rx raises. Each class has a literal `code` that never changes, a `retryable` flag, a message
 * that says what happened and what to do, and the data needed to act on it.
 *
 * Match on `code`, never on message text:
 *
 * ```ts
 * import { isResponsesRxError } from 'responses-rx';
 *
 * events$.subscribe({
 *   error: (err) => {
 *     if (isResponsesRxError(err) && err.retryable) scheduleRetry(err.retryAfterMs ?? 1000);
 *     if (isResponsesRxError(err) && err.code === 'idle_timeout') console.error(`silent for ${err.idleMs} ms`);
 *   },
 * });
 * ```
 *
 * @module
 */

/** The stable machine-readable codes of every {@link ResponsesRxError}. */
export type ResponsesRxErrorCode =
  | 'malformed_event'
  | 'protocol_mismatch'
  | 'event_too_large'
  | 'response_failed'
  | 'response_incomplete'
  | 'stream_closed'
  | 'idle_timeout'
  | 'http_error'
  | 'unexpected_content_type'
  | 'connection_failed'
  | 'resume_refused'
  | 'response_cancelled'
  | 'invalid_recording';

/**
 * Marks every responses-rx error. `Symbol.for` keys are shared by the whole process, so the mark is the same in the
 * ES module and the CommonJS build of this package when an app loads both (the dual-package hazard).
 */
const BRAND = Symbol.for('responses-rx.ResponsesRxError');

/**
 * True when `value` is an error raised by responses-rx, from whichever copy of the package (ES module or CommonJS)
 * raised it. Then match on its `code`, which narrows it to its class.
 *
 * ## Example
 * ```ts
 * import { isResponsesRxError } from 'responses-rx';
 *
 * if (isResponsesRxError(err) && err.code === 'http_error') console.error(err.status, err.body);
 * ```
 */
export function isResponsesRxError(value: unknown): value is AnyResponsesRxError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Base class of every error raised by responses-rx. Each subclass has a literal `name` (minifiers rename classes, not
 * strings) and a literal `code`, also readable on the class (`HttpError.code`).
 *
 * `instanceof` works across the ES module and CommonJS copies of the package: an error from one copy is an instance of
 * the other copy's class with the same `code`. Matching on `code` (or {@link isResponsesRxError}) is still the
 * simplest.
 */
export abstract class ResponsesRxError extends Error {
  /** The class name, as a literal string, e.g. `'HttpError'`. */
  abstract override readonly name: string;
  /** Stable machine-readable code; match on this, not on the message. */
  abstract readonly code: ResponsesRxErrorCode;
  /** True when sending the same request again may succeed. */
  abstract readonly retryable: boolean;
  /** How long to wait before retrying, in milliseconds, when the server said so. */
  readonly retryAfterMs: number | undefined;

  protected constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.retryAfterMs = options?.retryAfterMs;
  }

  /**
   * `value instanceof C`: true for instances of `C` by prototype, and for responses-rx errors from another copy of
   * the package whose `code` is `C.code` (any of them when `C` is `ResponsesRxError`).
   */
  static [Symbol.hasInstance]<T>(this: { readonly prototype: T }, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!isResponsesRxError(value)) return false;
    if ((this as unknown) === ResponsesRxError) return true;
    return (
      Object.prototype.hasOwnProperty.call(this, 'code') && (this as unknown as { code: unknown }).code === value.code
    );
  }
}

/** One problem found when validating an event, as reported by zod (path and message). */
export interface EventIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const RAW_PREVIEW = 200;

function preview(raw: string): string {
  return raw.length > RAW_PREVIEW ? `${raw.slice(0, RAW_PREVIEW)}…` : raw;
}

/**
 * An SSE message whose data is not valid JSON, or a known Responses event that lacks a field responses-rx needs
 * (a delta without `delta`, an `output_item.done` without `item`). Not retryable: the same server will send the same
 * bytes. Pass `onMalformed: 'skip'` to drop such events instead.
 */
export class MalformedEventError extends ResponsesRxError {
  /** The `code` of every MalformedEventError. */
  static readonly code = 'malformed_event';
  override readonly name = 'MalformedEventError';
  readonly code = MalformedEventError.code;
  readonly retryable = false;
  /** The SSE `data` exactly as received. */
  readonly raw: string;
  /** The JSON `type` of the event, when the data was JSON with a string `type`. */
  readonly eventType: string | undefined;
  /** What failed validation (empty when the data was not JSON at all). */
  readonly issues: readonly EventIssue[];

  constructor(details: {
    raw: string;
    eventType?: string | undefined;
    issues?: readonly EventIssue[];
    reason: string;
    cause?: unknown;
  }) {
    super(
      `Malformed Responses event${details.eventType ? ` "${details.eventType}"` : ''}: ${details.reason}. ` +
        `Received: ${preview(details.raw)}. The server sent data responses-rx cannot read; ` +
        `report it to the provider, or pass onMalformed: 'skip' to ignore such events.`,
      { cause: details.cause },
    );
    this.raw = details.raw;
    this.eventType = details.eventType;
    this.issues = details.issues ?? [];
  }
}

/**
 * The stream is valid SSE and JSON but speaks another protocol, e.g. a Chat Completions stream
 * (`chat.completion.chunk` with `choices`) sent to a Responses client. Not retryable: fix the endpoint or base URL.
 */
export class ProtocolMismatchError extends ResponsesRxError {
  /** The `code` of every ProtocolMismatchError. */
  static readonly code = 'protocol_mismatch';
  override readonly name = 'ProtocolMismatchError';
  readonly code = ProtocolMismatchError.code;
  readonly retryable = false;
  /** What the stream looks like instead: `'Chat Completions'`, `'HTML page'` or `'plain JSON'`. */
  readonly detected: string;
  /** The SSE `data` (or the first line) that revealed it. */
  readonly raw: string;

  constructor(details: { detected: string; raw: string }) {
    const what = details.detected === 'Chat Completions' ? 'a Chat Completions stream' : `a ${details.detected}`;
    const todo =
      details.detected === 'Chat Completions'
        ? 'Point the client at an endpoint that implements POST /v1/responses, or use a Chat Completions client.'
        : 'Check the base URL (a proxy or login page may be answering) and that the request sets stream: true.';
    super(`The server sent ${what}, not a Responses API event stream (received: ${preview(details.raw)}). ${todo}`);
    this.detected = details.detected;
    this.raw = details.raw;
  }
}

/**
 * An SSE event's data, name or id, a comment or a line was longer than `maxEventSize` UTF-16 code units, whether it
 * came in one chunk or many, or an unfinished one grew past what the limit allows (an endless line, a server that
 * never sends a newline). Raised instead of buffering without bound. Not retryable.
 */
export class EventTooLargeError extends ResponsesRxError {
  /** The `code` of every EventTooLargeError. */
  static readonly code = 'event_too_large';
  override readonly name = 'EventTooLargeError';
  readonly code = EventTooLargeError.code;
  readonly retryable = false;
  /** The limit that was exceeded, in UTF-16 code units (JavaScript string length). */
  readonly maxEventSize: number;

  constructor(maxEventSize: number) {
    super(
      `An SSE event's data, name or id, a comment or a line exceeded maxEventSize (${maxEventSize} UTF-16 code ` +
        `units); the stream was stopped to bound memory. If the server legitimately sends larger events, raise the ` +
        `maxEventSize option.`,
    );
    this.maxEventSize = maxEventSize;
  }
}

/** Server error codes that mean the request itself is at fault: sending it again will fail again. */
export const NON_RETRYABLE_SERVER_CODES: ReadonlySet<string> = new Set([
  'context_length_exceeded',
  'insufficient_quota',
  'invalid_prompt',
  'usage_not_included',
  'invalid_request_error',
  'invalid_api_key',
  'model_not_found',
  'content_filter',
  'cyber_policy',
  'unsupported_parameter',
  'invalid_image',
  'invalid_value',
]);

/**
 * Which event (or body) reported a failed response: `response.failed`; an `error` event (with or without a `type`, or
 * vLLM's `{"object":"error"}`); a `response.completed` or `response.done` whose `status` is `failed`; a
 * `chat.completion.chunk` carrying an `error` in the middle of a Responses stream (a bridge whose upstream failed);
 * or an `error body`: a 2xx answer whose body is a JSON error object instead of an event stream.
 */
export type FailureSource =
  'response.failed' | 'error' | 'response.completed' | 'response.done' | 'chat.completion.chunk' | 'error body';

/** An error object as servers send it (`{ code, message, type, param }`), any field missing. */
export interface ServerErrorObject {
  readonly code?: string | number | null | undefined;
  readonly message?: string | null | undefined;
  readonly type?: string | null | undefined;
}

/**
 * The server reported that the response failed (see {@link FailureSource}). `retryable` is false for request faults
 * (see {@link NON_RETRYABLE_SERVER_CODES}, and numeric codes that are HTTP statuses not worth retrying, such as 400)
 * and true otherwise (rate limits, server errors, unknown codes); `retryAfterMs` is read from messages such as
 * "Please try again in 1.898s".
 */
export class ResponseFailedError extends ResponsesRxError {
  /** The `code` of every ResponseFailedError. */
  static readonly code = 'response_failed';
  override readonly name = 'ResponseFailedError';
  readonly code = ResponseFailedError.code;
  readonly retryable: boolean;
  /** The server's own error code (`rate_limit_exceeded`, `server_error`, …), when it sent one. */
  readonly serverCode: string | undefined;
  /** The server's message, or a sentence saying that it sent none. */
  readonly serverMessage: string;
  /** The id of the failed response, when known. */
  readonly responseId: string | undefined;
  /** Which event reported the failure. */
  readonly source: FailureSource;

  /**
   * The error for a server's error object: its `code` (else its `type`) as `serverCode`, its `message`.
   *
   * @param error the server's error object, when it sent one.
   */
  static from(
    error: ServerErrorObject | undefined,
    details: { responseId?: string | undefined; source: FailureSource },
  ): ResponseFailedError {
    const code = error?.code;
    return new ResponseFailedError({
      serverCode: code === null || code === undefined ? (error?.type ?? undefined) : String(code),
      serverMessage: error?.message ?? undefined,
      responseId: details.responseId,
      source: details.source,
    });
  }

  constructor(details: {
    serverCode?: string | undefined;
    serverMessage?: string | undefined;
    responseId?: string | undefined;
    source: FailureSource;
  }) {
    const serverMessage = details.serverMessage ?? 'the server sent no error details';
    const retryable = isRetryableServerCode(details.serverCode);
    super(
      `The response failed (${details.source}${details.serverCode ? `, ${details.serverCode}` : ''}): ` +
        withoutFinalPeriod(serverMessage) +
        (retryable ? ' — this can be retried.' : ' — the request must change before it can succeed.'),
      { retryAfterMs: parseRetryAfterMessage(serverMessage) },
    );
    this.retryable = retryable;
    this.serverCode = details.serverCode;
    this.serverMessage = serverMessage;
    this.responseId = details.responseId;
    this.source = details.source;
  }
}

/**
 * The server ended the response as incomplete (`response.incomplete`), e.g. because `max_output_tokens` was reached
 * or content was filtered. Not retryable as is: raise the limit or change the request.
 */
export class ResponseIncompleteError extends ResponsesRxError {
  /** The `code` of every ResponseIncompleteError. */
  static readonly code = 'response_incomplete';
  override readonly name = 'ResponseIncompleteError';
  readonly code = ResponseIncompleteError.code;
  readonly retryable = false;
  /** `incomplete_details.reason` as sent (`max_output_tokens`, `content_filter`, …), when present. */
  readonly reason: string | undefined;
  /** The response object as received. */
  readonly response: unknown;

  constructor(details: { reason?: string | undefined; response?: unknown }) {
    super(
      `The response ended incomplete${details.reason ? ` (${details.reason})` : ''}. ` +
        (details.reason === 'max_output_tokens'
          ? 'Raise max_output_tokens or ask for a shorter answer.'
          : 'Change the request before trying again.'),
    );
    this.reason = details.reason;
    this.response = details.response;
  }
}

/**
 * The byte stream ended, or failed (connection reset), before `response.completed` arrived. Everything that did arrive
 * was delivered first. Retryable; the source's own error, if any, is the `cause`.
 */
export class StreamClosedError extends ResponsesRxError {
  /** The `code` of every StreamClosedError. */
  static readonly code = 'stream_closed';
  override readonly name = 'StreamClosedError';
  readonly code = StreamClosedError.code;
  readonly retryable = true;

  constructor(details: { cause?: unknown } = {}) {
    const why =
      details.cause === undefined
        ? 'the stream ended before response.completed arrived'
        : `the stream failed before response.completed arrived (${describeCause(details.cause)})`;
    super(`Stream closed early: ${why}. The answer may be cut short; send the request again.`, {
      cause: details.cause,
    });
  }
}

/** No bytes arrived for `idleMs` milliseconds. Retryable. */
export class IdleTimeoutError extends ResponsesRxError {
  /** The `code` of every IdleTimeoutError. */
  static readonly code = 'idle_timeout';
  override readonly name = 'IdleTimeoutError';
  readonly code = IdleTimeoutError.code;
  readonly retryable = true;
  /** The silence allowed, in milliseconds. */
  readonly idleMs: number;

  constructor(idleMs: number) {
    super(
      `No data arrived for ${idleMs} ms; the stream was stopped. The server or a proxy may have stalled: send the ` +
        `request again, or raise idleTimeoutMs for slow models.`,
    );
    this.idleMs = idleMs;
  }
}

/** The body of an OpenAI-style error response: `{ error: { message, type, param, code } }`. */
export interface ApiErrorBody {
  readonly message?: string | undefined;
  readonly type?: string | undefined;
  readonly param?: string | null | undefined;
  readonly code?: string | null | undefined;
}

/**
 * The HTTP request got a non-2xx answer. `retryable` is true for 408, 409, 429 and 5xx; `retryAfterMs` comes from
 * `retry-after-ms` or `retry-after` (seconds or an HTTP date).
 */
export class HttpError extends ResponsesRxError {
  /** The `code` of every HttpError. */
  static readonly code = 'http_error';
  override readonly name = 'HttpError';
  readonly code = HttpError.code;
  readonly retryable: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /** The parsed OpenAI error (`body.error`), when the body was one. */
  readonly error: ApiErrorBody | undefined;
  /** The raw response body text. */
  readonly body: string;

  constructor(details: {
    status: number;
    statusText?: string;
    body: string;
    error?: ApiErrorBody | undefined;
    retryAfterMs?: number | undefined;
  }) {
    const retryable = isRetryableStatus(details.status);
    const what = details.error?.message ?? (details.body ? preview(details.body) : details.statusText || 'no body');
    super(
      `HTTP ${details.status}${details.statusText ? ` ${details.statusText}` : ''}: ${withoutFinalPeriod(what)}` +
        (retryable
          ? details.retryAfterMs !== undefined
            ? ` — retry after ${details.retryAfterMs} ms.`
            : ' — this can be retried.'
          : ' — the request must change before it can succeed.'),
      { retryAfterMs: details.retryAfterMs },
    );
    this.retryable = retryable;
    this.status = details.status;
    this.error = details.error;
    this.body = details.body;
  }
}

/** A 2xx answer that is not `text/event-stream` (a JSON body, an HTML page from a proxy). Not retryable. */
export class UnexpectedContentTypeError extends ResponsesRxError {
  /** The `code` of every UnexpectedContentTypeError. */
  static readonly code = 'unexpected_content_type';
  override readonly name = 'UnexpectedContentTypeError';
  readonly code = UnexpectedContentTypeError.code;
  readonly retryable = false;
  /** The `content-type` header as received (empty when absent). */
  readonly contentType: string;
  /** The start of the body. */
  readonly bodyStart: string;

  constructor(details: { contentType: string; bodyStart: string; status?: number }) {
    super(
      `Expected a text/event-stream answer but got ${details.contentType || 'no content-type'}` +
        `${details.status ? ` (HTTP ${details.status})` : ''}, starting with: ${preview(details.bodyStart)}. ` +
        `Check the base URL and that the request sets stream: true.`,
    );
    this.contentType = details.contentType;
    this.bodyStart = details.bodyStart;
  }
}

/**
 * The HTTP request failed before any response headers arrived: connection refused, DNS failure, TLS error, reset.
 * Retryable; the network error is the `cause` (its `code`, e.g. `ECONNREFUSED`, is quoted in the message).
 * A failure after the headers arrived is a {@link StreamClosedError} instead.
 */
export class ConnectionError extends ResponsesRxError {
  /** The `code` of every ConnectionError. */
  static readonly code = 'connection_failed';
  override readonly name = 'ConnectionError';
  readonly code = ConnectionError.code;
  readonly retryable = true;
  /** The URL that could not be reached. */
  readonly url: string;

  constructor(details: { url: string; cause?: unknown }) {
    super(
      `Could not reach ${details.url}${details.cause === undefined ? '' : ` (${describeCause(rootCause(details.cause))})`}. ` +
        `Check the base URL and that the server is running; this can be retried.`,
      { cause: details.cause },
    );
    this.url = details.url;
  }
}

/**
 * The server refused to resume a background response's stream (`GET /v1/responses/{id}?stream=true&starting_after=N`
 * answered 404, 400 or another non-retryable status): it no longer keeps the response (OpenAI keeps background
 * responses about 10 minutes), never had it (it was not created with `background: true`), or the id is wrong. Not
 * retryable: what was delivered stays delivered; send the request again for a new answer.
 */
export class ResumeRefusedError extends ResponsesRxError {
  /** The `code` of every ResumeRefusedError. */
  static readonly code = 'resume_refused';
  override readonly name = 'ResumeRefusedError';
  readonly code = ResumeRefusedError.code;
  readonly retryable = false;
  /** The response that could not be resumed. */
  readonly responseId: string;
  /** The sequence number the resume asked to continue after (`starting_after`), when there was one. */
  readonly startingAfter: number | undefined;
  /** The HTTP status of the refusal. */
  readonly status: number;

  constructor(details: { responseId: string; startingAfter?: number | undefined; status: number; cause?: unknown }) {
    const why = details.cause instanceof Error ? details.cause.message : `HTTP ${details.status}`;
    super(
      `The server refused to resume response ${details.responseId}` +
        `${details.startingAfter === undefined ? '' : ` after event ${details.startingAfter}`} (${why}). ` +
        `It no longer keeps that response (expired) or never had it (created without background: true); ` +
        `the events already delivered stand, send the request again for the rest.`,
      { cause: details.cause },
    );
    this.responseId = details.responseId;
    this.startingAfter = details.startingAfter;
    this.status = details.status;
  }
}

/**
 * The response was cancelled (`POST /v1/responses/{id}/cancel`, by this client or another): a `response.cancelled`
 * event, or a lifecycle event whose response has `status: "cancelled"`. Not retryable as is: someone chose to stop it;
 * send the request again if an answer is still wanted.
 */
export class ResponseCancelledError extends ResponsesRxError {
  /** The `code` of every ResponseCancelledError. */
  static readonly code = 'response_cancelled';
  override readonly name = 'ResponseCancelledError';
  readonly code = ResponseCancelledError.code;
  readonly retryable = false;
  /** The cancelled response's id, when known. */
  readonly responseId: string | undefined;
  /** The response object as received, when the event carried one. */
  readonly response: unknown;

  constructor(details: { responseId?: string | undefined; response?: unknown } = {}) {
    super(
      `The response${details.responseId === undefined ? '' : ` ${details.responseId}`} was cancelled before it ` +
        `completed; the events already delivered are all there is. Send the request again for a full answer.`,
    );
    this.responseId = details.responseId;
    this.response = details.response;
  }
}

/**
 * A quoted sentence without its one final period, so that the advice appended after ` — ` does not read `. —`
 * (an ellipsis stays as it is).
 */
function withoutFinalPeriod(text: string): string {
  return text.replace(/(?<!\.)\.\s*$/, '');
}

/** How an {@link InvalidRecordingError} names what a file holds. */
const HOLDS: Record<string, string> = { 'HTML page': 'an HTML page', 'plain JSON': 'a plain JSON body' };

/**
 * A file (or text) given as a recording holds no Responses stream: an HTML page, a plain JSON body, plain text, or
 * nothing at all. Raised by `loadRecording` (and so by the embedded server when it starts with such a file) instead
 * of replaying an empty stream. Not retryable: record the stream again (see the README, "Recording a stream").
 */
export class InvalidRecordingError extends ResponsesRxError {
  /** The `code` of every InvalidRecordingError. */
  static readonly code = 'invalid_recording';
  override readonly name = 'InvalidRecordingError';
  readonly code = InvalidRecordingError.code;
  readonly retryable = false;
  /** The file, when the recording was read from one. */
  readonly path: string | undefined;
  /** What it holds instead: `'HTML page'`, `'plain JSON'`, `'text without SSE events'` or `'nothing'`. */
  readonly detected: string;

  constructor(details: { path?: string | undefined; detected: string; firstLine?: string; cause?: unknown }) {
    const what = details.path === undefined ? 'The recording' : details.path;
    const line = details.firstLine ? ` (first line: ${preview(details.firstLine.slice(0, 80))})` : '';
    super(
      `${what} is not a Responses stream recording: it holds ${HOLDS[details.detected] ?? details.detected}` +
        `${line}. A recording is the SSE text of a streamed answer (event:/data: lines) or one JSON event per line; ` +
        `record one with curl -N or the embedded server's passthrough mode.`,
      { cause: details.cause },
    );
    this.path = details.path;
    this.detected = details.detected;
  }
}

/**
 * True when a failure with this server code may succeed if sent again: no code, an unknown code, a rate limit or a
 * server error; false for request faults ({@link NON_RETRYABLE_SERVER_CODES}) and for numeric codes that are HTTP
 * statuses not worth retrying (400, 401, 404, …; see {@link isRetryableStatus}).
 */
export function isRetryableServerCode(code: string | undefined): boolean {
  if (code === undefined) return true;
  if (/^[1-5]\d\d$/.test(code)) return isRetryableStatus(Number(code));
  return !NON_RETRYABLE_SERVER_CODES.has(code);
}

/** True for the HTTP statuses worth retrying: 408, 409, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const TRY_AGAIN = /try again in\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b/i;

/**
 * Reads a retry delay from a server message such as "Please try again in 1.898s", "in 28ms" or "in 35 seconds".
 *
 * @returns the delay in whole milliseconds (rounded up), or `undefined` when the message names none.
 */
export function parseRetryAfterMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = TRY_AGAIN.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor =
    unit.startsWith('ms') || unit.startsWith('milli')
      ? 1
      : unit.startsWith('m') && !unit.startsWith('ms')
        ? 60_000
        : 1000;
  return Math.ceil(value * factor);
}

/** fetch wraps the socket error: `TypeError('fetch failed', { cause: Error('connect ECONNREFUSED …') })`. */
function rootCause(cause: unknown): unknown {
  let current = cause;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++)
    current = current.cause;
  return current;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}

/** Every error class responses-rx raises, as a union: narrowing on `code` gives the class and its data. */
export type AnyResponsesRxError =
  | MalformedEventError
  | ProtocolMismatchError
  | EventTooLargeError
  | ResponseFailedError
  | ResponseIncompleteError
  | StreamClosedError
  | IdleTimeoutError
  | HttpError
  | UnexpectedContentTypeError
  | ConnectionError
  | ResumeRefusedError
  | InvalidRecordingError
  | ResponseCancelledError;
