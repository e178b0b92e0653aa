import { type MonoTypeOperatorFunction, Observable, type Subscriber, asyncScheduler } from 'rxjs';
import { IdleTimeoutError } from '../errors';
import { checkDuration } from '../util/duration';
import { subscribeWithin } from '../util/subscribeWithin';

/** Configuration of {@link idleTimeout}. */
export interface IdleTimeoutConfig {
  /**
   * The longest silence allowed, in milliseconds (at most 2^31 − 1, the longest a timer waits), before the first
   * value and between values. `Infinity` disables the timeout.
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
 * @throws TypeError when the time is not a number of milliseconds from 1 to 2^31 − 1 (the longest a timer waits), or
 *   `Infinity`.
 */
export function idleTimeout<T>(config: number | IdleTimeoutConfig): MonoTypeOperatorFunction<T> {
  const each = idleTimeOf(config);
  if (each === Infinity) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      const watch = watchIdle(subscriber, each);
      subscribeWithin(subscriber, source, {
        next: (value) => {
          watch.last = asyncScheduler.now();
          subscriber.next(value);
        },
      });
    });
}

/**
 * The silence allowed by an {@link idleTimeout} config, checked when the operator is created.
 *
 * @internal
 * @throws TypeError when the time is not a number of milliseconds from 1 to 2^31 − 1, or `Infinity`.
 */
export function idleTimeOf(config: number | IdleTimeoutConfig): number {
  return checkDuration(
    typeof config === 'number' ? config : config?.each,
    'idleTimeout: the silence allowed (idleTimeoutMs)',
    { zero: false, infinity: 'disable the timeout' },
  );
}

/** When the last value came, in the `asyncScheduler`'s time: what a value sets, and the idle timer reads. */
export interface IdleWatch {
  last: number;
}

/**
 * Starts the idle timer of {@link idleTimeout} on `subscriber` (torn down with it): one timer per silence, which fails
 * the subscriber with `IdleTimeoutError` once `each` ms passed since `watch.last`. The caller sets `last` on every
 * value.
 *
 * @internal
 */
export function watchIdle(subscriber: Subscriber<unknown>, each: number): IdleWatch {
  const watch: IdleWatch = { last: asyncScheduler.now() };
  subscriber.add(
    asyncScheduler.schedule(function () {
      const silence = asyncScheduler.now() - watch.last;
      if (silence >= each) subscriber.error(new IdleTimeoutError(each));
      else this.schedule(undefined, each - silence);
    }, each),
  );
  return watch;
}
