import { NEVER, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { IdleTimeoutError, idleTimeout } from 'responses-rx';
import { createTestScheduler } from 'responses-rx/testing';
import { synchronousSource } from './support';

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
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('----a----b----c----|');
      expectObservable(source.pipe(idleTimeout({ each: 5 }))).toBe('----a----b----c----|');
      expectSubscriptions(source.subscriptions).toBe('^------------------!');
    });
  });

  it('fails with a retryable IdleTimeoutError that carries the silence allowed', () => {
    const errors: unknown[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('----------a|');
      source.pipe(idleTimeout(3)).subscribe({ error: (error: unknown) => errors.push(error) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IdleTimeoutError);
    expect(errors[0]).toMatchObject({ code: 'idle_timeout', retryable: true, idleMs: 3, name: 'IdleTimeoutError' });
  });

  it('watches several streams at once, each failing after its own silence', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // The slow one is watched first (its silence ends last); then one whose silence ends sooner, and one subscribed
      // later whose silence ends first of all: each fails on its own frame.
      const slow = cold('--a--------b|');
      const quick = cold('-a-----b|');
      const late = cold('-----a|');
      expectObservable(slow.pipe(idleTimeout(8))).toBe('--a-------#', undefined, new IdleTimeoutError(8));
      expectObservable(quick.pipe(idleTimeout(3))).toBe('-a--#', undefined, new IdleTimeoutError(3));
      expectObservable(late.pipe(idleTimeout(1)), '--^').toBe('---#', undefined, new IdleTimeoutError(1));
      expectSubscriptions(slow.subscriptions).toBe('^---------!');
      expectSubscriptions(quick.subscriptions).toBe('^---!');
      expectSubscriptions(late.subscriptions).toBe('--^!');
    });
  });

  it('times out in a run after an earlier run threw with a stream still watched', () => {
    expect(() =>
      createTestScheduler().run(() => {
        NEVER.pipe(idleTimeout(5)).subscribe({ error: () => undefined });
        throw new Error('the test failed here');
      }),
    ).toThrow('the test failed here');
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a------').pipe(idleTimeout(12))).toBe(
        '-a-----------#',
        undefined,
        new IdleTimeoutError(12),
      );
    });
  });

  it('is disabled by Infinity', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--------------------a|');
      expectObservable(source.pipe(idleTimeout(Infinity))).toBe('--------------------a|');
      expectSubscriptions(source.subscriptions).toBe('^--------------------!');
    });
  });

  it('rejects a bad configuration when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('--a--|');
      expect(() => source.pipe(idleTimeout(0))).toThrow(TypeError);
      expect(() => source.pipe(idleTimeout(-1))).toThrow(TypeError);
      expect(() => source.pipe(idleTimeout(Number.NaN))).toThrow(TypeError);
      expect(() => source.pipe(idleTimeout({} as { each: number }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
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

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) => index);
      expectObservable(source.pipe(idleTimeout(5), take(2))).toBe('(ab|)', { a: 0, b: 1 });
      scheduler.flush();
      expect(emitted).toEqual([0, 1]);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('a callback that throws downstream errors the stream, and leaves no timer behind', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error('consumer failed');
      const source = cold('--a--b--|');
      const result = source.pipe(
        idleTimeout(5),
        map(() => {
          throw error;
        }),
      );
      expectObservable(result).toBe('--#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });
});
