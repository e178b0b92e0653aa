/**
 * Where requests go and how they are sent: the base URL, the key, fetch and headers shared by `streamResponse`,
 * `retrieveResponseEvents` and `cancelResponse`, and one cancellable request whose answer is an event stream.
 *
 * @module
 */
import { Observable, type OperatorFunction, defer, switchMap, tap } from 'rxjs';
import { ConnectionError } from '../errors';
import type { ResponseEvent } from '../events';
import { idleTimeout } from '../operators/idleTimeout';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../responseEvents';
import { checkEventStream } from './checkResponse';

/** OpenAI's own endpoint: the default when neither `baseURL` nor `OPENAI_BASE_URL` is set. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Where to send requests, and with what. */
export interface ConnectionOptions {
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

/** {@link ConnectionOptions} resolved and checked. */
export interface Connection {
  /** The API root, without a trailing slash. */
  readonly baseURL: string;
  readonly fetch: typeof fetch;
  /** `Authorization` (when there is a key) and the caller's headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Resolves the connection options against the environment.
 *
 * @throws TypeError when the base URL is not absolute or no fetch is available.
 * @internal
 */
export function resolveConnection(options: ConnectionOptions, caller: string): Connection {
  const env = environment();
  const baseURL = (options.baseURL ?? env['OPENAI_BASE_URL'] ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!URL.canParse(`${baseURL}/responses`))
    throw new TypeError(`${caller}: baseURL must be an absolute URL, got ${JSON.stringify(baseURL)}`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError(`${caller}: no fetch implementation; pass options.fetch`);
  const apiKey = options.apiKey ?? env['OPENAI_API_KEY'] ?? '';
  return {
    baseURL,
    // Called as a plain function, never as `connection.fetch(…)`: a browser's fetch throws "Illegal invocation" when
    // its `this` is not the window.
    fetch: (input, init) => fetchImpl(input, init),
    headers: { ...(apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }), ...options.headers },
  };
}

/**
 * One request whose answer is read as an event stream: cold, each subscription sends it; a failure to connect is a
 * `ConnectionError`; a non-2xx or non-SSE answer the error of `checkEventStream` (mapped by `onHttpError`); headers
 * slower than `idleTimeoutMs` an `IdleTimeoutError`. Unsubscribing aborts the request, which closes the connection.
 *
 * @internal
 */
export function requestEventStream<T>(
  connection: Connection,
  url: string,
  init: { readonly method: 'GET' | 'POST'; readonly body?: string },
  idleTimeoutMs: number | undefined,
  read: (response: Response) => Observable<T>,
  onHttpError: (error: unknown) => unknown = (error) => error,
): Observable<T> {
  // Validated now, not on subscribe.
  const waitForHeaders = idleTimeout<Response>(idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const headers = {
    accept: 'text/event-stream',
    ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...connection.headers,
  };
  return defer(() => {
    const controller = new AbortController();
    const request = async (): Promise<Response> => {
      let response: Response;
      try {
        response = await connection.fetch(url, { ...init, headers, signal: controller.signal });
      } catch (error) {
        throw new ConnectionError({ url, cause: error });
      }
      try {
        return await checkEventStream(response);
      } catch (error) {
        throw onHttpError(error);
      }
    };
    const events$ = defer(request).pipe(waitForHeaders, switchMap(read));
    return new Observable<T>((subscriber) => {
      const subscription = events$.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        controller.abort();
      };
    });
  });
}

/**
 * `POST …/responses/{id}/cancel` when the subscriber unsubscribes before the stream ended and the response id is
 * known (from the events, or given). The cancel request's own failure is ignored: the consumer has gone.
 *
 * @internal
 */
export function cancelOnUnsubscribe(
  cancel: (responseId: string) => Promise<unknown>,
  knownId?: string,
): OperatorFunction<ResponseEvent, ResponseEvent> {
  return (source) =>
    new Observable<ResponseEvent>((subscriber) => {
      let responseId = knownId;
      let ended = false;
      const subscription = source
        .pipe(
          tap({
            next: (event) => {
              if (
                event.type === 'created' ||
                event.type === 'queued' ||
                event.type === 'inProgress' ||
                event.type === 'completed'
              )
                responseId ??= event.responseId;
            },
            error: () => (ended = true),
            complete: () => (ended = true),
          }),
        )
        .subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        if (!ended && responseId !== undefined) cancel(responseId).catch(() => undefined);
      };
    });
}

/** `${baseURL}/responses/${id}` with the id escaped. @internal */
export function responseUrl(connection: Connection, responseId: string, suffix = ''): string {
  return `${connection.baseURL}/responses/${encodeURIComponent(responseId)}${suffix}`;
}

/** The process environment under Node; empty in a browser, where there is no `process`. @internal */
export function environment(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}
