import { Observable, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectionError, HttpError, MalformedEventError, type ResponseEvent, StreamClosedError } from 'responses-rx';
import { retryBeforeOutput } from 'responses-rx/http';
import { createTestScheduler, events } from 'responses-rx/testing';
import { synchronousSource } from './support';

const v = { c: events.created(), a: events.textDelta('Hel'), C: events.completed() };
const noJitter = { initialDelayMs: 2, jitter: 0 };
const busy = (retryAfterMs?: number) => new HttpError({ status: 503, body: '', retryAfterMs });

describe('retryBeforeOutput', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('subscribes again after a retryable error while nothing was emitted, after the backoff', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      let calls = 0;
      const failing = cold('--#', v, busy());
      const working = cold('-c-a-C-|', v);
      const source = new Observable<ResponseEvent>((subscriber) =>
        (calls++ === 0 ? failing : working).subscribe(subscriber),
      );
      expectObservable(source.pipe(retryBeforeOutput(noJitter))).toBe('-----c-a-C-|', v);
      expectSubscriptions(failing.subscriptions).toBe('^-!');
      expectSubscriptions(working.subscriptions).toBe('----^------!');
    });
  });

  it('never retries once an event went out', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const drop = new StreamClosedError();
      const source = cold('-c-a-#', v, drop);
      expectObservable(source.pipe(retryBeforeOutput(noJitter))).toBe('-c-a-#', v, drop);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it("honours the server's retryAfterMs and backs off exponentially otherwise", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = new ConnectionError({ url: 'http://127.0.0.1:1/v1/responses' });
      const plan = [cold('#', v, busy(10)), cold('#', v, refused), cold('#', v, refused), cold('-C-|', v)];
      let calls = 0;
      const source = new Observable<ResponseEvent>((subscriber) => plan[calls++]!.subscribe(subscriber));
      // retry-after 10 (→10), then backoff attempt 2: 4 (→14), attempt 3: 8 (→22); C one frame later
      expectObservable(source.pipe(retryBeforeOutput({ ...noJitter, maxRetries: 3 }))).toBe('- 22ms C-|', v);
      expectSubscriptions(plan[1]!.subscriptions).toBe('----------(^!)');
    });
  });

  it('gives up after maxRetries, and never retries an error that is not retryable', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = busy();
      const failing = cold('#', v, error);
      expectObservable(failing.pipe(retryBeforeOutput({ ...noJitter, maxRetries: 2 }))).toBe('------#', v, error);
      expectSubscriptions(failing.subscriptions).toBe(['(^!)', '--(^!)', '------(^!)']);
      const malformed = new MalformedEventError({ raw: '{', reason: 'the data is not valid JSON' });
      const broken = cold('-#', v, malformed);
      expectObservable(broken.pipe(retryBeforeOutput(noJitter))).toBe('-#', v, malformed);
      expectSubscriptions(broken.subscriptions).toBe('^!');
    });
  });

  it('asks shouldRetry which errors to retry', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', v, new Error('custom'));
      const result = source.pipe(retryBeforeOutput({ ...noJitter, maxRetries: 1, shouldRetry: () => true }));
      expectObservable(result).toBe('----#', v, new Error('custom'));
      expectSubscriptions(source.subscriptions).toBe(['^!', '---^!']);
    });
  });

  it('unsubscribes early, also while waiting to retry', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', v, busy());
      expectObservable(source.pipe(retryBeforeOutput({ initialDelayMs: 5, jitter: 0 })), '^--!').toBe('---', v);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-C-|', v);
      const result = source.pipe(
        map((event) => event),
        retryBeforeOutput(noJitter),
        map((event) => event),
      );
      expectObservable(result, '^--!').toBe('-c-', v);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) => index);
      expectObservable(source.pipe(retryBeforeOutput(), take(2))).toBe('(ab|)', { a: 0, b: 1 });
      scheduler.flush();
      expect(emitted).toEqual([0, 1]);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('sends an exception thrown by shouldRetry to error()', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const oops = new Error('shouldRetry failed');
      const shouldRetry = () => {
        throw oops;
      };
      const source = cold('-#', v, busy());
      expectObservable(source.pipe(retryBeforeOutput({ shouldRetry }))).toBe('-#', v, oops);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('rejects a bad configuration when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-|', v);
      expect(() => source.pipe(retryBeforeOutput({ maxRetries: 1.5 }))).toThrow(TypeError);
      expect(() => source.pipe(retryBeforeOutput({ maxDelayMs: -1 }))).toThrow(TypeError);
      expect(() => source.pipe(retryBeforeOutput({ shouldRetry: 'yes' as never }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
