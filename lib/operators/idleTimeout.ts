import { type MonoTypeOperatorFunction, Observable, asyncScheduler } from 'rxjs';
import { IdleTimeoutError } from '../errors';
import { subscribeWithin } from '../util/subscribeWithin';

/** Configuration of {@link idleTimeout}. */
export interface IdleTimeoutConfig {
  /**
   * The longest silence allowed, in milliseconds, before the first value and between values. `Infinity` disables
   * the timeout.
   */
  readonly each: number;
}

/**
 * Fails the stream with `IdleTimeoutError` when no value arrives for `each` milliseconds, before the first value or
 * between two. Applied to raw chunks, every byte counts, so SSE comments and keep-alives keep a slow stream alive.
 *
 * Time goes through the rxjs `asyncScheduler`, so `TestScheduler.run` controls it. One timer per silence, not one per
 * value: a value only records when it came, and the timer, when it fires, either fails the stream (the silence
 * lasted `each` ms) or sleeps for the rest of the current silence — cheap when values are small and many.
 *
 * ```
 * source:   --a--b---------c--|
 * idleTimeout(5)
 * result:   --a--b-----#          (# = IdleTimeoutError)
 * ```
 *
 * ## Example
 * ```ts
 * import { idleTimeout } from 'responses-rx';
 *
 * chunks$.pipe(idleTimeout(30_000)).subscribe({ error: (e) => e.code === 'idle_timeout' && retry() });
 * ```
 *
 * @param config the silence allowed in milliseconds, or an {@link IdleTimeoutConfig}.
 * @returns an operator that mirrors the source until it goes silent.
 * @throws TypeError when the time is not a positive number.
 */
export function idleTimeout<T>(config: number | IdleTimeoutConfig): MonoTypeOperatorFunction<T> {
  const each = typeof config === 'number' ? config : config?.each;
  if (typeof each !== 'number' || Number.isNaN(each) || each <= 0) {
    throw new TypeError(
      `idleTimeout: the silence allowed must be a positive number of milliseconds, got ${String(each)}`,
    );
  }
  if (each === Infinity) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      let last = asyncScheduler.now();
      const timer = asyncScheduler.schedule(function () {
        const silence = asyncScheduler.now() - last;
        if (silence >= each) subscriber.error(new IdleTimeoutError(each));
        else this.schedule(undefined, each - silence);
      }, each);
      subscriber.add(timer);
      subscribeWithin(subscriber, source, {
        next: (value) => {
          last = asyncScheduler.now();
          subscriber.next(value);
        },
      });
    });
}
