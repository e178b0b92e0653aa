/**
 * Property (virtual time): the idle timeout of `responseEvents` fires exactly T milliseconds after the last activity
 * (subscribe, or the last chunk of bytes) when nothing arrives in between, never earlier, whatever the arrival
 * pattern; a stream whose gaps all stay under T completes normally.
 *
 * A chunk arriving at exactly T races the timer in the same virtual frame; which wins is scheduling order, not a
 * promise, so the generated gaps avoid that one value.
 */
import fc from 'fast-check';
import { asyncScheduler, concat, map, timer } from 'rxjs';
import { IdleTimeoutError, responseEvents } from '../../lib';
import { createTestScheduler, items, streamedEvents, toSseText } from '../../lib/testing';
import { configureFastCheck } from '../proof';

configureFastCheck();

const T = 100;
const text = toSseText(streamedEvents([items.message('msg_1', 'Hello, world')], { deltaSize: 3 }));

interface End {
  readonly at: number;
  readonly kind: 'error' | 'complete';
}

describe('idle timeout (property, virtual time)', () => {
  it('fires exactly T after the last activity, never earlier, whatever the arrival pattern', () => {
    const seen = { error: 0, complete: 0 };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: 0, max: T - 1 }) },
            fc.integer({ min: T + 1, max: 3 * T }),
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 11 }),
        (gaps, cutPoints) => {
          const cuts = [...new Set(cutPoints)].sort((a, b) => a - b).slice(0, gaps.length - 1);
          const bounds = [0, ...cuts, text.length];
          const arrivals = bounds.slice(1).map((end, i) => ({ piece: text.slice(bounds[i], end), gap: gaps[i] ?? 0 }));

          // The model: the first gap longer than T fails the stream T after the previous arrival.
          let now = 0;
          let expected: End | undefined;
          for (const { gap } of arrivals) {
            if (gap > T) {
              expected = { at: now + T, kind: 'error' };
              break;
            }
            now += gap;
          }
          expected ??= { at: now, kind: 'complete' };

          let ended: End | undefined;
          let error: unknown;
          createTestScheduler().run(() => {
            const source = concat(...arrivals.map(({ piece, gap }) => timer(gap).pipe(map(() => piece))));
            responseEvents(source, { idleTimeoutMs: T }).subscribe({
              error: (e: unknown) => {
                error = e;
                ended = { at: asyncScheduler.now(), kind: 'error' };
              },
              complete: () => {
                ended = { at: asyncScheduler.now(), kind: 'complete' };
              },
            });
          });
          expect(ended).toEqual(expected);
          if (expected.kind === 'error') expect(error).toBeInstanceOf(IdleTimeoutError);
          seen[expected.kind]++;
        },
      ),
      { numRuns: 200 },
    );
    // Both outcomes were exercised.
    expect(seen.error).toBeGreaterThan(10);
    expect(seen.complete).toBeGreaterThan(10);
  });
});
