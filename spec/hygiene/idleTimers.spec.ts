/**
 * The idle timer of each stream belongs to the clock that was in effect when the stream was subscribed: fake timers
 * switched back to real ones, or a `TestScheduler.run`, never leave another stream without its timeout (each stream
 * has its own timer; a single timer shared by every stream went stale across these switches).
 */
import { NEVER, Subject } from 'rxjs';
import { IdleTimeoutError, idleTimeout } from 'responses-rx';
import { createTestScheduler } from 'responses-rx/testing';
import { until } from '../support';

afterEach(() => {
  jest.useRealTimers();
});

describe('idle timers across fake timers and test-scheduler runs', () => {
  it('times out a stream on real timers after a stream watched under fake timers was left subscribed', async () => {
    jest.useFakeTimers();
    const left = NEVER.pipe(idleTimeout(60_000)).subscribe({ error: () => undefined });
    jest.useRealTimers();
    let error: unknown;
    const subscription = NEVER.pipe(idleTimeout(20)).subscribe({ error: (e: unknown) => (error = e) });
    await until(() => error !== undefined, 'the real-time stream to time out');
    expect(error).toBeInstanceOf(IdleTimeoutError);
    subscription.unsubscribe();
    left.unsubscribe();
  });

  it('times out a stream under fake timers after one that completed under fake timers before', () => {
    jest.useFakeTimers();
    const first = new Subject<number>();
    first.pipe(idleTimeout(60_000)).subscribe();
    first.next(1);
    first.complete();
    jest.useRealTimers();
    jest.useFakeTimers();
    let error: unknown;
    NEVER.pipe(idleTimeout(60_000)).subscribe({ error: (e: unknown) => (error = e) });
    jest.advanceTimersByTime(60_001);
    expect(error).toBeInstanceOf(IdleTimeoutError);
  });

  it('leaves a real-time stream its own timeout while a test-scheduler run moves virtual time', async () => {
    let realError: unknown;
    const real = NEVER.pipe(idleTimeout(50)).subscribe({ error: (e: unknown) => (realError = e) });
    const started = Date.now();
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a------').pipe(idleTimeout(5))).toBe('-a----#', undefined, new IdleTimeoutError(5));
    });
    // The run's five virtual frames did not time out the real stream; its own 50 ms do.
    expect(realError === undefined || Date.now() - started >= 50).toBe(true);
    await until(() => realError !== undefined, 'the real-time stream to time out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(49);
    real.unsubscribe();
  });
});
