/**
 * Every exception thrown while an event is handled — in a policy, a callback or the operators' own code — reaches the
 * subscriber's `error()`: never the process as an uncaught exception, never hidden behind a normal completion or
 * another error (issue 9, defect 2).
 */
import { config, of } from 'rxjs';
import {
  type FallbackPolicy,
  type NormalizedEvent,
  StreamClosedError,
  type WireItem,
  fallbackFromCompleted,
  responseEvents,
  trackStreamedKinds,
} from '../../lib';
import { events, items, toSseText, wire } from '../../lib/testing';
import { runSync } from '../proof';

describe('exceptions reach error()', () => {
  const unhandled: unknown[] = [];
  let previous: typeof config.onUnhandledError;
  beforeEach(() => {
    unhandled.length = 0;
    previous = config.onUnhandledError;
    config.onUnhandledError = (error) => unhandled.push(error);
  });
  afterEach(() => {
    config.onUnhandledError = previous;
  });
  /** rxjs reports an unhandled error on a later timer; one queued after it runs after it. */
  const afterUnhandledReports = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

  const message = items.message('msg_1', 'Hello');
  const withoutItem = (() => [{ outputIndex: 0 }]) as unknown as FallbackPolicy;

  it('responseEvents reports the TypeError of a policy returning a candidate without item', async () => {
    const text = toSseText([wire.created(), wire.completed([message])]);
    const result = runSync(responseEvents(text, { idleTimeoutMs: Infinity, fallback: withoutItem }));
    await afterUnhandledReports();
    expect(result.error).toBeInstanceOf(TypeError);
    expect(result.error).not.toBeInstanceOf(StreamClosedError);
    expect(result.terminals).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('fallbackFromCompleted alone errors, instead of completing, when the policy result throws', async () => {
    const source = of(events.created(), events.completed([message]) as NormalizedEvent);
    const result = runSync(source.pipe(trackStreamedKinds(), fallbackFromCompleted(withoutItem)));
    await afterUnhandledReports();
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(TypeError);
    expect(result.values).toEqual([events.created()]);
    expect(unhandled).toEqual([]);
  });

  it('trackStreamedKinds alone errors, instead of completing, when recording an event throws', async () => {
    const broken = { type: 'outputItemAdded', item: null as unknown as WireItem, outputIndex: 0 } as NormalizedEvent;
    const result = runSync(
      of(events.created() as NormalizedEvent, broken, events.completed()).pipe(trackStreamedKinds()),
    );
    await afterUnhandledReports();
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(TypeError);
    expect(result.values.map(({ event }) => event.type)).toEqual(['created']);
    expect(unhandled).toEqual([]);
  });
});
