import { EventTooLargeError, chunksOf, fromSSE, responseEvents } from 'responses-rx';
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
