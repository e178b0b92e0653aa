import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { EventTooLargeError, ProtocolMismatchError, fromSSE } from 'responses-rx';
import type { SseChunk, SseMessage } from 'responses-rx';
import { createTestScheduler } from 'responses-rx/testing';
import { synchronousSource } from './support';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Chunks as a network may cut them. */
const chunks: Record<string, SseChunk> = {
  a: 'data: a\n\n',
  h: 'data: hal', // half an event
  f: 'f\n\n', // the rest of it
  p: ': ping\n\n',
  b: 'data: b', // a last event whose blank line never comes
  e: bytes('\u20ac'.slice(0, 1)).subarray(0, 0), // an empty chunk
  u: bytes('data: \u20ac').subarray(0, 7), // "data: " and the first byte of the euro sign
  v: bytes('data: \u20ac\n\n').subarray(7), // its last two bytes and the blank line
  H: '<!DOCTYPE html>\n',
};

const m: Record<string, SseMessage> = {
  a: { type: 'event', data: 'a', event: undefined, id: undefined },
  h: { type: 'event', data: 'half', event: undefined, id: undefined },
  p: { type: 'comment', comment: 'ping' },
  b: { type: 'event', data: 'b', event: undefined, id: undefined, unterminated: true },
  u: { type: 'event', data: '\u20ac', event: undefined, id: undefined },
};

describe('fromSSE', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('emits each message in the chunk that completes it, comments included', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-h-f-p-|', chunks);
      expectObservable(fromSSE(source)).toBe('-a---h-p-|', m);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('keeps a character split across byte chunks whole, and ignores empty chunks', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-u-e-v-|', chunks);
      expectObservable(fromSSE(source)).toBe('-----u-|', m);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('dispatches a last event whose blank line never came when the source completes, marked unterminated', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|', chunks);
      expectObservable(fromSSE(source)).toBe('-a---(b|)', m);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('fails with ProtocolMismatchError on an HTML page, and unsubscribes the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-H-a-|', chunks);
      expectObservable(fromSSE(source)).toBe('-#', m, expect.any(ProtocolMismatchError));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('fails with EventTooLargeError when an unfinished line outgrows the memory backstop, and unsubscribes', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // 16, 32, 48 characters buffered: past 2 * 20 + 7 at the third chunk (any line that long is over the limit).
      const source = cold('-a-x-x-x-x-|', { ...chunks, x: 'data: 0123456789' });
      expectObservable(fromSSE(source, { maxEventSize: 20 })).toBe('-a-----#', m, new EventTooLargeError(20));
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('fails with EventTooLargeError in the chunk that completes an event over maxEventSize, one chunk or many', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const over = { ...chunks, w: 'data: 0123456789012345678901\n\n', y: 'data: 01234567890', z: '12345678901\n\n' };
      const whole = cold('-a-w-a-|', over);
      expectObservable(fromSSE(whole, { maxEventSize: 21 })).toBe('-a-#', m, new EventTooLargeError(21));
      expectSubscriptions(whole.subscriptions).toBe('^--!');
      const split = cold('-a-y-z-a-|', over);
      expectObservable(fromSSE(split, { maxEventSize: 21 })).toBe('-a---#', m, new EventTooLargeError(21));
      expectSubscriptions(split.subscriptions).toBe('^----!');
      const atLimit = cold('-w-|', over);
      expectObservable(fromSSE(atLimit, { maxEventSize: 22 })).toBe('-b-|', {
        b: { type: 'event', data: '0123456789012345678901', event: undefined, id: undefined },
      });
    });
  });

  it('passes a source error through', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error('socket hang up');
      const source = cold('-a-#', chunks, error);
      expectObservable(fromSSE(source)).toBe('-a-#', m, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a bad maxEventSize when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-a-|', chunks);
      expect(() => fromSSE(source, { maxEventSize: 0 })).toThrow(TypeError);
      expect(() => fromSSE(source, { maxEventSize: 1.5 })).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-p-a-|', chunks);
      expectObservable(fromSSE(source), '^--!').toBe('-a-', m);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-p-a-|', chunks);
      const result = fromSSE(source.pipe(map((chunk) => chunk))).pipe(map((message) => message));
      expectObservable(result, '^----!').toBe('-a-p-', m);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => chunks['a'] as SseChunk);
      expectObservable(fromSSE(source).pipe(take(2))).toBe('(aa|)', m);
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('an exception while reading a chunk errors the stream', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // Neither bytes nor text: decoding it throws (Node's TypeError, from another realm than the test's).
      const source = cold('-a-x-a-|', { ...chunks, x: 42 as unknown as SseChunk });
      expectObservable(fromSSE(source)).toBe('-a-#', m, expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
