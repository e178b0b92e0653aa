/**
 * The plumbing of the hand-written operators: an inner subscription that belongs to the outer subscriber.
 *
 * @module
 */
import { type Observable, type Observer, type Subscriber, Subscription } from 'rxjs';

/** What a hand-written operator does with each notification of its source; a missing handler forwards it. */
export interface InnerObserver<T> {
  readonly next: (value: T) => void;
  readonly error?: (error: unknown) => void;
  readonly complete?: () => void;
}

/**
 * Subscribes `handlers` to `source` as a part of `destination`:
 * - the inner subscription is added to `destination` BEFORE the source starts, so the moment `destination` closes
 *   (its consumer unsubscribed, or a handler completed or errored it) the source sees `subscriber.closed` — a
 *   synchronous source that emits in a loop stops there, instead of running to its end before `subscribe` returns;
 * - an exception thrown by a handler goes to `destination.error`, never up into the source nor to the process;
 * - after the source's `error` or `complete`, or once closed, nothing more reaches the handlers.
 *
 * It works with public rxjs only: `Observable.subscribe` hands an object that is both an Observer and a Subscription
 * to the source as its subscriber, unwrapped.
 *
 * @param destination the subscriber of the operator's output.
 * @param source the operator's input.
 * @param handlers what to do with each notification; `error` and `complete` default to forwarding to `destination`.
 */
export function subscribeWithin<T>(
  destination: Subscriber<unknown>,
  source: Observable<T>,
  handlers: InnerObserver<T>,
): void {
  const inner = new InnerSubscriber(destination, handlers);
  destination.add(inner);
  source.subscribe(inner);
}

class InnerSubscriber<T> extends Subscription implements Observer<T> {
  private stopped = false;
  private readonly onNext: (value: T) => void;
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly onComplete: (() => void) | undefined;

  constructor(
    private readonly destination: Subscriber<unknown>,
    handlers: InnerObserver<T>,
  ) {
    super();
    this.onNext = handlers.next;
    this.onError = handlers.error;
    this.onComplete = handlers.complete;
  }

  next(value: T): void {
    if (this.stopped || this.closed) return;
    try {
      this.onNext(value);
    } catch (error) {
      this.destination.error(error);
    }
  }

  error(error: unknown): void {
    if (this.stopped || this.closed) return;
    this.stopped = true;
    try {
      if (this.onError === undefined) this.destination.error(error);
      else this.onError(error);
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  complete(): void {
    if (this.stopped || this.closed) return;
    this.stopped = true;
    try {
      if (this.onComplete === undefined) this.destination.complete();
      else this.onComplete();
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }
}
