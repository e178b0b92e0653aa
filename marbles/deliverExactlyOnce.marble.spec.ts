import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { StreamClosedError, deliverExactlyOnce, recoverNothing } from 'responses-rx';
import type { FallbackPolicy, NormalizedEvent } from 'responses-rx';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { synchronousSource } from './support';

const message = items.message('msg_1', 'Hello');
const reasoning = items.reasoning('rs_1', 'Thinking');
const at = { itemId: 'msg_1', outputIndex: 1 };

const v: Record<string, NormalizedEvent> = {
  c: events.created(),
  t: events.textDelta('Hel', at),
  u: events.textDelta('lo', at),
  M: events.itemDone(message, 1),
  C: events.completed([reasoning, message]),
  r: events.itemDone(reasoning, 0, true),
};

describe('deliverExactlyOnce', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('recovers what did not stream at completed, then completes and unsubscribes at once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C-t-|', v);
      expectObservable(source.pipe(deliverExactlyOnce())).toBe('-c-t-u-M-(rC|)', v);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('delivers an item the stream re-sends once, and completed once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-M-M-C-C-|', v);
      expectObservable(source.pipe(deliverExactlyOnce(recoverNothing))).toBe('-c-M---(C|)', v);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('fails with StreamClosedError after what came when the source ends without completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-|', v);
      expectObservable(source.pipe(deliverExactlyOnce())).toBe('-c-t-#', v, new StreamClosedError());
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C-|', v);
      expectObservable(source.pipe(deliverExactlyOnce()), '^----!').toBe('-c-t-', v);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C-|', v);
      const result = source.pipe(
        map((event) => event),
        deliverExactlyOnce(),
        map((event) => event),
      );
      expectObservable(result, '^--!').toBe('-c-', v);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 0 ? (v['c'] as NormalizedEvent) : (v['t'] as NormalizedEvent),
      );
      expectObservable(source.pipe(deliverExactlyOnce(), take(2))).toBe('(ct|)', v);
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('stops listening to a synchronous source at completed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 0
          ? (v['c'] as NormalizedEvent)
          : index === 1
            ? (v['C'] as NormalizedEvent)
            : (v['t'] as NormalizedEvent),
      );
      expectObservable(source.pipe(deliverExactlyOnce())).toBe('(crmC|)', {
        ...v,
        m: events.itemDone(message, 1, true),
      });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('a callback that throws errors the stream', () => {
    const error = new Error('policy bug');
    const throwing: FallbackPolicy = () => {
      throw error;
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-C-t-|', v);
      expectObservable(source.pipe(deliverExactlyOnce(throwing))).toBe('-c-t-#', v, error);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('rejects a policy that is not a function when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-C-|', v);
      expect(() => source.pipe(deliverExactlyOnce('recoverMissing' as unknown as FallbackPolicy))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
