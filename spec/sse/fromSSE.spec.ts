import { Subject, from } from 'rxjs';
import { EventTooLargeError, fromSSE, responseEvents } from 'responses-rx';
import type { SseMessage } from 'responses-rx';
import { splitBytes, splitAt, toSseText, wire } from 'responses-rx/testing';
import { collect } from '../support';

const enc = (text: string) => new TextEncoder().encode(text);
const bytesOf = (...parts: (string | number[])[]) =>
  parts.map((part) => (typeof part === 'string' ? enc(part) : Uint8Array.from(part)));
const events = async (chunks: (Uint8Array | string)[]) => {
  const result = await collect(fromSSE(from(chunks)));
  expect(result.error).toBeUndefined();
  return result.values;
};
const data = (messages: SseMessage[]) => messages.flatMap((m) => (m.type === 'event' ? [m.data] : []));

describe('fromSSE', () => {
  it('parses events with their event name and id', async () => {
    expect(await events(['event: greet\nid: 7\ndata: hello\n\n'])).toEqual([
      { type: 'event', event: 'greet', id: '7', data: 'hello' },
    ]);
  });

  it('emits comments as comment messages', async () => {
    expect(await events([': keep-alive\n\ndata: x\n\n'])).toEqual([
      { type: 'comment', comment: 'keep-alive' },
      { type: 'event', data: 'x', event: undefined, id: undefined },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CR', '\r'],
    ['CRLF', '\r\n'],
  ])('accepts %s line endings', async (_name, eol) => {
    expect(data(await events([`data: a${eol}${eol}data: b${eol}${eol}`]))).toEqual(['a', 'b']);
  });

  it('holds a CR at the end of a chunk until the next byte (CRLF split across chunks)', async () => {
    expect(data(await events(['data: a\r', '\n\r', '\ndata: b\r\n\r\n']))).toEqual(['a', 'b']);
  });

  it('gives the same events when every byte is its own chunk', async () => {
    const text = toSseText([wire.created(), wire.textDelta('héllo 🌍'), wire.completed()], { lineEnding: '\r\n' });
    const whole = data(await events([enc(text)]));
    expect(data(await events(splitBytes(text, 1)))).toEqual(whole);
    expect(whole).toHaveLength(3);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const text = 'data: 🌍é\n\n';
    const emoji = enc(text).indexOf(0xf0);
    for (let cut = emoji + 1; cut < emoji + 6; cut++) {
      expect(data(await events(splitAt(text, [cut])))).toEqual(['🌍é']);
    }
  });

  it('gives the same text whether the first chunk is decoded at once (it ends on ASCII) or in stream mode, at any two cuts', async () => {
    // A first chunk that ends on ASCII is decoded at once by a decoder every stream shares; a first chunk that ends
    // inside a character, and every chunk after the first, by the stream's own stream-mode decoder. The cuts mix the
    // two, with a BOM at the start or without, and a BOM inside the data (kept: only a leading one goes).
    for (const text of ['data: ab\n\ndata: 🌍é\n\ndata: z\uFEFF\n\n', '\uFEFFdata: a\n\ndata: é🌍\n\ndata: b\n\n']) {
      const bytes = enc(text);
      const whole = text
        .replace(/^\uFEFF/, '')
        .split('\n\n')
        .filter((block) => block !== '')
        .map((block) => block.slice(6));
      for (let first = 1; first < bytes.length; first++) {
        for (let second = first; second < bytes.length; second += 3) {
          const chunks = [bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)];
          expect(data(await events(chunks))).toEqual(whole);
        }
      }
    }
  });

  it('strips exactly one leading BOM, also when it is split across chunks', async () => {
    expect(data(await events(bytesOf([0xef, 0xbb, 0xbf], 'data: a\n\n')))).toEqual(['a']);
    expect(data(await events(bytesOf([0xef], [0xbb], [0xbf, 0x64], 'ata: a\n\n')))).toEqual(['a']);
    // A second BOM is part of the field name "\uFEFFdata", an unknown field: the line is ignored.
    expect(data(await events(bytesOf([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'data: a\n\ndata: b\n\n')))).toEqual(['b']);
    expect(data(await events(['\uFEFFdata: a\n\n']))).toEqual(['a']);
  });

  it('dispatches a last event whose blank line never came when the source ends', async () => {
    expect(data(await events(['data: a\n\ndata: b']))).toEqual(['a', 'b']);
    expect(data(await events(['data: a\n\ndata: b\r']))).toEqual(['a', 'b']);
  });

  it('emits an event as soon as its blank line arrives, not at the end', () => {
    const chunks = new Subject<string>();
    const seen: string[] = [];
    fromSSE(chunks).subscribe((m) => m.type === 'event' && seen.push(m.data));
    chunks.next('data: a\n');
    expect(seen).toEqual([]);
    chunks.next('\ndata: b\n');
    expect(seen).toEqual(['a']);
    chunks.next('\n');
    expect(seen).toEqual(['a', 'b']);
  });

  it('fails with EventTooLargeError past maxEventSize instead of buffering without bound', async () => {
    const endless = from(Array.from({ length: 20 }, () => 'x'.repeat(100)));
    const result = await collect(fromSSE(endless, { maxEventSize: 1000 }));
    expect(result.error).toBeInstanceOf(EventTooLargeError);
    expect(result.error).toMatchObject({ code: 'event_too_large', maxEventSize: 1000, retryable: false });
  });

  it('rejects a bad maxEventSize when created', () => {
    expect(() => fromSSE('', { maxEventSize: 0 })).toThrow(TypeError);
    expect(() => fromSSE('', { maxEventSize: 1.5 })).toThrow(TypeError);
  });

  it('delivers a truncated last event as malformed JSON through responseEvents', async () => {
    const text = toSseText([wire.created()]) + 'data: {"type":"response.output_text.delta","del';
    const result = await collect(responseEvents(text));
    expect(result.values.map((e) => e.type)).toEqual(['created']);
    expect(result.error).toMatchObject({ code: 'malformed_event' });
  });
});
