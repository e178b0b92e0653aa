/**
 * One call from a request body to the normalized event stream: POST, check the answer, parse the SSE.
 *
 * @module
 */
import { Observable, defer, switchMap } from 'rxjs';
import { ConnectionError } from '../errors';
import type { ResponseEvent } from '../events';
import { idleTimeout } from '../operators/idleTimeout';
import { DEFAULT_IDLE_TIMEOUT_MS, type ResponseEventsOptions, responseEvents } from '../responseEvents';
import { checkEventStream } from './checkResponse';

/** OpenAI's own endpoint: the default when neither `baseURL` nor `OPENAI_BASE_URL` is set. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * The body of `POST /responses`, as the API defines it (`model`, `input`, `instructions`, `reasoning`, `tools`, …).
 * Sent as is, with `stream: true` added.
 */
export interface ResponsesRequestBody {
  readonly model?: string;
  readonly input?: unknown;
  readonly [key: string]: unknown;
}

/** Options of {@link streamResponse}: where to send the request, and how to read the answer. */
export interface StreamResponseOptions extends ResponseEventsOptions {
  /**
   * The API root; `/responses` is appended. A trailing slash is ignored.
   * @defaultValue `process.env.OPENAI_BASE_URL`, else `https://api.openai.com/v1`
   */
  readonly baseURL?: string;
  /**
   * Sent as `Authorization: Bearer <apiKey>`. Pass `''` to send no `Authorization` header.
   * @defaultValue `process.env.OPENAI_API_KEY`
   */
  readonly apiKey?: string;
  /**
   * The fetch implementation.
   * @defaultValue `globalThis.fetch`
   */
  readonly fetch?: typeof fetch;
  /**
   * Extra request headers (they override the defaults, `Authorization` included).
   * @defaultValue none
   */
  readonly headers?: Readonly<Record<string, string>>;
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
 * `MalformedEventError`, `ResponseFailedError`, …).
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
 * @param options base URL, key, fetch, headers, and the `responseEvents` options (`idleTimeoutMs`, `fallback`,
 *   `onMalformed`, …).
 * @returns a cold Observable of the response's events.
 * @throws TypeError at call time when the body is not an object, the base URL is not a URL, no fetch is available,
 *   or the `responseEvents` options are invalid.
 * @see responseEvents to read a response you fetched yourself.
 */
export function streamResponse(
  body: ResponsesRequestBody,
  options: StreamResponseOptions = {},
): Observable<ResponseEvent> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TypeError('streamResponse: the request body must be an object such as { model, input }');
  }
  const env = environment();
  const baseURL = (options.baseURL ?? env['OPENAI_BASE_URL'] ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const url = `${baseURL}/responses`;
  if (!URL.canParse(url))
    throw new TypeError(`streamResponse: baseURL must be an absolute URL, got ${JSON.stringify(baseURL)}`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function')
    throw new TypeError('streamResponse: no fetch implementation; pass options.fetch');
  const apiKey = options.apiKey ?? env['OPENAI_API_KEY'] ?? '';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }),
    ...options.headers,
  };
  const payload = JSON.stringify({ ...body, stream: true });
  // The headers get the same idle allowance as the body. Both calls validate the options now, not on subscribe.
  const waitForHeaders = idleTimeout<Response>(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  responseEvents('', options);

  return defer(() => {
    const controller = new AbortController();
    const request = async (): Promise<Response> => {
      let response: Response;
      try {
        response = await fetchImpl(url, { method: 'POST', headers, body: payload, signal: controller.signal });
      } catch (error) {
        throw new ConnectionError({ url, cause: error });
      }
      return checkEventStream(response);
    };
    const events$ = defer(request).pipe(
      waitForHeaders,
      switchMap((response) => responseEvents(response, options)),
    );
    return new Observable<ResponseEvent>((subscriber) => {
      const subscription = events$.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        controller.abort();
      };
    });
  });
}

/** The process environment under Node; empty in a browser, where there is no `process`. */
function environment(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}
