import { type MonoTypeOperatorFunction, defer, retry, tap, throwError, timer } from 'rxjs';
import { ResponsesRxError } from '../errors';
import { type BackoffConfig, backoffDelay, resolveBackoff } from '../policies/backoff';

/** Configuration of {@link retryBeforeOutput}. */
export interface RetryBeforeOutputConfig extends BackoffConfig {
  /**
   * How many times the source may be subscribed again (so at most `maxRetries + 1` requests).
   * @defaultValue 2
   */
  readonly maxRetries?: number;
  /**
   * Which errors are worth another attempt.
   * @defaultValue every `ResponsesRxError` whose `retryable` is true: HTTP 408/409/429/5xx, a refused or reset
   *   connection, a stream closed or silent before its first event, a retryable `response.failed`
   */
  readonly shouldRetry?: (error: unknown) => boolean;
}

/**
 * Subscribes to the source again after a retryable error, but only while the source has emitted nothing: a request
 * that failed before its first event (HTTP 429 or 5xx, connection refused, closed before any event) is sent again,
 * after the server's `retryAfterMs` or an exponential backoff with jitter; once any event went out, an error passes
 * as it is, because sending the request again would start a different answer. Time goes through rxjs schedulers, so
 * `TestScheduler.run` controls it.
 *
 * ```
 * source:   --#                    (1st subscription: HTTP 503, nothing emitted)
 *                 --a--b--#        (2nd: an event, then a drop)
 * retryBeforeOutput({ initialDelayMs: 3, jitter: 0 })
 * result:   ----------a--b--#      (retried once after 3 ms; the drop after output is not retried)
 * ```
 *
 * ## Example
 * ```ts
 * import { retryBeforeOutput, streamResponse } from 'responses-rx';
 *
 * streamResponse({ model: 'gpt-5-mini', input: 'Say hello' })
 *   .pipe(retryBeforeOutput({ maxRetries: 3 }))
 *   .subscribe((event) => console.log(event.type));
 * ```
 *
 * @param config how many retries, which errors, and the backoff.
 * @returns an operator that mirrors the source, retrying it while it has emitted nothing.
 * @throws TypeError when the configuration is invalid.
 * @see resumeStream for background responses, which continue after output instead of starting over.
 */
export function retryBeforeOutput<T>(config: RetryBeforeOutputConfig = {}): MonoTypeOperatorFunction<T> {
  const backoff = resolveBackoff(config, 'retryBeforeOutput');
  const maxRetries = config.maxRetries ?? 2;
  if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new TypeError(`retryBeforeOutput: maxRetries must be an integer >= 0, got ${String(config.maxRetries)}`);
  }
  const shouldRetry = config.shouldRetry ?? isRetryable;
  if (typeof shouldRetry !== 'function') throw new TypeError('retryBeforeOutput: shouldRetry must be a function');
  return (source) =>
    defer(() => {
      let emitted = false;
      return source.pipe(
        tap(() => {
          emitted = true;
        }),
        retry({
          count: maxRetries,
          delay: (error: unknown, attempt) =>
            !emitted && shouldRetry(error) ? timer(backoffDelay(attempt, error, backoff)) : throwError(() => error),
        }),
      );
    });
}

function isRetryable(error: unknown): boolean {
  return error instanceof ResponsesRxError && error.retryable;
}
