/**
 * Latency: every normalized event is emitted during the read that completes its bytes. Chunks are pushed one by one
 * through a Subject; after each push, what `responseEvents` emitted is checked against the wire events whose bytes
 * are complete so far: counted directly from the wire events (deltas, created, finished items, completed), and
 * compared whole with what the same pipeline emits for exactly those complete events.
 */
import { Subject } from 'rxjs';
import { type ResponseEvent, responseEvents } from 'responses-rx';
import { type ToSseTextOptions, type WireJson, splitAt, splitBytes, toSseText } from 'responses-rx/testing';
import { type BenchShape, benchEvents } from '../../bench/generate';

const encoder = new TextEncoder();

/** Everything `responseEvents` emits for `text`, read at once (a string source is synchronous). */
function emittedFor(text: string): ResponseEvent[] {
  const values: ResponseEvent[] = [];
  responseEvents(text).subscribe({ next: (event) => values.push(event), error: () => undefined });
  return values;
}

const DELTAS = new Set(['response.output_text.delta', 'response.reasoning_summary_text.delta']);

/** What must have been emitted once the first `complete` wire events are whole, counted from the wire events. */
function countsFor(
  events: readonly WireJson[],
  complete: number,
): { deltas: number; created: number; streamedDone: number; completed: number } {
  const done = events.slice(0, complete);
  return {
    deltas: done.filter((event) => DELTAS.has(event.type)).length,
    created: done.filter((event) => event.type === 'response.created').length,
    streamedDone: done.filter((event) => event.type === 'response.output_item.done').length,
    completed: done.filter((event) => event.type === 'response.completed').length,
  };
}

function countsOf(emitted: readonly ResponseEvent[]): ReturnType<typeof countsFor> {
  return {
    deltas: emitted.filter((event) => event.type === 'outputTextDelta' || event.type === 'reasoningSummaryDelta')
      .length,
    created: emitted.filter((event) => event.type === 'created').length,
    streamedDone: emitted.filter((event) => event.type === 'outputItemDone' && !event.recovered).length,
    completed: emitted.filter((event) => event.type === 'completed').length,
  };
}

/**
 * Pushes `chunks` one by one and checks, after each, that everything the complete events call for was emitted.
 *
 * @returns how many pushes emitted something.
 */
function checkEveryRead(events: readonly WireJson[], framing: ToSseTextOptions, chunks: readonly Uint8Array[]): number {
  // Where each event's bytes end: after its blank line; with CRLF endings, at the blank line's CR (a CR alone ends
  // a line, so the LF after it adds nothing).
  const ends: number[] = [];
  let offset = 0;
  for (const event of events) {
    offset += encoder.encode(toSseText([event], framing)).length;
    ends.push(framing.lineEnding === '\r\n' ? offset - 1 : offset);
  }
  const whole = emittedFor(toSseText(events, framing));
  const prefixLengths = new Map<number, number>();
  const source = new Subject<Uint8Array>();
  const emitted: ResponseEvent[] = [];
  let failure: unknown;
  const subscription = responseEvents(source).subscribe({
    next: (event) => emitted.push(event),
    error: (error: unknown) => (failure = error),
  });
  try {
    let received = 0;
    let complete = 0;
    let productive = 0;
    for (const chunk of chunks) {
      const before = emitted.length;
      source.next(chunk);
      received += chunk.length;
      while (complete < events.length && (ends[complete] as number) <= received) complete++;
      const counts = countsOf(emitted);
      const expected = countsFor(events, complete);
      // (expect only on a mismatch: thousands of reads)
      if (JSON.stringify(counts) !== JSON.stringify(expected))
        expect({ received, counts }).toEqual({ received, counts: expected });
      let prefixLength = prefixLengths.get(complete);
      if (prefixLength === undefined) {
        prefixLength = emittedFor(toSseText(events.slice(0, complete), framing)).length;
        prefixLengths.set(complete, prefixLength);
      }
      if (emitted.length !== prefixLength)
        expect({ received, emitted: emitted.length }).toEqual({ received, emitted: prefixLength });
      if (emitted.length > before) {
        expect(emitted.slice(before)).toEqual(whole.slice(before, emitted.length));
        productive++;
      }
    }
    expect(failure).toBeUndefined();
    expect(emitted).toEqual(whole);
    expect(emitted[emitted.length - 1]?.type).toBe('completed');
    return productive;
  } finally {
    subscription.unsubscribe();
  }
}

describe('latency: each event is emitted during the read that completes its bytes', () => {
  it.each<BenchShape>(['streamed', 'final-only', 'no-reasoning-deltas'])('%s, fed one byte at a time', (shape) => {
    const events = benchEvents(shape, 60);
    const productive = checkEveryRead(events, {}, splitBytes(toSseText(events), 1));
    expect(productive).toBeGreaterThan(1);
  });

  it.each<BenchShape>(['streamed', 'final-only', 'no-reasoning-deltas'])('%s, fed in 64-byte chunks', (shape) => {
    // Hundreds of events and reads: the oracle runs a fresh pipeline per prefix, so the cost grows with the square.
    const events = benchEvents(shape, 800);
    checkEveryRead(events, {}, splitBytes(toSseText(events), 64));
  });

  it.each<NonNullable<ToSseTextOptions['lineEnding']>>(['\r\n', '\r'])(
    'with %j line endings, fed one byte at a time',
    (lineEnding) => {
      const events = benchEvents('streamed', 40);
      checkEveryRead(events, { lineEnding }, splitBytes(toSseText(events, { lineEnding }), 1));
    },
  );

  it('emits an event in the same read as its last byte when chunks end exactly at event boundaries', () => {
    const events = benchEvents('streamed', 200);
    const text = toSseText(events);
    const ends: number[] = [];
    let offset = 0;
    for (const event of events) {
      offset += encoder.encode(toSseText([event])).length;
      ends.push(offset);
    }
    const productive = checkEveryRead(events, {}, splitAt(text, ends));
    // Every read completes one event; all but in_progress (which emits nothing) and the done events that are only
    // evidence emit something.
    expect(productive).toBeGreaterThan(events.filter((event) => DELTAS.has(event.type)).length);
  });
});
