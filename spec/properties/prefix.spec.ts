/**
 * Property: the events of any prefix of a stream are a prefix of the full stream's events. Nothing is emitted early
 * (before the bytes that justify it arrived), and a cut stream ends in a typed error, never in a clean completion.
 */
import fc from 'fast-check';
import { Subject } from 'rxjs';
import {
  MalformedEventError,
  type ResponseEvent,
  type SseMessage,
  StreamClosedError,
  fromSSE,
  responseEvents,
} from '../../lib';
import { configureFastCheck, runSync } from '../proof';
import { stream } from './arbitraries';
import { from } from 'rxjs';

configureFastCheck();

const encoder = new TextEncoder();

/** What a consumer has seen once `bytes` arrived, the connection still open. */
function seenWhileOpen<T>(
  pipeline: (source: Subject<Uint8Array>) => import('rxjs').Observable<T>,
  bytes: Uint8Array,
): T[] {
  const source = new Subject<Uint8Array>();
  const seen: T[] = [];
  const subscription = pipeline(source).subscribe({ next: (value) => seen.push(value), error: () => undefined });
  source.next(bytes);
  subscription.unsubscribe();
  return seen;
}

describe('prefixes (property)', () => {
  const cutStream = stream.chain((s) => {
    const bytes = encoder.encode(s.text);
    return fc.tuple(fc.constant(bytes), fc.integer({ min: 0, max: bytes.length }));
  });

  it('emits, for any prefix still open, a prefix of the full stream events', () => {
    fc.assert(
      fc.property(cutStream, ([bytes, cut]) => {
        const full = runSync(responseEvents(from([bytes]), { idleTimeoutMs: Infinity })).values;
        const partial = seenWhileOpen<ResponseEvent>(
          (s) => responseEvents(s, { idleTimeoutMs: Infinity }),
          bytes.subarray(0, cut),
        );
        expect(partial).toEqual(full.slice(0, partial.length));
      }),
      { numRuns: 150 },
    );
  });

  it('emits, for any prefix still open, a prefix of the full stream SSE messages', () => {
    fc.assert(
      fc.property(cutStream, ([bytes, cut]) => {
        const full = runSync(fromSSE(from([bytes]))).values;
        const partial = seenWhileOpen<SseMessage>((s) => fromSSE(s), bytes.subarray(0, cut));
        expect(partial).toEqual(full.slice(0, partial.length));
      }),
      { numRuns: 150 },
    );
  });

  it('ends a stream cut at any point with its events so far and a typed error, or exactly as the full stream', () => {
    fc.assert(
      fc.property(cutStream, ([bytes, cut]) => {
        const full = runSync(responseEvents(from([bytes]), { idleTimeoutMs: Infinity }));
        const cutShort = runSync(responseEvents(from([bytes.subarray(0, cut)]), { idleTimeoutMs: Infinity }));
        expect(cutShort.terminals).toBe(1);
        expect(cutShort.values).toEqual(full.values.slice(0, cutShort.values.length));
        if (cutShort.completed) {
          // Only once response.completed arrived whole: then everything is there.
          expect(cutShort.values).toEqual(full.values);
        } else {
          // Cut before or inside an event: StreamClosedError, or MalformedEventError for a cut JSON (issue 2).
          expect(cutShort.error instanceof StreamClosedError || cutShort.error instanceof MalformedEventError).toBe(
            true,
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
