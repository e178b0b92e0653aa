/**
 * Property (issue 13): a background response's stream cut at any byte — at an event boundary, inside an event,
 * inside a multi-byte character — by a clean close or a reset, and resumed after the last delivered sequence number
 * (possibly several times), yields exactly the events of the uninterrupted run: nothing lost, nothing twice, nothing
 * recovered again.
 */
import fc from 'fast-check';
import { Observable } from 'rxjs';
import {
  type NormalizedEvent,
  type ResponseEvent,
  type SseChunk,
  deliverExactlyOnce,
  normalizedEventsOf,
} from '../../lib';
import { resumeStream } from '../../lib/http';
import { type WireJson, createTestScheduler } from '../../lib/testing';
import { configureFastCheck, runSync } from '../proof';
import { framing, frame, output, shape, shapedEvents } from './arbitraries';

configureFastCheck();

const encoder = new TextEncoder();

/** Where one connection breaks: a byte offset (taken modulo its length + 1) and how (clean close or reset). */
const cut = fc.record({ at: fc.nat({ max: 5000 }), reset: fc.boolean() });

const scenario = fc.record({
  output,
  shape,
  framing,
  cuts: fc.array(cut, { minLength: 1, maxLength: 6 }),
});

describe('resume (property)', () => {
  it('equals the uninterrupted run event for event, wherever and however often the connection is cut', () => {
    fc.assert(
      fc.property(scenario, ({ output: out, shape: s, framing: f, cuts }) => {
        const events: WireJson[] = shapedEvents(out, s, f.deltaSize).map((event, index) => ({
          ...event,
          sequence_number: index,
        }));
        const bytesAfter = (after: number | undefined): Uint8Array =>
          encoder.encode(
            frame(after === undefined ? events : events.filter((e) => (e['sequence_number'] as number) > after), f),
          );

        let connections = 0;
        /** Connection k serves the events after the cursor, cut as `cuts[k]` says (whole once the cuts run out). */
        const connect = (after: number | undefined): Observable<NormalizedEvent> => {
          const bytes = bytesAfter(after);
          const plan = cuts[connections++];
          const source = new Observable<SseChunk>((subscriber) => {
            if (plan === undefined) {
              subscriber.next(bytes);
              subscriber.complete();
              return;
            }
            const at = plan.at % (bytes.length + 1);
            if (at > 0) subscriber.next(bytes.subarray(0, at));
            if (plan.reset) subscriber.error(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
            else subscriber.complete();
          });
          return normalizedEventsOf(source, { idleTimeoutMs: Infinity, cutShort: 'drop' });
        };

        const whole = runSync(
          normalizedEventsOf(encoder.encode(frame(events, f)), { idleTimeoutMs: Infinity }).pipe(deliverExactlyOnce()),
        );
        expect(whole.completed).toBe(true);

        let resumed: { values: ResponseEvent[]; error: unknown; completed: boolean } | undefined;
        createTestScheduler().run(() => {
          const values: ResponseEvent[] = [];
          const result = { values, error: undefined as unknown, completed: false };
          resumed = result;
          connect(undefined)
            .pipe(
              resumeStream((cursor) => connect(cursor.startingAfter), {
                responseId: 'resp_1',
                initialDelayMs: 1,
                jitter: 0,
                maxResumes: cuts.length + 1,
              }),
              deliverExactlyOnce(),
            )
            .subscribe({
              next: (event) => values.push(event),
              error: (error: unknown) => (result.error = error),
              complete: () => (result.completed = true),
            });
        });
        expect(resumed!.error).toBeUndefined();
        expect(resumed!.completed).toBe(true);
        expect(resumed!.values).toEqual(whole.values);
      }),
      { numRuns: 200 },
    );
  });
});
