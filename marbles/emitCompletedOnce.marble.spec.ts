import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { StreamClosedError, emitCompletedOnce } from 'responses-rx';
import type { ResponseEvent } from 'responses-rx';
import { createTestScheduler, events } from 'responses-rx/testing';

describe('emitCompletedOnce', () => {
  let scheduler: TestScheduler;
  const values = {
    c: events.created(),
    a: events.textDelta('Hel'),
    b: events.textDelta('lo'),
    C: events.completed(),
  };
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits completed the moment response.completed arrives and completes without waiting for the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-b-C-------|', values);
      const subs = '       ^------!';
      expectObservable(source.pipe(emitCompletedOnce())).toBe('-c-a-b-(C|)', values);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('emits completed once when response.completed is followed by more events and a second completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-C-b-C-|', values);
      expectObservable(source.pipe(emitCompletedOnce())).toBe('-a-(C|)', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with StreamClosedError after delivering what came when the source ends without completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-b-|', values);
      expectObservable(source.pipe(emitCompletedOnce())).toBe('-c-a-b-#', values, new StreamClosedError());
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('fails with StreamClosedError on an empty source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ResponseEvent>('|').pipe(emitCompletedOnce())).toBe('#', {}, new StreamClosedError());
    });
  });

  it('passes a source error through unchanged', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      expectObservable(cold('-a-#', values, error).pipe(emitCompletedOnce())).toBe('-a-#', values, error);
    });
  });

  it('raises a typed, retryable error', () => {
    const error = new StreamClosedError();
    expect(error).toBeInstanceOf(StreamClosedError);
    expect(error).toMatchObject({ code: 'stream_closed', retryable: true, name: 'StreamClosedError' });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-b-C-|', values);
      expectObservable(source.pipe(emitCompletedOnce()), '^---!').toBe('-c-a-', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-b-C-|', values);
      const result = source.pipe(
        map((event) => event),
        emitCompletedOnce(),
        map((event) => event),
      );
      expectObservable(result, '^--!').toBe('-c-', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
