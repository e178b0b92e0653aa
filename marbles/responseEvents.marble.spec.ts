import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { IdleTimeoutError, StreamClosedError, responseEvents } from 'responses-rx';
import type { FallbackPolicy, ResponseEvent } from 'responses-rx';
import { createTestScheduler, events, items, toSseText, wire } from 'responses-rx/testing';
import { synchronousSource } from './support';

const reasoning = items.reasoning('rs_1', 'Pondering');
const message = items.message('msg_1', 'Hello');
const at = { itemId: 'msg_1', outputIndex: 1 };

/** SSE text chunks, as a network delivers them. */
const chunks = {
  c: toSseText([wire.created()]),
  t: toSseText([wire.textDelta('Hel', at)]),
  u: toSseText([wire.textDelta('lo', at)]),
  M: toSseText([wire.outputItemDone(message, 1)]),
  C: toSseText([wire.completed([reasoning, message])]),
  F: toSseText([wire.completed([message])]),
  k: ': keep-alive\n\n',
  h: 'data: {"type":"response.output_text.delta","delta":"Hi"}', // half an event: no blank line yet
  x: '\n\n',
};

const e: Record<string, ResponseEvent> = {
  c: events.created(),
  t: events.textDelta('Hel', at),
  u: events.textDelta('lo', at),
  M: events.itemDone(message, 1),
  r: events.itemDone(reasoning, 0, true),
  m: events.itemDone(message, 1, true),
  C: events.completed([reasoning, message]),
};
// normalizeWireEvent reads usage as undefined when absent: the builders agree.

describe('responseEvents (the whole pipeline, in virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('streams deltas as they arrive and recovers the reasoning that never streamed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C-------|', chunks);
      expectObservable(responseEvents(source, { idleTimeoutMs: 5 })).toBe('-c-t-u-M-(rC|)', e);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('recovers the whole answer on a final-only provider the moment completed arrives', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c---C', chunks);
      expectObservable(responseEvents(source, { idleTimeoutMs: 50 })).toBe('-c---(rmC|)', e);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('ignores bytes after response.completed and unsubscribes at once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C-t-F-|', chunks);
      expectObservable(responseEvents(source)).toBe('-c-(rmC|)', e);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with StreamClosedError after delivering what came when the stream ends without completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-|', chunks);
      expectObservable(responseEvents(source)).toBe('-c-t-u-#', e, new StreamClosedError());
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('wraps a failing source (a reset connection) in StreamClosedError with the cause', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const errors: StreamClosedError[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-#', chunks, reset);
      expectObservable(responseEvents(source)).toBe('-c-t-#', e, new StreamClosedError({ cause: reset }));
      expectSubscriptions(source.subscriptions).toBe('^----!');
      const failing = cold('-#', chunks, reset);
      responseEvents(failing).subscribe({ error: (err: StreamClosedError) => errors.push(err) });
      expectSubscriptions(failing.subscriptions).toBe('^!');
    });
    expect(errors[0]).toBeInstanceOf(StreamClosedError);
    expect(errors[0]).toMatchObject({ code: 'stream_closed', retryable: true, cause: reset });
  });

  it('fails with IdleTimeoutError when nothing arrives before the first event', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('----------c', chunks);
      expectObservable(responseEvents(source, { idleTimeoutMs: 5 })).toBe('-----#', e, new IdleTimeoutError(5));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('fails with IdleTimeoutError when the stream goes silent after the first events', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t---------u-C', chunks);
      expectObservable(responseEvents(source, { idleTimeoutMs: 5 })).toBe('-c-t----#', e, new IdleTimeoutError(5));
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('counts comments as activity, so keep-alives hold a slow stream open', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c---k---k---k---C', chunks);
      expectObservable(responseEvents(source, { idleTimeoutMs: 5 })).toBe('-c---------------(rmC|)', e);
      expectSubscriptions(source.subscriptions).toBe('^----------------!');
    });
  });

  it('emits an event in the chunk that completes its bytes, not before', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-h-x-C', chunks);
      const result = responseEvents(source).pipe(map((event) => event.type));
      expectObservable(result).toBe('-c---t-(rmC|)', {
        c: 'created',
        t: 'outputTextDelta',
        r: 'outputItemDone',
        m: 'outputItemDone',
        C: 'completed',
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C', chunks);
      expectObservable(responseEvents(source), '^----!').toBe('-c-t-', e);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-M-C', chunks);
      const result = responseEvents(source.pipe(map((x) => x))).pipe(map((x) => x));
      expectObservable(result, '^--!').toBe('-c-', e);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 0 ? chunks.c : chunks.t,
      );
      expectObservable(responseEvents(source).pipe(take(2))).toBe('(ct|)', e);
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('stops listening to a synchronous source at response.completed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 0 ? chunks.c : index === 1 ? chunks.C : chunks.t,
      );
      expectObservable(responseEvents(source)).toBe('(crmC|)', e);
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
      const source = cold('-c-t-C-t-|', chunks);
      expectObservable(responseEvents(source, { fallback: throwing })).toBe('-c-t-#', e, error);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });
});
