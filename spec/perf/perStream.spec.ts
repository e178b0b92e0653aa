/**
 * The fixed cost of one stream, counted, not timed: what `responseEvents` sets up and tears down per stream —
 * subscriptions, timers, `Map`s, decoders, `JSON.parse` calls — for a small stream of each provider shape, and the
 * same counts for a stream fifty times larger (the per-stream part must not grow with the stream). A regression that
 * adds a subscriber, a timer or a map per stream (or per event, where only per-stream work belongs) fails here;
 * `npm run bench` (mixed mode) shows what each costs in time.
 */
import { Observable } from 'rxjs';
import { responseEvents } from 'responses-rx';
import { type BenchShape, generateStream } from '../../bench/generate';

interface Counts {
  subscribes: number;
  timersSet: number;
  timersCleared: number;
  maps: number;
  decoders: number;
  parses: number;
}

/** `bytes` as a web stream in 16 KiB chunks. */
function bodyOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 16 * 1024)
        controller.enqueue(bytes.subarray(offset, offset + 16 * 1024));
      controller.close();
    },
  });
}

/**
 * Reads `bytes` as a web stream in 16 KiB chunks through `responseEvents`, `streams` times in a row (each subscribed
 * when the one before completed, as a loop of requests does), counting what they set up.
 */
async function countOneStream(bytes: Uint8Array, streams = 1): Promise<{ counts: Counts; events: number }> {
  const counts: Counts = { subscribes: 0, timersSet: 0, timersCleared: 0, maps: 0, decoders: 0, parses: 0 };
  const subscribe = Observable.prototype.subscribe;
  const {
    setInterval: realSetInterval,
    clearInterval: realClearInterval,
    Map: RealMap,
    TextDecoder: RealDecoder,
  } = globalThis;
  const parse = JSON.parse;
  Observable.prototype.subscribe = function (this: Observable<unknown>, ...args: unknown[]) {
    counts.subscribes++;
    return (subscribe as (...a: unknown[]) => ReturnType<typeof subscribe>).apply(this, args);
  } as typeof subscribe;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    counts.timersSet++;
    return realSetInterval(...args);
  }) as typeof setInterval;
  globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
    counts.timersCleared++;
    realClearInterval(handle);
  }) as typeof clearInterval;
  globalThis.Map = class CountedMap<K, V> extends RealMap<K, V> {
    constructor(entries?: readonly (readonly [K, V])[] | null) {
      super(entries);
      counts.maps++;
    }
  } as MapConstructor;
  globalThis.TextDecoder = class CountedDecoder extends RealDecoder {
    constructor(...args: ConstructorParameters<typeof TextDecoder>) {
      super(...args);
      counts.decoders++;
    }
  };
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    counts.parses++;
    return parse(text, reviver) as unknown;
  };
  try {
    // Subscribed directly (no toArray, no lastValueFrom): every subscription counted is one the library made.
    let events = 0;
    for (let stream = 0; stream < streams; stream++) {
      events = await new Promise<number>((resolve, reject) => {
        let seen = 0;
        responseEvents(bodyOf(bytes)).subscribe({ next: () => seen++, error: reject, complete: () => resolve(seen) });
      });
    }
    return { counts, events };
  } finally {
    Observable.prototype.subscribe = subscribe;
    Object.assign(globalThis, {
      setInterval: realSetInterval,
      clearInterval: realClearInterval,
      Map: RealMap,
      TextDecoder: RealDecoder,
    });
    JSON.parse = parse;
  }
}

/**
 * The per-stream budget (issue 16): the consumer's subscription and the chunk source's; every stage between (idle
 * watch, SSE decoder, wire events, normalizing, delivery) runs inside ONE subscriber (7 subscriptions before, 10 before
 * that).
 */
const BUDGET = { subscribes: 2, timersSet: 1 } as const;

describe('the fixed cost of one stream (counted)', () => {
  const shapes: readonly BenchShape[] = ['streamed', 'final-only', 'no-reasoning-deltas'];

  it.each(shapes)(
    '%s: one idle timer, set and cleared; at most one decoder; two subscriptions; one JSON.parse per event',
    async (shape) => {
      const small = generateStream(shape, 16_000);
      const { counts } = await countOneStream(small);
      const sseEvents = new TextDecoder()
        .decode(small)
        .split('\n\n')
        .filter((block) => block.includes('data:')).length;
      expect(counts).toMatchObject({ ...BUDGET, timersCleared: 1, parses: sseEvents });
      // Its own stream-mode decoder only once a chunk ends inside a character or holds more than ASCII.
      expect(counts.decoders).toBeLessThanOrEqual(1);
    },
  );

  it.each(shapes)('%s: a stream fifty times larger sets up the same subscriptions, timers and maps', async (shape) => {
    const small = await countOneStream(generateStream(shape, 4_000));
    const large = await countOneStream(generateStream(shape, 200_000));
    const fixed = ({ subscribes, timersSet, timersCleared, maps }: Counts) => ({
      subscribes,
      timersSet,
      timersCleared,
      maps,
    });
    expect(fixed(large.counts)).toEqual(fixed(small.counts));
    // At most one decoder of its own (stream mode, once a chunk ends inside a character or holds more than ASCII).
    expect(large.counts.decoders).toBeLessThanOrEqual(1);
  });

  it('a loop of one-chunk ASCII answers: a timer each, set and cleared; no decoder of their own', async () => {
    const { counts } = await countOneStream(generateStream('final-only', 4_000), 20);
    expect(counts).toMatchObject({ subscribes: 40, timersSet: 20, timersCleared: 20, decoders: 0 });
  });

  it.each(shapes)(
    '%s: at most 10 Maps per small stream (the item ledgers and the parts that arrived)',
    async (shape) => {
      const { counts } = await countOneStream(generateStream(shape, 16_000));
      expect(counts.maps).toBeLessThanOrEqual(MAPS_PER_SMALL_STREAM);
    },
  );
});

/**
 * Maps one small answer (a reasoning item and a message) sets up, at most: 22 before issue 16, 13 before the item
 * ledgers created their maps on first use (a ledger's id, call_id, index and content maps; a pairing's repeat ledger
 * only for an output of two items or more).
 */
const MAPS_PER_SMALL_STREAM = 10;
