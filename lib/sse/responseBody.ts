/**
 * The body of an HTTP answer as an event stream: its status and content type checked, and a body sent as
 * `application/json` (or with no SSE content type) sniffed from its first non-blank bytes. Shared by `chunksOf` (so
 * `responseEvents(fetchResponse)` checks what `streamResponse` checks) and `checkEventStream`.
 *
 * @module
 */
import { type ApiErrorBody, HttpError, ResponseFailedError, UnexpectedContentTypeError } from '../errors';
import { type HeaderLookup, parseRetryAfter } from '../http/retryAfter';

/** One piece of a body: bytes, or text that was already decoded. */
type Chunk = Uint8Array | string;

/** What `checkedBody` reads: a fetch `Response`, or anything with a `status` and a `body` stream. */
export interface HttpAnswer {
  readonly body: ReadableStream<Chunk> | null;
  readonly status: number;
  readonly statusText?: string;
  readonly headers?: HeaderLookup;
  text?(): Promise<string>;
}

/** How much of an unexpected body is read to quote it in an error, in characters. */
const BODY_START = 2048;
/** How much of a JSON body is read to find the error object in it, in characters. */
const JSON_BODY_LIMIT = 64 * 1024;

const EVENT_STREAM = /^\s*text\/event-stream\s*(;|$)/i;
const SSE_FIELDS = ['data:', 'event:', 'id:', 'retry:'];

/** True for a `text/event-stream` content type (parameters allowed). */
export function isEventStreamType(contentType: string): boolean {
  return EVENT_STREAM.test(contentType);
}

/**
 * What the first non-blank characters of a body say it is: `sse` for an SSE field line (`data:`, `event:`, `id:`,
 * `retry:`) or a comment (`:`); `json` for `{` or `[`; `other` for anything else (an HTML page, plain text, nothing);
 * `undefined` when more characters are needed to tell (and `final` is false).
 */
export function sniffBody(text: string, final: boolean): 'sse' | 'json' | 'other' | undefined {
  const start = text.replace(/^[\s\uFEFF]+/, '');
  if (start === '') return final ? 'other' : undefined;
  const first = start.charAt(0);
  if (first === ':') return 'sse';
  if (first === '{' || first === '[') return 'json';
  if (SSE_FIELDS.some((field) => start.startsWith(field))) return 'sse';
  if (!final && SSE_FIELDS.some((field) => field.startsWith(start))) return undefined;
  return 'other';
}

/**
 * Reads the OpenAI error object out of an error body, or `undefined` when the body is not one. A bare
 * `{ "error": "text" }` reads as `{ message: "text" }`.
 */
export function parseApiError(body: string): ApiErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  if (typeof error === 'string') return { message: error };
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof record[key] === 'string' ? (record[key] as string) : undefined;
  const nullableText = (key: string): string | null | undefined => (record[key] === null ? null : text(key));
  const code = typeof record['code'] === 'number' ? String(record['code']) : nullableText('code');
  return { message: text('message'), type: text('type'), param: nullableText('param'), code };
}

/**
 * Builds the `HttpError` for a non-2xx answer: its status, the OpenAI error object when the body is
 * `{ "error": { message, type, param, code } }`, the raw body text, and `retryAfterMs` from the headers.
 *
 * @param response an answer whose body was not read yet.
 * @returns the error (it is returned, not thrown).
 */
export async function toHttpError(response: HttpAnswer): Promise<HttpError> {
  let body = '';
  try {
    body = typeof response.text === 'function' ? await response.text() : await readAll(response.body, Infinity);
  } catch {
    // The connection failed while reading the error body: the status alone still says what happened.
  }
  return new HttpError({
    status: response.status,
    statusText: response.statusText ?? '',
    body,
    error: parseApiError(body),
    retryAfterMs: response.headers === undefined ? undefined : parseRetryAfter(response.headers),
  });
}

/**
 * The chunks of an answer's body, checked on the first `next()`:
 * - a non-2xx status → `HttpError` (with `retryAfterMs` from `retry-after-ms` / `retry-after`);
 * - a `text/event-stream` content type, or none known → the body as it is;
 * - another content type: the first non-blank characters decide (proxies send SSE as `application/json`, and the
 *   official openai client reads it): SSE field lines → the body, nothing lost; a JSON error object →
 *   `ResponseFailedError` with its code and message (`source: 'error body'`); anything else →
 *   `UnexpectedContentTypeError` quoting the start of the body.
 * `cancel()` releases the body (also in the middle of the check). A rejected body is consumed or cancelled.
 *
 * @internal
 */
export function checkedBody(response: HttpAnswer): {
  next(): Promise<IteratorResult<Chunk>>;
  cancel(): void;
} {
  let reader: ReadableStreamDefaultReader<Chunk> | undefined;
  const peeked: Chunk[] = [];
  let checked: Promise<void> | undefined;
  let cancelled = false;
  const release = (): void => {
    if (reader !== undefined) reader.cancel().catch(() => undefined);
    else if (response.body !== null && !response.body.locked) response.body.cancel().catch(() => undefined);
  };
  const check = async (): Promise<void> => {
    if (response.status < 200 || response.status > 299) throw await toHttpError(response);
    if (response.body === null) return;
    reader = response.body.getReader();
    const contentType = response.headers?.get('content-type') ?? undefined;
    if (contentType === undefined || contentType === null || isEventStreamType(contentType)) return;
    const decoder = new TextDecoder();
    let text = '';
    let ended = false;
    let kind = sniffBody(text, false);
    while (kind === undefined) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        text += decoder.decode();
      } else {
        peeked.push(value);
        text += typeof value === 'string' ? value : decoder.decode(value, { stream: true });
      }
      kind = sniffBody(text, ended || text.length >= BODY_START);
    }
    if (kind === 'sse') return;
    if (kind === 'json' && !ended) text += await readAll(reader, JSON_BODY_LIMIT - text.length, decoder);
    release();
    const error = kind === 'json' ? parseApiError(text) : undefined;
    if (error !== undefined) {
      throw ResponseFailedError.from(error, { source: 'error body' });
    }
    throw new UnexpectedContentTypeError({
      contentType,
      bodyStart: text.slice(0, BODY_START),
      status: response.status,
    });
  };
  return {
    next: async () => {
      checked ??= check();
      await checked;
      if (cancelled) return { value: undefined, done: true };
      const chunk = peeked.shift();
      if (chunk !== undefined) return { value: chunk, done: false };
      if (reader === undefined) return { value: undefined, done: true };
      return reader.read();
    },
    cancel: () => {
      cancelled = true;
      release();
    },
  };
}

/** Reads a body (or the rest of one) as text, up to `limit` characters. */
async function readAll(
  source: ReadableStream<Chunk> | ReadableStreamDefaultReader<Chunk> | null,
  limit: number,
  decoder = new TextDecoder(),
): Promise<string> {
  if (source === null) return '';
  const reader = 'getReader' in source ? source.getReader() : source;
  let text = '';
  while (text.length < limit) {
    const { value, done } = await reader.read();
    if (done) return text + decoder.decode();
    text += typeof value === 'string' ? value : decoder.decode(value, { stream: true });
  }
  return text;
}
