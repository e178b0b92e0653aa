/**
 * What the marble suites share: rxjs's own "synchronous source" case (spec/operators/takeWhile-spec.ts in rxjs 7.x).
 */
import { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';

/** A subscription of a {@link synchronousSource}, in the shape `expectSubscriptions` compares. */
export interface SubscriptionFrames {
  readonly subscribedFrame: number;
  unsubscribedFrame: number;
}

/**
 * A source that emits synchronously, in a loop, until its subscriber is closed (at most `max` values), as rxjs's
 * own specs write it: `emitted` counts what it emitted, so an operator that keeps pulling after its consumer left
 * shows up as a longer list; `subscriptions` logs the virtual frames for `expectSubscriptions`.
 *
 * @param scheduler the scheduler of the test (its virtual clock stamps the subscriptions).
 * @param valueAt the i-th value (0-based).
 * @param max the most values it emits when nothing closes it.
 */
export function synchronousSource<T>(
  scheduler: TestScheduler,
  valueAt: (index: number) => T,
  max = 10,
): { readonly source: Observable<T>; readonly emitted: T[]; readonly subscriptions: SubscriptionFrames[] } {
  const emitted: T[] = [];
  const subscriptions: SubscriptionFrames[] = [];
  const source = new Observable<T>((subscriber) => {
    const frames: SubscriptionFrames = { subscribedFrame: scheduler.now(), unsubscribedFrame: Infinity };
    subscriptions.push(frames);
    for (let index = 0; !subscriber.closed && index < max; index++) {
      const value = valueAt(index);
      emitted.push(value);
      subscriber.next(value);
    }
    return () => {
      frames.unsubscribedFrame = scheduler.now();
    };
  });
  return { source, emitted, subscriptions };
}
