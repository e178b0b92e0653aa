import { type MonoTypeOperatorFunction, Observable, type Subscriber, type Subscription, asyncScheduler } from 'rxjs';
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
 * Time goes through the rxjs `asyncScheduler`, so `TestScheduler.run` controls it. No timer per value, nor per
 * stream: a value only records when it came, and one action on the scheduler, shared by every stream watched at once,
 * runs when the earliest of them could have gone silent, fails those whose silence lasted their time, and is
 * scheduled again for the rest. Nothing stays scheduled once no stream is watched.
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

/** When the last value came, in the `asyncScheduler`'s time: what a value sets, and the idle clock reads. */
export interface IdleWatch {
  last: number;
}

/** One watched subscriber: it fails once `each` ms passed since `last`. */
interface Watch extends IdleWatch {
  readonly each: number;
  readonly subscriber: Subscriber<unknown>;
}

/**
 * The idle timers of every subscriber watched at once, as ONE action on the `asyncScheduler` (so `TestScheduler.run`
 * controls it, and fake timers of `Date` and `setInterval` too), due when the earliest of them could have gone silent.
 * When it runs, it fails the subscribers whose silence lasted their `each` ms and is scheduled again for the earliest
 * of the rest. A subscriber joins and leaves with a set operation: a timer per stream cost a small stream about a
 * fifth of its time (`npm run bench`, final-only 4 KB), scheduling and clearing it while rxjs's and Node's timer code
 * was still warming up. When the last subscriber leaves, the action is cancelled a microtask later, unless another
 * joined meanwhile (the next stream of a loop): nothing stays scheduled once nothing is watched.
 */
const watches = new Set<Watch>();
/** The clock's action, when one is scheduled, and when it runs in the scheduler's time (`Infinity`: none). */
let clockAction: Subscription | undefined;
let clockDue = Infinity;

function armClock(due: number): void {
  if (clockAction !== undefined && clockDue <= due) return;
  clockAction?.unsubscribe();
  clockDue = due;
  clockAction = asyncScheduler.schedule(sweepClock, due - asyncScheduler.now()); // due is always ahead of now
}

function sweepClock(): void {
  clockAction = undefined;
  clockDue = Infinity;
  const now = asyncScheduler.now();
  let next = Infinity;
  for (const watch of watches) {
    const due = watch.last + watch.each;
    if (due > now) next = Math.min(next, due);
    else {
      watches.delete(watch);
      watch.subscriber.error(new IdleTimeoutError(watch.each));
    }
  }
  if (next !== Infinity) armClock(next);
}

function leaveClock(watch: Watch): void {
  watches.delete(watch);
  if (watches.size === 0) queueMicrotask(cancelIdleClock);
}

/** Cancels the clock's action when no subscriber joined since the last one left. */
function cancelIdleClock(): void {
  if (watches.size > 0 || clockAction === undefined) return;
  clockAction.unsubscribe();
  clockAction = undefined;
  clockDue = Infinity;
}

/**
 * Watches `subscriber` for {@link idleTimeout} (until it is torn down): it fails with `IdleTimeoutError` once `each`
 * ms passed since `watch.last`, which the caller sets on every value. All watched subscribers share one scheduled
 * action (see `watches`).
 *
 * @internal
 */
export function watchIdle(subscriber: Subscriber<unknown>, each: number): IdleWatch {
  const now = asyncScheduler.now();
  const watch: Watch = { last: now, each, subscriber };
  watches.add(watch);
  armClock(now + each);
  subscriber.add(() => leaveClock(watch));
  return watch;
}
