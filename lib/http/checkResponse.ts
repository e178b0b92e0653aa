/**
 * Turning an HTTP answer that is not an SSE stream into the typed error that says why.
 *
 * @module
 */
import { type ApiErrorBody, HttpError, UnexpectedContentTypeError } from '../errors';
import { parseRetryAfter } from './retryAfter';

/** How much of an unexpected body is read to quote it in an error, in bytes. */
const BODY_START_BYTES = 2048;

/**
 * Resolves with the response when it is a 2xx `text/event-stream`; otherwise reads (the start of) its body and
 * rejects with the typed error: `HttpError` for a non-2xx status, `UnexpectedContentTypeError` for a 2xx JSON or
 * HTML answer. The body of a rejected response is consumed or cancelled, so its connection is released.
 *
 * ## Example
 * ```ts
 * import { checkEventStream, responseEvents } from 'responses-rx';
 *
 * const response = await checkEventStream(await fetch(`${baseURL}/responses`, init));
 * responseEvents(response).subscribe(console.log);
 * ```
 *
 * @param response a fetch `Response`.
 * @returns the same response, for its body to be read as SSE.
 * @throws HttpError when the status is not 2xx.
 * @throws UnexpectedContentTypeError when a 2xx answer is not `text/event-stream`.
 */
export async function checkEventStream(response: Response): Promise<Response> {
  if (!response.ok) throw await toHttpError(response);
  const contentType = response.headers.get('content-type') ?? '';
  if (!/^\s*text\/event-stream\s*(;|$)/i.test(contentType)) {
    throw new UnexpectedContentTypeError({
      contentType,
      bodyStart: await readStart(response, BODY_START_BYTES),
      status: response.status,
    });
  }
  return response;
}

/**
 * Builds the `HttpError` for a non-2xx response: its status, the OpenAI error object when the body is
 * `{ "error": { message, type, param, code } }`, the raw body text, and `retryAfterMs` from the headers.
 *
 * ## Example
 * ```ts
 * import { toHttpError } from 'responses-rx';
 *
 * if (!response.ok) throw await toHttpError(response);
 * ```
 *
 * @param response a fetch `Response` whose body was not read yet.
 * @returns the error (it is returned, not thrown).
 */
export async function toHttpError(response: Response): Promise<HttpError> {
  let body = '';
  try {
    body = await response.text();
  } catch {
    // The connection failed while reading the error body: the status alone still says what happened.
  }
  return new HttpError({
    status: response.status,
    statusText: response.statusText,
    body,
    error: parseApiError(body),
    retryAfterMs: parseRetryAfter(response.headers),
  });
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
  return { message: text('message'), type: text('type'), param: nullableText('param'), code: nullableText('code') };
}

async function readStart(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < maxBytes) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
  } catch {
    // Quote what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, maxBytes);
}
