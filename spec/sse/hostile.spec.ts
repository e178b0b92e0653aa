/**
 * Hostile SSE bytes at the `fromSSE` level (and through `responseEvents` where the outcome matters to a consumer).
 * Each test names one way a server, a proxy or a network can mangle an event stream.
 */
import { from, Observable } from 'rxjs';
import {
  DEFAULT_MAX_EVENT_SIZE,
  EventTooLargeError,
  MalformedEventError,
  ProtocolMismatchError,
  StreamClosedError,
  type SseChunk,
  type SseMessage,
  fromSSE,
  responseEvents,
  toWireEvents,
} from '../../lib';
import { items, streamedEvents, toSseText, wire } from '../../lib/testing';
import { byteByByte, bytes, chunks, runSync } from '../proof';

const BOM = [0xef, 0xbb, 0xbf];

/** The messages of a source, asserting that it ended cleanly. */
function messages(source: Parameters<typeof fromSSE>[0], options?: Parameters<typeof fromSSE>[1]): SseMessage[] {
  const result = runSync(fromSSE(source, options));
  expect(result.error).toBeUndefined();
  expect(result.completed).toBe(true);
  return result.values;
}

const event = (data: string, name?: string, id?: string): SseMessage => ({ type: 'event', data, event: name, id });

describe('fromSSE with hostile bytes', () => {
  describe('byte order marks', () => {
    it('strips one leading UTF-8 BOM', () => {
      expect(messages(chunks(bytes(BOM, 'data: a\n\n')))).toEqual([event('a')]);
    });

    it('keeps a second BOM as part of the field name, so that line is ignored', () => {
      expect(messages(chunks(bytes(BOM, BOM, 'data: a\n\ndata: b\n\n')))).toEqual([event('b')]);
      // Text sources too, even when the first chunk is the BOM alone.
      expect(messages(from(['\uFEFF', '\uFEFFdata: a\n\n', 'data: b\n\n']))).toEqual([event('b')]);
      expect(messages('\uFEFF\uFEFFdata: a\n\ndata: b\n\n')).toEqual([event('b')]);
    });

    it('strips a BOM split across chunks', () => {
      expect(messages(chunks([0xef], [0xbb], bytes([0xbf], 'data: a\n\n')))).toEqual([event('a')]);
      expect(messages(byteByByte(bytes(BOM, 'data: a\n\n')))).toEqual([event('a')]);
    });

    it('reads a UTF-16 BOM as U+FFFD characters, so the line they start is ignored', () => {
      expect(messages(chunks(bytes([0xff, 0xfe], 'data: a\n\ndata: b\n\n')))).toEqual([event('b')]);
      expect(messages(chunks(bytes([0xfe, 0xff], 'data: a\n\ndata: b\n\n')))).toEqual([event('b')]);
    });

    it('strips only a real BOM, not a BOM-looking first character of text', () => {
      expect(messages(chunks('\u200Bdata: a\n\ndata: b\n\n'))).toEqual([event('b')]);
    });
  });

  describe('encoding', () => {
    it('decodes UTF-8 whatever the charset of the response says', () => {
      const body = bytes('data: {"t":"é — 日本 😀"}\n\n');
      const response = new Response(body as unknown as BodyInit, {
        status: 200,
        headers: { 'content-type': 'text/event-stream; charset=iso-8859-1' },
      });
      return new Promise<void>((resolve, reject) => {
        const seen: SseMessage[] = [];
        fromSSE(response).subscribe({
          next: (message) => seen.push(message),
          error: reject,
          complete: () => {
            expect(seen).toEqual([event('{"t":"é — 日本 😀"}')]);
            resolve();
          },
        });
      });
    });

    it('keeps a multi-byte character whole when its bytes arrive in separate chunks', () => {
      expect(messages(byteByByte('data: 日本😀\n\n'))).toEqual([event('日本😀')]);
    });

    it('turns invalid UTF-8 into U+FFFD instead of failing', () => {
      expect(messages(chunks(bytes('data: caf', [0xe9], '\n\n')))).toEqual([event('caf\uFFFD')]);
      // A character cut by the end of the stream.
      expect(messages(chunks(bytes('data: x', [0xe6, 0x97])))).toEqual([{ ...event('x\uFFFD'), unterminated: true }]);
    });
  });

  describe('line endings', () => {
    const stream = (eol: string) => `event: e1${eol}data: a${eol}data: b${eol}${eol}: c${eol}data: d${eol}${eol}`;
    const expected = [event('a\nb', 'e1'), { type: 'comment', comment: 'c' }, event('d')];

    it.each([
      ['LF', '\n'],
      ['CR', '\r'],
      ['CRLF', '\r\n'],
    ])('reads %s line endings', (_name, eol) => {
      expect(messages(chunks(stream(eol)))).toEqual(expected);
      expect(messages(byteByByte(stream(eol)))).toEqual(expected);
    });

    it('reads mixed line endings in one stream', () => {
      expect(messages(chunks('event: e1\r\ndata: a\rdata: b\n\r\n: c\rdata: d\r\n\n'))).toEqual(expected);
    });

    it('reads a CRLF split across chunks as one line ending', () => {
      // Were the LF a second line ending, it would be a blank line and split the event in two.
      expect(messages(chunks('data: a\r', '\ndata: b\r', '\n\r', '\n'))).toEqual([event('a\nb')]);
    });

    it('reads CR CR LF split across chunks as a line ending and a blank line', () => {
      for (const parts of [
        ['data: a\r', '\r\n', 'data: b\n\n'],
        ['data: a\r\r', '\ndata: b\n\n'],
        ['data: a\r', '\r', '\n', 'data: b\n\n'],
      ]) {
        expect(messages(chunks(...parts))).toEqual([event('a'), event('b')]);
      }
    });

    it('dispatches an event ended by CR CR at once, without waiting for the next byte', () => {
      const seen: SseMessage[] = [];
      let seenBeforeMoreBytes: SseMessage[] = [];
      const source = new Observable<SseChunk>((subscriber) => {
        subscriber.next(bytes('data: a\r\r'));
        seenBeforeMoreBytes = [...seen];
        subscriber.complete();
      });
      fromSSE(source).subscribe((message) => seen.push(message));
      expect(seenBeforeMoreBytes).toEqual([event('a')]);
      expect(seen).toEqual([event('a')]);
    });

    it('reads the same messages when every byte is its own chunk', () => {
      const text = toSseText(
        streamedEvents([items.reasoning('rs_1', 'Überlegung 🤔'), items.message('msg_1', 'Grüße, 世界!')]),
        {
          lineEnding: '\r\n',
        },
      );
      expect(messages(byteByByte(text))).toEqual(messages(chunks(text)));
    });
  });

  describe('comments and fields', () => {
    it('emits comment lines, including empty ones, ones holding NUL and long ones', () => {
      const long = 'x'.repeat(1_000_000);
      expect(messages(chunks(`: ping\n:\n:a\0b\n: ${long}\ndata: a\n\n`))).toEqual([
        { type: 'comment', comment: 'ping' },
        { type: 'comment', comment: '' },
        { type: 'comment', comment: 'a\0b' },
        { type: 'comment', comment: long },
        event('a'),
      ]);
    });

    it('keeps a comment between the data lines of an event from splitting it', () => {
      expect(messages(chunks('data: a\n: keep-alive\ndata: b\n\n'))).toEqual([
        { type: 'comment', comment: 'keep-alive' },
        event('a\nb'),
      ]);
    });

    it('reads a field with no colon as that field with an empty value', () => {
      // `data` alone appends an empty line: the event has empty data. Unknown fields without colon are ignored.
      expect(messages(chunks('data\n\nfoo\ndata: a\n\nevent\ndata: b\n\n'))).toEqual([
        event(''),
        event('a'),
        event('b'),
      ]);
    });

    it('removes exactly one space after the colon, and keeps a tab', () => {
      expect(messages(chunks('data:a\n\ndata: a\n\ndata:  a\n\ndata:\ta\n\ndata: \ta \n\n'))).toEqual([
        event('a'),
        event('a'),
        event(' a'),
        event('\ta'),
        event('\ta '),
      ]);
    });

    it('joins multi-line data with LF, keeping empty lines', () => {
      expect(messages(chunks('data: a\ndata:\ndata: b\ndata\n\n'))).toEqual([event('a\n\nb\n')]);
    });

    it('treats field names as case-sensitive and ignores unknown fields', () => {
      expect(messages(chunks('Data: a\nDATA: b\nEvent: x\nfoo: bar\nretry: abc\nretry: 10\ndata: c\n\n'))).toEqual([
        event('c'),
      ]);
    });

    it('dispatches nothing for a block without data, and forgets its event name and id', () => {
      expect(messages(chunks('event: x\nid: 7\n\ndata: a\n\n'))).toEqual([event('a')]);
      expect(messages(chunks('event: x\nid: 7\ndata: a\n\n'))).toEqual([event('a', 'x', '7')]);
    });
  });

  describe('the end of the stream', () => {
    it('dispatches an unterminated final block, marked unterminated', () => {
      expect(messages(chunks('data: a\n\ndata: b'))).toEqual([event('a'), { ...event('b'), unterminated: true }]);
      expect(messages(chunks('data: a\n\ndata: b\n'))).toEqual([event('a'), { ...event('b'), unterminated: true }]);
      expect(messages(chunks('data: a\n\ndata: b\r'))).toEqual([event('a'), { ...event('b'), unterminated: true }]);
    });

    it('delivers an unterminated final event holding complete JSON', () => {
      const text = toSseText([wire.created(), wire.completed([items.message('msg_1', 'Hi')])]).trimEnd();
      const result = runSync(responseEvents(text, { idleTimeoutMs: Infinity }));
      expect(result.completed).toBe(true);
      expect(result.values.map((e) => e.type)).toEqual(['created', 'outputItemDone', 'completed']);
    });

    it('fails with a typed error when the stream ends inside an event (truncated JSON)', () => {
      const text = toSseText([wire.created(), wire.completed([items.message('msg_1', 'Hi')])])
        .trimEnd()
        .slice(0, -10);
      // The cut event reaches toWireEvents marked unterminated…
      const last = runSync(fromSSE(text)).values.at(-1);
      expect(last).toMatchObject({ type: 'event', unterminated: true });
      // …and, as the team decided for issue 2, it is a MalformedEventError (not a silent clean end).
      const result = runSync(responseEvents(text, { idleTimeoutMs: Infinity }));
      expect(result.values.map((e) => e.type)).toEqual(['created']);
      expect(result.error).toBeInstanceOf(MalformedEventError);
      // With onMalformed: 'skip' the cut event is dropped and the stream still ends in a typed error.
      const skipped = runSync(responseEvents(text, { idleTimeoutMs: Infinity, onMalformed: 'skip' }));
      expect(skipped.error).toBeInstanceOf(StreamClosedError);
      expect(skipped.error).toMatchObject({ code: 'stream_closed', retryable: true });
      expect(runSync(fromSSE(text).pipe(toWireEvents({ onMalformed: 'skip' }))).completed).toBe(true);
    });

    it('still fails with MalformedEventError for invalid JSON in a terminated event', () => {
      const result = runSync(responseEvents('data: {"type": nope}\n\n', { idleTimeoutMs: Infinity }));
      expect(result.error).toBeInstanceOf(MalformedEventError);
    });
  });

  describe('size', () => {
    it('reads a 5 MB single event, in one chunk or in 64 KiB chunks', () => {
      const big = 'é'.repeat(2_500_000); // 5 MB of UTF-8
      const text = toSseText([
        wire.created(),
        wire.textDelta(big, { itemId: 'msg_1', outputIndex: 0 }),
        wire.completed([items.message('msg_1', big)]),
      ]);
      const all = bytes(text);
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < all.length; i += 65_536) pieces.push(all.subarray(i, i + 65_536));
      for (const source of [chunks(all), from(pieces)]) {
        const result = runSync(responseEvents(source, { idleTimeoutMs: Infinity }));
        expect(result.completed).toBe(true);
        const delta = result.values.find((e) => e.type === 'outputTextDelta');
        expect(delta?.type === 'outputTextDelta' && delta.delta.length).toBe(2_500_000);
      }
    });

    it('has a default maximum far above any real event', () => {
      expect(DEFAULT_MAX_EVENT_SIZE).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    });

    it('fails an endless line with EventTooLargeError past maxEventSize, reading a bounded amount', async () => {
      let pulled = 0;
      let returned = false;
      const endless: AsyncIterable<SseChunk> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            pulled += 100;
            return { value: 'data: ' + 'a'.repeat(94), done: false };
          },
          return: async () => {
            returned = true;
            return { value: undefined, done: true };
          },
        }),
      };
      const error = await new Promise<unknown>((resolve) =>
        fromSSE(endless, { maxEventSize: 10_000 }).subscribe({ error: resolve }),
      );
      expect(error).toBeInstanceOf(EventTooLargeError);
      expect(error).toMatchObject({ code: 'event_too_large', maxEventSize: 10_000, retryable: false });
      // The memory backstop (twice the limit plus a field name), plus the chunk that crossed it: nothing is pulled
      // after the error.
      expect(pulled).toBeLessThanOrEqual(2 * 10_000 + 7 + 100);
      expect(returned).toBe(true);
    });

    it('counts a whole multi-line event, and a long comment line, against maxEventSize', () => {
      // The limit holds for an event's joined data, across lines and chunks, and for a comment split byte by byte.
      const lines = Array.from({ length: 200 }, () => 'data: 0123456789\n');
      expect(runSync(fromSSE(chunks(...lines, '\n'), { maxEventSize: 1000 })).error).toBeInstanceOf(EventTooLargeError);
      expect(runSync(fromSSE(chunks(...lines, '\n'), { maxEventSize: 10_000 })).completed).toBe(true);
      const longComment = `: ${'c'.repeat(5000)}`;
      expect(runSync(fromSSE(byteByByte(longComment), { maxEventSize: 1000 })).error).toBeInstanceOf(
        EventTooLargeError,
      );
    });

    it('rejects a maxEventSize that is not a positive integer when called', () => {
      expect(() => fromSSE('', { maxEventSize: 0 })).toThrow(TypeError);
      expect(() => fromSSE('', { maxEventSize: 1.5 })).toThrow(TypeError);
    });
  });

  describe('event names and JSON types', () => {
    it('lets the JSON type win over an event: name that disagrees (documented on parseWireEvent)', () => {
      const text =
        'event: response.completed\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n' +
        'event: response.created\ndata: {"type":"response.output_text.delta","item_id":"m","output_index":0,"delta":"Hi"}\n\n' +
        'event: error\n' +
        `data: ${JSON.stringify(wire.completed([items.message('m', 'Hi')]))}\n\n`;
      const result = runSync(responseEvents(text, { idleTimeoutMs: Infinity }));
      expect(result.completed).toBe(true);
      expect(result.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta', 'outputItemDone', 'completed']);
    });
  });

  describe('a body that is not an event stream', () => {
    const html = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>data: nope</body></html>\n';

    it('fails with ProtocolMismatchError on an HTML page', () => {
      const result = runSync(fromSSE(chunks(html)));
      expect(result.error).toBeInstanceOf(ProtocolMismatchError);
      expect(result.error).toMatchObject({ code: 'protocol_mismatch', detected: 'HTML page', retryable: false });
      expect(result.values).toEqual([]);
      // Leading whitespace and CRLF do not hide it.
      expect(runSync(fromSSE(chunks(`\r\n  ${html}`))).error).toBeInstanceOf(ProtocolMismatchError);
    });

    it('fails with ProtocolMismatchError on a plain JSON body', () => {
      const result = runSync(fromSSE(chunks('{"error":{"message":"Invalid API key","code":"invalid_api_key"}}')));
      expect(result.error).toMatchObject({ code: 'protocol_mismatch', detected: 'plain JSON' });
    });

    it('decides on the first line only: a later line starting with < or { is not an HTML page or a JSON body', () => {
      const markdown = '# Notes\n\nSee: the docs\n<!-- a comment -->\n{"a":1}\n';
      const result = runSync(fromSSE(chunks(markdown)));
      expect(result.error).toBeUndefined();
      expect(result.values).toEqual([]);
      expect(runSync(fromSSE(byteByByte(markdown))).error).toBeUndefined();
    });

    it('ignores such lines once the stream has shown itself to be SSE (WHATWG rules)', () => {
      expect(messages(chunks(': ok\n<p>\n{x}\ndata: a\n\n'))).toEqual([{ type: 'comment', comment: 'ok' }, event('a')]);
    });
  });
});
