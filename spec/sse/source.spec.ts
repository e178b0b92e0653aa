import { Readable } from 'node:stream';
import { Observable, of } from 'rxjs';
import { chunksOf, fromSSE, responseEvents } from 'responses-rx';
import { items, streamedEvents, toSseText } from 'responses-rx/testing';
import { collect, until } from '../support';

const text = toSseText(streamedEvents([items.message('msg_1', 'Hello there')]));
const bytes = new TextEncoder().encode(text);
const pieces = (n: number) =>
  Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.subarray(i * n, (i + 1) * n));

const answer = async (source: Parameters<typeof responseEvents>[0]) => {
  const result = await collect(responseEvents(source));
  expect(result.error).toBeUndefined();
  return result.values.map((e) => e.type).join(',');
};

describe('SSE sources', () => {
  let expected: string;
  beforeAll(async () => {
    expected = await answer(text);
    expect(expected).toMatch(/^created,inProgress,outputItemAdded,(outputTextDelta,)+outputItemDone,completed$/);
  });

  it('reads a whole string', async () => {
    expect(await answer(text)).toBe(expected);
  });

  it('reads a fetch Response', async () => {
    expect(await answer(new Response(text, { headers: { 'content-type': 'text/event-stream' } }))).toBe(expected);
  });

  it('reads a Response without a body as an empty stream', async () => {
    const result = await collect(fromSSE(new Response(null, { status: 204 })));
    expect(result).toEqual({ values: [], error: undefined, completed: true });
  });

  it('reads a web ReadableStream of bytes and of strings', async () => {
    expect(await answer(new Blob([bytes]).stream())).toBe(expected);
    const strings = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(text.slice(0, 100));
        controller.enqueue(text.slice(100));
        controller.close();
      },
    });
    expect(await answer(strings)).toBe(expected);
  });

  it('reads an AsyncIterable, so a Node Readable works', async () => {
    expect(await answer(Readable.from(pieces(7)))).toBe(expected);
    async function* generate() {
      for (const piece of pieces(3)) yield piece;
    }
    expect(await answer(generate())).toBe(expected);
  });

  it('reads an Observable of chunks', async () => {
    expect(await answer(of(...pieces(11)))).toBe(expected);
  });

  it('rejects anything else with a TypeError at call time', () => {
    expect(() => responseEvents(42 as unknown as string)).toThrow(TypeError);
    expect(() => chunksOf({} as unknown as string)).toThrow(/Unsupported SSE source/);
  });

  it('reads nothing before subscribe', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(bytes);
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const events$ = responseEvents(stream);
    // Reading takes a reader, which locks the stream: nothing read, nor about to be.
    expect(stream.locked).toBe(false);
    expect(pulls).toBe(0);
    expect((await collect(events$)).completed).toBe(true);
    expect(pulls).toBe(1);
  });

  it('cancels a ReadableStream reader on unsubscribe', async () => {
    let cancelled: unknown = 'no';
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          if (pulls === 1) controller.enqueue(bytes.subarray(0, 50)); // then nothing more: the connection stalls
        },
        cancel(reason) {
          cancelled = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const subscription = fromSSE(stream).subscribe();
    await until(() => pulls === 2, 'the reader to wait for the second chunk');
    subscription.unsubscribe();
    await until(() => cancelled !== 'no', 'the stream to be cancelled');
    expect(cancelled).toBeUndefined();
  });

  it('cancels the reader when response.completed arrives, without waiting for the connection to close', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes); // the whole response, but the connection stays open
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await collect(responseEvents(stream));
    expect(result.completed).toBe(true);
    await until(() => cancelled, 'the stream to be cancelled');
  });

  it('calls return() on an async iterator on unsubscribe (destroying a Node stream)', async () => {
    let reads = 0;
    const readable = new Readable({
      read() {
        reads++;
      },
    });
    readable.push(bytes.subarray(0, 40));
    const subscription = responseEvents(readable).subscribe({ error: () => undefined });
    await until(() => reads > 0, 'the iterator to ask for more');
    subscription.unsubscribe();
    await until(() => readable.destroyed, 'the Node stream to be destroyed');
  });

  it('passes source errors on (fromSSE) and wraps them in StreamClosedError (responseEvents)', async () => {
    const failing = new Observable<string>((s) => {
      s.next(text.slice(0, 80));
      s.error(new Error('ECONNRESET'));
    });
    expect((await collect(fromSSE(failing))).error).toEqual(new Error('ECONNRESET'));
    expect((await collect(responseEvents(failing))).error).toMatchObject({ code: 'stream_closed' });
  });
});
