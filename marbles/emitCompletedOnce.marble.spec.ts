import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { StreamClosedError, emitCompletedOnce } from 'responses-rx';
import type { ResponseEvent } from 'responses-rx';
import { createTestScheduler, events } from 'responses-rx/testing';
import { synchronousSource } from './support';

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
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ResponseEvent>('|');
      expectObservable(source.pipe(emitCompletedOnce())).toBe('#', {}, new StreamClosedError());
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  it('passes a source error through unchanged', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error('boom');
      const source = cold('-a-#', values, error);
      expectObservable(source.pipe(emitCompletedOnce())).toBe('-a-#', values, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('raises a typed, retryable error', () => {
    const errors: unknown[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-a-|', values);
      source.pipe(emitCompletedOnce()).subscribe({ error: (error: unknown) => errors.push(error) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StreamClosedError);
    expect(errors[0]).toMatchObject({ code: 'stream_closed', retryable: true, name: 'StreamClosedError' });
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

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => values.a);
      expectObservable(source.pipe(emitCompletedOnce(), take(2))).toBe('(aa|)', values);
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('stops listening to a synchronous source at completed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 2 ? values.C : values.a,
      );
      expectObservable(source.pipe(emitCompletedOnce())).toBe('(aaC|)', values);
      scheduler.flush();
      expect(emitted).toHaveLength(3);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('an exception while handling an event errors the stream', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-x-C-|', { ...values, x: null as unknown as ResponseEvent });
      expectObservable(source.pipe(emitCompletedOnce())).toBe('-a-#', values, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
