import { type MonoTypeOperatorFunction, defer, takeWhile, tap } from 'rxjs';
import { StreamClosedError } from '../errors';
import type { ResponseEvent } from '../events';

/**
 * Emits `completed` exactly once, the moment it arrives, then completes and unsubscribes the source (no waiting for
 * the connection to close; anything after is ignored). A source that ends without `completed` fails with
 * `StreamClosedError` after everything that came was delivered.
 *
 * ```
 * source:   --a--b--C--x--C--|
 * emitCompletedOnce()
 * result:   --a--b--(C|)
 *
 * source:   --a--b--|
 * emitCompletedOnce()
 * result:   --a--b--#            (# = StreamClosedError)
 * ```
 *
 * ## Example
 * ```ts
 * import { emitCompletedOnce } from 'responses-rx';
 *
 * events$.pipe(emitCompletedOnce()).subscribe({ complete: () => console.log('done, exactly once') });
 * ```
 *
 * @returns an operator that ends the stream at its first `completed`.
 */
export function emitCompletedOnce<E extends ResponseEvent>(): MonoTypeOperatorFunction<E> {
  return (source) =>
    defer(() => {
      let completed = false;
      return source.pipe(
        takeWhile((event) => !(completed = event.type === 'completed'), true),
        tap({
          complete: () => {
            if (!completed) throw new StreamClosedError();
          },
        }),
      );
    });
}
