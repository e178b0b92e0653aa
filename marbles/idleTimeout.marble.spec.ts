import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { IdleTimeoutError, idleTimeout } from 'responses-rx';
import { createTestScheduler } from 'responses-rx/testing';

describe('idleTimeout', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('mirrors a source that never goes silent for the time allowed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b----c|');
      expectObservable(source.pipe(idleTimeout(5))).toBe('--a--b----c|');
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('fails with IdleTimeoutError when nothing arrives before the first value', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-------a|');
      expectObservable(source.pipe(idleTimeout(5))).toBe('-----#', {}, new IdleTimeoutError(5));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('fails with IdleTimeoutError when the stream goes silent after the first values', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b---------c--|');
      expectObservable(source.pipe(idleTimeout(5))).toBe('--a--b----#', undefined, new IdleTimeoutError(5));
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('restarts the clock on every value, so a slow but steady stream lives', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('----a----b----c----|');
      expectObservable(source.pipe(idleTimeout({ each: 5 }))).toBe('----a----b----c----|');
    });
  });

  it('carries the silence allowed and is retryable', () => {
    const error = new IdleTimeoutError(300);
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect(error).toMatchObject({ code: 'idle_timeout', retryable: true, idleMs: 300 });
  });

  it('is disabled by Infinity', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('--------------------a|').pipe(idleTimeout(Infinity))).toBe('--------------------a|');
    });
  });

  it('rejects a bad configuration when created', () => {
    expect(() => idleTimeout(0)).toThrow(TypeError);
    expect(() => idleTimeout(-1)).toThrow(TypeError);
    expect(() => idleTimeout(Number.NaN)).toThrow(TypeError);
    expect(() => idleTimeout({} as { each: number })).toThrow(TypeError);
  });

  it('unsubscribes early and leaves no timer behind', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b--c--|');
      expectObservable(source.pipe(idleTimeout(5)), '^----!').toBe('--a--');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--b--c--|');
      const result = source.pipe(
        map((x) => x),
        idleTimeout(5),
        map((x) => x),
      );
      expectObservable(result, '^---!').toBe('--a-');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });
});
