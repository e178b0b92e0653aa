/**
 * Bytes to SSE messages, per the WHATWG event-stream rules (parsing by eventsource-parser).
 *
 * @module
 */
import { type EventSourceParser, createParser } from 'eventsource-parser';
import { Observable } from 'rxjs';
import { EventTooLargeError, ProtocolMismatchError } from '../errors';
import { subscribeWithin } from '../util/subscribeWithin';
import { type SseChunk, type SseSource, chunksOf } from './source';

/** A dispatched SSE event: its `data` (lines joined with LF), and `event` / `id` when the block set them. */
export interface SseEventMessage {
  readonly type: 'event';
  readonly data: string;
  readonly event?: string | undefined;
  readonly id?: string | undefined;
  /**
   * True on a last event whose blank line never came because the source ended first: it may have been cut short
   * (absent on every other event).
   */
  readonly unterminated?: true | undefined;
}

/** A comment line (`: keep-alive`), without the colon and one following space. */
export interface SseCommentMessage {
  readonly type: 'comment';
  readonly comment: string;
}

/** What {@link fromSSE} emits. */
export type SseMessage = SseEventMessage | SseCommentMessage;

/** Options of {@link fromSSE}. */
export interface FromSSEOptions {
  /**
   * The largest event `data` (its `data:` lines joined with LF), `event` name, `id` or comment, and the longest line
   * of an unknown field, in UTF-16 code units (JavaScript string length, after UTF-8 decoding; not bytes). One
   * longer fails the stream with `EventTooLargeError` where it ends, however the bytes were chunked: a whole source
   * (a string, a Buffer, a `Response`) the same as one streamed in pieces. To bound memory before that point (a
   * server that never sends a newline or a blank line), an unfinished line plus the data of its unfinished event
   * fails as soon as it buffers more than `2 * maxEventSize + 7` units, which only happens to an event or line that
   * is over the limit anyway.
   * @defaultValue 67108864 (64 Mi UTF-16 code units, far above any real event)
   */
  readonly maxEventSize?: number;
}

/** The default of {@link FromSSEOptions.maxEventSize}. */
export const DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024;

const BOM = 0xfeff;
const CR = 0x0d;
const LF = 0x0a;
const CR_OR_CRLF = /\r\n?/g;
/**
 * Decodes a stream's first chunk at once when it ends on a whole UTF-8 sequence: a small answer comes in one chunk,
 * and Node decodes ASCII at once 4–6 times faster than in stream mode (which a small answer paid about 3 µs for).
 * Later chunks stay in stream mode: switching modes within a long stream measured slower (a 200 KB answer in 64-byte
 * chunks, 5%). Stateless, so shared by every stream; BOMs are left in (see `SseDecoder.feedText`).
 */
const WHOLE_CHUNK_DECODER = utf8Decoder();

/** A UTF-8 decoder that leaves BOMs in (see `SseDecoder.feedText`). */
function utf8Decoder(): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}
/** The most characters handed to the parser at once (see `feed`). */
const FEED_SLICE = 64 * 1024;

/** What a first line no event stream starts with reveals: an HTML page (a proxy, a login page) or a plain JSON body. */
function notAnEventStream(line: string | undefined): string | undefined {
  const start = (line ?? '').trimStart();
  if (start.startsWith('<')) return 'HTML page';
  if (start.startsWith('{')) return 'plain JSON';
  return undefined;
}

/**
 * Parses a byte stream as Server-Sent Events. LF, CR and CRLF all end lines (a CR at the end of a chunk waits for
 * the next byte); UTF-8 is decoded in stream mode, so a character split across chunks stays whole; exactly one
 * leading BOM is stripped; comments are emitted as `comment` messages. A last event whose blank line never came is
 * still dispatched when the source completes, marked `unterminated`.
 *
 * One deviation from the WHATWG rules, which would ignore such lines: a body whose first line starts with `<` (an
 * HTML page) or `{` (a plain JSON body), before any event or comment, fails with `ProtocolMismatchError` instead of
 * ending as an empty stream.
 *
 * Lazy: nothing is read before subscribe. Unsubscribing, or an error, cancels the source.
 *
 * ```
 * bytes:   --"data: a\n"--"\n: ping\n"--"data: b"--|
 * fromSSE(bytes)
 * result:  --------------(a p)--------------------(b|)
 *          (a = event "a", p = comment "ping", b = event "b")
 * ```
 *
 * ## Example
 * ```ts
 * import { fromSSE } from 'responses-rx';
 *
 * fromSSE(await fetch(url)).subscribe((message) => {
 *   if (message.type === 'event') console.log(message.event, message.data);
 * });
 * ```
 *
 * @param source where the bytes come from (see {@link SseSource}).
 * @param options limits.
 * @returns an Observable of SSE messages.
 * @see responseEvents for the Responses API events parsed from these messages.
 */
export function fromSSE(source: SseSource, options: FromSSEOptions = {}): Observable<SseMessage> {
  const maxEventSize = maxEventSizeOf(options);
  const chunks$ = chunksOf(source);
  return new Observable<SseMessage>((subscriber) => {
    const decoder = new SseDecoder(subscriber, maxEventSize);
    subscribeWithin(subscriber, chunks$, {
      next: (chunk) => decoder.push(chunk),
      complete: () => {
        decoder.end();
        subscriber.complete();
      },
    });
  });
}

/**
 * The `maxEventSize` of {@link fromSSE}'s options, checked when the Observable is created.
 *
 * @internal
 * @throws TypeError when it is not a positive integer.
 */
