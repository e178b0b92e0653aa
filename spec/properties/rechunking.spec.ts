/**
 * Property: however the network cuts the same bytes (1-byte chunks, cuts inside CRLF, BOM and multi-byte
 * characters), the consumer sees the same normalized events and the same end.
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { type SseChunk, fromSSE, responseEvents } from '../../lib';
import { splitAt } from '../../lib/testing';
import { byteByByte, configureFastCheck, runSync } from '../proof';
import { cutsOf, stream } from './arbitraries';
import type { Observable } from 'rxjs';

configureFastCheck();

const encoder = new TextEncoder();

function outcome(source: Observable<SseChunk> | string) {
  const result = runSync(responseEvents(source, { idleTimeoutMs: Infinity }));
  const error = result.error as { name?: string; code?: string } | undefined;
  return { values: result.values, completed: result.completed, error: error && { name: error.name, code: error.code } };
}

/** A generated stream's bytes, with places to cut them. */
const bytesWithCuts = stream.chain((s) => {
  const bytes = encoder.encode(s.text);
  return fc.tuple(fc.constant(bytes), cutsOf(bytes));
});

describe('re-chunking (property)', () => {
  it('yields the same normalized events for any cut of the same bytes', () => {
    fc.assert(
      fc.property(bytesWithCuts, ([bytes, cuts]) => {
        const whole = outcome(from([bytes]));
        expect(whole.completed).toBe(true);
        expect(outcome(from(splitAt(bytes, cuts)))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('yields the same events with every byte in its own chunk, and from the decoded text', () => {
    fc.assert(
      fc.property(stream, (s) => {
        const bytes = encoder.encode(s.text);
        const whole = outcome(from([bytes]));
        expect(outcome(byteByByte(bytes))).toEqual(whole);
        expect(outcome(s.text)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('yields the same SSE messages for any cut, at the fromSSE level', () => {
    fc.assert(
      fc.property(bytesWithCuts, ([bytes, cuts]) => {
        const whole = runSync(fromSSE(from([bytes])));
        const cut = runSync(fromSSE(from(splitAt(bytes, cuts))));
        expect(cut).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });
});
