/**
 * What a live stream keeps while it runs, measured in heap bytes still reachable after a full collection (never in
 * time): with 1,000 streams at once (`bench/many.ts`), what each live stream retains is what the process's peak
 * memory grows by, and what the garbage collector copies on every young-generation collection. A regression that
 * keeps every event's data (a replay window of whole events), or per-event state beyond what the stream needs, fails
 * here.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { responseEvents } from 'responses-rx';
import { wire } from 'responses-rx/testing';
import { COMPETITORS } from '../../bench/competitors';
import { generateStream } from '../../bench/generate';
import { concatBytes } from '../proof';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use after full collections. */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * A web stream of `chunks` that stops before the last `holdBack` and stays open: `delivered` resolves once the
 * reader asked for the chunk after the last one given (everything before was read); `release` ends it.
 */
function heldStream(
  chunks: readonly Uint8Array[],
  holdBack: number,
): { stream: ReadableStream<Uint8Array>; delivered: Promise<void>; release: () => void } {
  let index = 0;
  let reached!: () => void;
  let release!: () => void;
  const delivered = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const stop = chunks.length - holdBack;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (index === stop) {
          reached();
          await released;
        }
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, delivered, release };
}

/** `bytes` in pieces of `size`. */
function piecesOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) pieces.push(bytes.subarray(offset, offset + size));
  return pieces;
}

/**
 * Reads `count` streams with `consume` up to their held-back end; the heap they retain then, per stream, in bytes.
 * The least of three measurements: anything else the process allocates meanwhile (a Jest worker's other work, a
 * socket another spec left closing) can only add to one.
 */
async function retainedPerLiveStream(
  chunks: readonly Uint8Array[],
  holdBack: number,
  count: number,
  consume: (body: ReadableStream<Uint8Array>) => Promise<unknown>,
): Promise<number> {
  let least = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    least = Math.min(least, await retainedOnce(chunks, holdBack, count, consume));
  }
  return least;
}

/** One measurement of {@link retainedPerLiveStream}. */
async function retainedOnce(
  chunks: readonly Uint8Array[],
  holdBack: number,
  count: number,
  consume: (body: ReadableStream<Uint8Array>) => Promise<unknown>,
): Promise<number> {
  const before = await heapAfterGc();
  const held = Array.from({ length: count }, () => heldStream(chunks, holdBack));
  const ends = held.map(({ stream }) => consume(stream));
  await Promise.all(held.map(({ delivered }) => delivered));
  const after = await heapAfterGc();
  for (const { release } of held) release();
  await Promise.all(ends);
  return (after - before) / count;
}

const readWithResponsesRx = (body: ReadableStream<Uint8Array>): Promise<number> =>
  new Promise((resolve, reject) => {
    let events = 0;
    responseEvents(body).subscribe({ next: () => events++, error: reject, complete: () => resolve(events) });
  });

/** The floor of `npm run bench`: eventsource-parser, a TextDecoder and `JSON.parse` per event. */
const readWithFloor = COMPETITORS.floor.load();

const encoder = new TextEncoder();
const sse = (event: object): Uint8Array =>
  encoder.encode(`event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`);

describe('what a live stream retains (heap bytes after a full collection)', () => {
  it('the replay window keeps the data of the latest number whole, not of every recent event', async () => {
    // 64 numbered deltas of 128 KB each (a long obfuscation field, which nothing after toWireEvents keeps): a window
    // of whole events holds 8.5 MB while the stream runs; the latest number's data and a digest of the others, ~0.2 MB.
    const padding = 'o'.repeat(128 * 1024);
    const events = [
      sse({ ...wire.created(), sequence_number: 0 }),
      ...Array.from({ length: 64 }, (_, n) =>
        sse({ ...wire.textDelta('x'), obfuscation: `${n}${padding}`, sequence_number: n + 1 }),
      ),
      sse({ ...wire.completed([]), sequence_number: 65 }),
    ];
    const retained = await retainedPerLiveStream(events, 1, 3, readWithResponsesRx);
    expect(retained).toBeLessThan(1024 * 1024);
  });

  it('the events of a chunk are let go once the chunk is read, their digests kept', async () => {
    // The same 64 deltas in one chunk: their digests wait for the end of the chunk, and then nothing holds their data
    // but the latest number's (0.13 MB). Entries left in the waiting list until the next chunk held about 30 MB.
    const padding = 'o'.repeat(128 * 1024);
    const deltas = Array.from({ length: 64 }, (_, n) =>
      sse({ ...wire.textDelta('x'), obfuscation: `${n}${padding}`, sequence_number: n + 1 }),
    );
    const chunks = [
      sse({ ...wire.created(), sequence_number: 0 }),
      concatBytes(deltas),
      sse({ ...wire.completed([]), sequence_number: 65 }),
    ];
    const retained = await retainedPerLiveStream(chunks, 1, 3, readWithResponsesRx);
    expect(retained).toBeLessThan(1024 * 1024);
  });

  it('a chunk of many events leaves no list of their size behind once it is read', async () => {
    // 249 small deltas in one chunk, one more in a chunk of its own, then the stream waits: the list of events that
    // waited for their digests (750 slots, about 6 KB) is given back, not kept for the next chunk as a small chunk's
    // is. The same deltas in chunks of 25 events are the reference. (The last delta comes in a chunk of its own: a
    // stream whose latest event came in the big chunk kept about 28 KB more, about that chunk's text, with or without
    // the list given back.)
    const deltas = Array.from({ length: 250 }, (_, n) => sse({ ...wire.textDelta('x'), sequence_number: n + 1 }));
    const created = sse({ ...wire.created(), sequence_number: 0 });
    const last = deltas[249] as Uint8Array;
    const completed = sse({ ...wire.completed([]), sequence_number: 251 });
    const small = Array.from({ length: 10 }, (_, k) => concatBytes(deltas.slice(k * 25, Math.min(k * 25 + 25, 249))));
    const inSmallChunks = await retainedPerLiveStream(
      [created, ...small, last, completed],
      1,
      200,
      readWithResponsesRx,
    );
    const inOneChunk = await retainedPerLiveStream(
      [created, concatBytes(deltas.slice(0, 249)), last, completed],
      1,
      200,
      readWithResponsesRx,
    );
    expect(inOneChunk - inSmallChunks).toBeLessThan(3 * 1024);
  });

  it('a live small streamed answer retains at most 12 KB more than the floor', async () => {
    // A streamed 16 KB answer in 1 KiB chunks, held open before its last chunk (its text streamed, `completed` not
    // yet). Measured here: 29 KB more than the floor per live stream with the whole-event replay window and seven
    // subscribers; now 6.5–7.5 KB when this file runs alone (two subscribers, an idle timer, the tracker and its
    // ledger, the streamed text), but 11–11.5 KB in a full run from a fresh clone, in a Jest worker that ran other
    // specs first (not understood). The bound still catches the whole-event window.
    const chunks = piecesOf(generateStream('streamed', 16_000), 1024);
    const floor = await retainedPerLiveStream(chunks, 1, 800, readWithFloor);
    const ours = await retainedPerLiveStream(chunks, 1, 800, readWithResponsesRx);
    expect(ours - floor).toBeLessThan(12 * 1024);
  });
});
