/**
 * Property: for any sequence of events (shuffled, duplicated, truncated, mixed with garbage), the consumer gets
 * exactly one terminal notification (complete or a typed error), nothing after it, `completed` at most once and only
 * last, and no item twice.
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { ResponsesRxError, responseEvents } from '../../lib';
import { configureFastCheck, runSync } from '../proof';
import { byteSoup, frame, framing, hostileEvents } from './arbitraries';

configureFastCheck();

const encoder = new TextEncoder();

describe('terminal notifications (property)', () => {
  it('ends every sequence of events exactly once, with nothing after, and never repeats an item', () => {
    fc.assert(
      fc.property(hostileEvents, framing, fc.boolean(), fc.nat(), (events, f, truncate, cutAt) => {
        let bytes = encoder.encode(frame(events, f));
        if (truncate) bytes = bytes.subarray(0, cutAt % (bytes.length + 1));
        for (const onMalformed of ['error', 'skip'] as const) {
          const result = runSync(responseEvents(from([bytes]), { idleTimeoutMs: Infinity, onMalformed }));
          expect(result.terminals).toBe(1);
          expect(result.afterTerminal).toBe(0);
          if (!result.completed) expect(result.error).toBeInstanceOf(ResponsesRxError);
          const completedAt = result.values.findIndex((e) => e.type === 'completed');
          if (result.completed) expect(completedAt).toBe(result.values.length - 1);
          else expect(completedAt).toBe(-1);
          const ids = result.values.flatMap((e) => (e.type === 'outputItemDone' && e.item.id ? [e.item.id] : []));
          expect(new Set(ids).size).toBe(ids.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ends any bytes exactly once, with a typed error or a completion', () => {
    fc.assert(
      fc.property(byteSoup, (bytes) => {
        const result = runSync(responseEvents(from([bytes]), { idleTimeoutMs: Infinity }));
        expect(result.terminals).toBe(1);
        expect(result.afterTerminal).toBe(0);
        if (!result.completed) expect(result.error).toBeInstanceOf(ResponsesRxError);
      }),
      { numRuns: 300 },
    );
  });
});
