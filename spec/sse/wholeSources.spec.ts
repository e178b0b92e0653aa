import { EventTooLargeError, chunksOf, fromSSE, responseEvents } from 'responses-rx';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { items, streamedEvents, toSseText, wire } from 'responses-rx/testing';
import { collect } from '../support';

// A whole stream handed over at once — a string, or the Uint8Array / Buffer that readFile gives — is read like bytes
// from a socket: the same events, and the same limits.

const sample = streamedEvents([items.reasoning('rs_1', 'Weighing it'), items.message('msg_1', 'Take the train.')]);
const text = toSseText(sample);

describe('a whole stream as one value', () => {
  it.each([
    ['a string', () => text],
    ['a Uint8Array', () => new TextEncoder().encode(text)],
    ['a Node Buffer', () => Buffer.from(text, 'utf8')],
  ])('reads %s as the same events as a streamed source', async (_name, source) => {
    const whole = await collect(responseEvents(source()));
    const streamed = await collect(responseEvents(chunksOf(new Response(text))));
    expect(whole.error).toBeUndefined();
    expect(whole.completed).toBe(true);
    expect(whole.values).toEqual(streamed.values);
    expect(whole.values.map((e) => e.type)).toContain('completed');
  });

  it('strips the BOM of a Buffer read from a file', async () => {
    const result = await collect(responseEvents(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])));
    expect(result.error).toBeUndefined();
    expect(result.completed).toBe(true);
  });

  it.each([
    ['a string', (s: string) => s],
    ['a Buffer', (s: string) => Buffer.from(s)],
  ])('enforces maxEventSize on %s holding one long, complete line', async (_name, as) => {
    const delta = wire.textDelta('x'.repeat(300_000));
    const source = as(toSseText([wire.created(), delta, wire.completed()]));
    const messages = await collect(fromSSE(source, { maxEventSize: 100_000 }));
    expect(messages.error).toBeInstanceOf(EventTooLargeError);
    expect(messages.error).toMatchObject({ code: 'event_too_large', maxEventSize: 100_000 });
    // Failed before the long line was dispatched: only what came before it.
    expect(messages.values.every((m) => m.type !== 'event' || m.data.length < 100_000)).toBe(true);

    const events = await collect(responseEvents(source, { maxEventSize: 100_000 }));
    expect(events.error).toBeInstanceOf(EventTooLargeError);
  });

  it('still reads a long line that stays under maxEventSize, split or not', async () => {
    const long = 'y'.repeat(200_000);
    const source = toSseText([wire.created(), wire.textDelta(long), wire.completed()]);
    const messages = await collect(fromSSE(`${source}`, { maxEventSize: 300_000 }));
    expect(messages.error).toBeUndefined();
    expect(messages.values.filter((m) => m.type === 'event' && m.data.includes(long))).toHaveLength(1);
  });

  it('keeps a CRLF that falls on a slice boundary as one line ending', async () => {
    // 64 Ki characters per slice: put the CR as the last character of the first slice.
    const head = `: ${'p'.repeat(64 * 1024 - 3)}\r`;
    const source = `${head}\ndata: a\r\n\r\ndata: b\r\n\r\n`;
    expect(head.length).toBe(64 * 1024);
    const messages = await collect(fromSSE(source));
    expect(messages.values.filter((m) => m.type === 'event').map((m) => (m.type === 'event' ? m.data : ''))).toEqual([
      'a',
      'b',
    ]);
  });
});

// The user trial: a 5 KB event then `response.completed`, read with maxEventSize 1000. Before the fix only chunks
// smaller than the event failed; one large chunk and whole sources read it without error.
describe('maxEventSize however the bytes arrive (the trial)', () => {
  const big = toSseText([wire.created(), wire.textDelta('z'.repeat(5000)), wire.completed()]);
  const bigBytes = new TextEncoder().encode(big);

  function readableStream(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + chunkSize));
        offset += chunkSize;
      },
    });
  }

  it.each([64, 1024, 4096, 6000, 16 * 1024, 100_000])(
    'fails with event_too_large when a ReadableStream brings it in chunks of %i bytes',
    async (chunkSize) => {
      const result = await collect(responseEvents(readableStream(bigBytes, chunkSize), { maxEventSize: 1000 }));
      expect(result.error).toBeInstanceOf(EventTooLargeError);
      expect(result.error).toMatchObject({ code: 'event_too_large', maxEventSize: 1000 });
      expect(result.values.map((e) => e.type)).toEqual(['created']);
    },
  );

  it.each([
    ['a string', () => big],
    ['a Buffer', () => Buffer.from(big)],
    ['a Response', () => new Response(Buffer.from(big), { headers: { 'content-type': 'text/event-stream' } })],
  ])('fails with event_too_large when %s holds it whole', async (_name, source) => {
    const result = await collect(responseEvents(source(), { maxEventSize: 1000 }));
    expect(result.error).toMatchObject({ code: 'event_too_large', maxEventSize: 1000 });
    expect(result.values.map((e) => e.type)).toEqual(['created']);
    const messages = await collect(fromSSE(source(), { maxEventSize: 1000 }));
    expect(messages.error).toMatchObject({ code: 'event_too_large', maxEventSize: 1000 });
    expect(messages.values).toHaveLength(1);
  });

  it('reads the same 5 KB event when the limit is at its size, in one chunk or many', async () => {
    const size = 5000 + '{"type":"response.output_text.delta","content_index":0,"delta":""}'.length;
    for (const source of [() => big, () => readableStream(bigBytes, 64), () => readableStream(bigBytes, 100_000)]) {
      const at = await collect(responseEvents(source(), { maxEventSize: size }));
      expect(at.error).toBeUndefined();
      expect(at.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta', 'outputItemDone', 'completed']);
      const below = await collect(responseEvents(source(), { maxEventSize: size - 1 }));
      expect(below.error).toMatchObject({ code: 'event_too_large', maxEventSize: size - 1 });
    }
  });

  it('fails the example recording with maxEventSize 100, whole or streamed', async () => {
    const sse = readFileSync(path.join(__dirname, '../../examples/recordings/streamed.sse'));
    for (const source of [
      () => sse,
      () => sse.toString('utf8'),
      () => new Response(sse),
      () => readableStream(sse, 16),
    ]) {
      const result = await collect(responseEvents(source(), { maxEventSize: 100 }));
      expect(result.error).toMatchObject({ code: 'event_too_large', maxEventSize: 100 });
    }
    expect((await collect(responseEvents(sse))).completed).toBe(true);
  });
});