export function maxEventSizeOf(options: FromSSEOptions): number {
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  if (!(Number.isInteger(maxEventSize) && maxEventSize > 0)) {
    throw new TypeError(`fromSSE: maxEventSize must be a positive integer, got ${String(options.maxEventSize)}`);
  }
  return maxEventSize;
}

/** Where an {@link SseDecoder} sends its messages: a subscriber, or a stage that reads them at once. */
export interface SseSink {
  readonly closed: boolean;
  next(message: SseMessage): void;
  error(error: unknown): void;
}

/**
 * The state of {@link fromSSE} for one stream, as an object (its methods are shared by every stream, no closures per
 * stream): UTF-8 decoding, the BOM, line-ending normalization and the SSE parser. `responseEvents` pushes chunks to
 * it directly, with a sink that parses each message at once.
 *
 * @internal
 */
export class SseDecoder {
  /** The stream-mode decoder, for every chunk of bytes after the first (or the first, if it ends inside a character). */
  private decoder: TextDecoder | undefined;
  private readonly parser: EventSourceParser;
  private atStart = true;
  private bomChecked = false; // the first character of the text was looked at (a BOM there is stripped)
  private pendingCR = false; // the text fed last ended with CR: a LF starting the next one completes that CRLF
  private emitted = false;
  private flushing = false;
  private firstChar: string | undefined; // the body's first non-blank character: only a first line can reveal a page

  constructor(
    private readonly sink: SseSink,
    maxEventSize: number,
  ) {
    // The limit is checked on what completes (a length comparison per event, comment or unknown line), so one chunk
    // and many give the same result. The parser's own check sees only what a chunk leaves unfinished (a line plus
    // the data of its event), so it is a memory backstop set high enough (a value past the limit behind a field
    // name of at most 7 units, or data already past it) never to fail a stream that the checks here would pass.
    const tooLarge = (): void => {
      if (!sink.closed) sink.error(new EventTooLargeError(maxEventSize));
    };
    this.parser = createParser({
      onEvent: (event) => {
        if (
          event.data.length > maxEventSize ||
          (event.event !== undefined && event.event.length > maxEventSize) ||
          (event.id !== undefined && event.id.length > maxEventSize)
        )
          return tooLarge();
        this.emitted = true;
        const message: SseEventMessage = { type: 'event', data: event.data, event: event.event, id: event.id };
        sink.next(this.flushing ? { ...message, unterminated: true } : message);
      },
      onComment: (comment) => {
        if (comment.length > maxEventSize) return tooLarge();
        this.emitted = true;
        sink.next({ type: 'comment', comment });
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') return tooLarge();
        if (error.line !== undefined && error.line.length > maxEventSize) return tooLarge();
        if (error.type === 'unknown-field' && !this.emitted && (this.firstChar === '<' || this.firstChar === '{')) {
          const detected = notAnEventStream(error.line);
          if (detected !== undefined) sink.error(new ProtocolMismatchError({ detected, raw: error.line ?? '' }));
        }
      },
      maxBufferSize: 2 * maxEventSize + 7,
    });
  }

  /**
   * Feeds one chunk of the source. The first chunk of bytes, when it ends on a whole UTF-8 sequence (its last byte
   * ASCII, as SSE's line ends are), is decoded at once: the same text as stream mode gives, for a decoder holds bytes
   * only across an unfinished sequence. Every later chunk is decoded in stream mode, by a decoder of the stream's own.
   */
  push(chunk: SseChunk): void {
    if (this.sink.closed) return;
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    // Nothing decoded yet (`undefined >= 0x80`, an empty chunk, is false).
    else if (this.decoder === undefined && this.atStart && !(chunk[chunk.length - 1]! >= 0x80)) {
      text = WHOLE_CHUNK_DECODER.decode(chunk);
    } else text = (this.decoder ??= utf8Decoder()).decode(chunk, { stream: true });
    this.feedText(text);
  }

  /** Feeds decoded text, first stripping one BOM from the start of the stream's text. */
  private feedText(text: string): void {
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    this.feed(text);
  }

  /** The source ended: ends a last line and dispatches a last event whose blank line never came. */
  end(): void {
    if (this.decoder !== undefined) this.feedText(this.decoder.decode());
    this.flushing = true;
    if (!this.atStart) this.feed('\n\n');
  }

  private feed(input: string): void {
    // Fed in slices, so the parser's memory backstop also runs inside a whole source given at once (a string, a
    // Buffer): a line without end stops being joined after a bounded amount instead of parsed whole.
    if (input.length <= FEED_SLICE) return this.feedSlice(input);
    for (let start = 0; start < input.length && !this.sink.closed; start += FEED_SLICE)
      this.feedSlice(input.slice(start, start + FEED_SLICE));
  }

  private feedSlice(input: string): void {
    if (input.length === 0 || this.sink.closed) return;
    let text = input;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
      if (text.length === 0) return;
    }
    this.atStart = false;
    if (this.firstChar === undefined) this.firstChar = /\S/.exec(text)?.[0];
    this.pendingCR = text.charCodeAt(text.length - 1) === CR;
    // The parser sees LF endings only: its CR path rescans the rest of the chunk for each line (quadratic), and a
    // CR ending a chunk no longer waits for the next byte.
    this.parser.feed(text.indexOf('\r') === -1 ? text : text.replace(CR_OR_CRLF, '\n'));
  }
}
