/**
 * Property: `toWireEvents` drops exactly the replays. An event under a number at or below the last one seen is a
 * replay when it repeats an event delivered under that number (same data), or when the number is more than 256 behind
 * the last (presumed); every other event is delivered. The model below keeps every event whole; the operator keeps
 * the latest number's data and digests of the 256 before, so the property walks streams long enough to cross the
 * window, with replays and new events under old numbers at any distance (among them an event sent again with other
 * padding: its data differs, so it is new), and a number repeated again after a new event made it the latest (its
 * first event then known by its digest only).
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import {
  type NormalizedEvent,
  type SequenceAnomaly,
  type SseMessage,
  normalizedEventsOf,
  toWireEvents,
} from '../../lib';
import { configureFastCheck } from '../proof';

configureFastCheck();

const WINDOW = 256;

interface Sent {
  readonly sequence: number;
  readonly data: string;
}

/** A delta as OpenAI sends it, with its random `obfuscation` padding (here unique per event, of one length). */
const delta = (sequence: number, text: string, itemId: string, obfuscation: string): Sent => ({
  sequence,
  data: JSON.stringify({
    type: 'response.output_text.delta',
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta: text,
    sequence_number: sequence,
    obfuscation,
  }),
});

/**
 * What happens after the first `length` numbers: `replay` sends again the event at `back` numbers behind the last;
 * `fresh` sends a new event (another text, or another item with an id one character apart) under that number;
 * `repad` sends an event under that number again with other padding of the same length (the same text, item and
 * indexes: a new event, as its data differs); `next` goes on with the next number.
 */
const step = fc.oneof(
  fc.record({ kind: fc.constant('replay' as const), back: fc.nat({ max: 300 }) }),
  fc.record({ kind: fc.constant('repad' as const), back: fc.nat({ max: WINDOW - 1 }) }),
  fc.record({
    kind: fc.constant('fresh' as const),
    back: fc.nat({ max: WINDOW - 1 }),
    sameLength: fc.boolean(),
    otherItem: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('next' as const), count: fc.integer({ min: 1, max: 40 }) }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The events to send, built from the steps; every text is its own, so two events are the same only by a replay. */
function streamOf(length: number, steps: readonly Step[]): Sent[] {
  let made = 0;
  const text = (sameLength: boolean) => {
    made++;
    return sameLength ? `t${String(made).padStart(6, '0')}` : `t${made}`.repeat(1 + (made % 3));
  };
  let padded = 0;
  const padding = () => `p${String(++padded).padStart(11, '0')}`;
  const sent: Sent[] = [];
  let last = -1;
  const next = (count: number) => {
    for (let i = 0; i < count; i++) sent.push(delta(++last, text(true), 'msg_1', padding()));
  };
  const earlierAt = (back: number): Sent | undefined => {
    const sequence = Math.max(0, last - back);
    const earlier = sent.filter((e) => e.sequence === sequence);
    return earlier[Math.floor(earlier.length / 2)];
  };
  next(length);
  for (const s of steps) {
    if (s.kind === 'next') next(s.count);
    else if (s.kind === 'replay') {
      const replayed = earlierAt(s.back);
      if (replayed !== undefined) sent.push(replayed);
    } else if (s.kind === 'repad') {
      const earlier = earlierAt(s.back);
      if (earlier === undefined) continue;
      const wire = JSON.parse(earlier.data) as { sequence_number: number; item_id: string; delta: string };
      sent.push(delta(earlier.sequence, wire.delta, wire.item_id, padding()));
    } else {
      sent.push(delta(Math.max(0, last - s.back), text(s.sameLength), s.otherItem ? 'msg_2' : 'msg_1', padding()));
    }
  }
  return sent;
}

/** The model: which of `sent` are delivered, and the anomaly kinds in order. */
function model(sent: readonly Sent[]): { delivered: string[]; kinds: SequenceAnomaly['kind'][] } {
  const delivered: string[] = [];
  const kinds: SequenceAnomaly['kind'][] = [];
  const seen = new Set<string>();
  let last: number | undefined;
  for (const { sequence, data } of sent) {
    const key = `${sequence}\u0000${data}`;
    if (last !== undefined && sequence <= last) {
      if (sequence <= last - WINDOW || seen.has(key)) {
        kinds.push('replay');
        continue;
      }
      kinds.push('repeat');
    } else {
      if (last !== undefined && sequence > last + 1) kinds.push('gap');
      last = sequence;
    }
    seen.add(key);
    delivered.push(data);
  }
  return { delivered, kinds };
}

describe('the replay window (property)', () => {
  it('drops exactly the replays, at any distance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.array(step, { maxLength: 60 }), (length, steps) => {
        const sent = streamOf(length, steps);
        const kinds: SequenceAnomaly['kind'][] = [];
        const delivered: string[] = [];
        const messages: SseMessage[] = sent.map(({ data }) => ({ type: 'event', data }));
        from(messages)
          .pipe(toWireEvents({ onSequenceAnomaly: (anomaly) => kinds.push(anomaly.kind) }))
          .subscribe((event) => delivered.push(JSON.stringify(event)));
        const expected = model(sent);
        expect(delivered).toEqual(expected.delivered);
        expect(kinds).toEqual(expected.kinds);
      }),
      { numRuns: 300 },
    );
  });

  it('drops exactly the replays when the stream comes in chunks (digests deferred to the end of each chunk)', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.array(step, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (length, steps, cuts) => {
          const sent = streamOf(length, steps);
          const bytes = encoder.encode(sent.map(({ data }) => `data: ${data}\n\n`).join(''));
          const points = [...new Set(cuts.map((cut) => cut % bytes.length))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, i) => bytes.subarray(start, [...points, bytes.length][i]));
          const kinds: SequenceAnomaly['kind'][] = [];
          const delivered: string[] = [];
          normalizedEventsOf(from(chunks), {
            idleTimeoutMs: Infinity,
            onSequenceAnomaly: (anomaly) => kinds.push(anomaly.kind),
          }).subscribe((event) => delivered.push(keyOf(event)));
          const expected = model(sent);
          expect(delivered).toEqual(
            expected.delivered.map((data) => {
              const wire = JSON.parse(data) as { sequence_number: number; item_id: string; delta: string };
              return `${wire.sequence_number} ${wire.item_id} ${wire.delta}`;
            }),
          );
          expect(kinds).toEqual(expected.kinds);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function keyOf(event: NormalizedEvent): string {
  return event.type === 'outputTextDelta' ? `${event.sequenceNumber} ${event.itemId} ${event.delta}` : event.type;
}
