/**
 * Bytes to SSE messages, per the WHATWG event-stream rules (parsing by eventsource-parser).
 *
 * @module
 */
import { createParser } from 'eventsource-parser';
import { Observable } from 'rxjs';
import { EventTooLargeError } from '../errors';
import { type SseSource, chunksOf } from './source';

/** A dispatched SSE event: its `data` (lines joined with LF), and `event` / `id` when the block set them. */
export interface SseEventMessage {
  readonly type: 'event';
  readonly data: string;
  readonly event?: string | undefined;
  readonly id?: string | undefined;
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
   * The most characters one unfinished line or event may buffer. Past it the stream fails with
   * `EventTooLargeError` instead of growing without bound (a server that never sends a newline).
   * @defaultValue 67108864 (64 Mi characters, far above any real event)
   */
  readonly maxEventSize?: number;
}

/** The default of {@link FromSSEOptions.maxEventSize}. */
export const DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024;

const BOM = 0xfeff;

/**
 * Parses a byte stream as Server-Sent Events. LF, CR and CRLF all end lines (a CR at the end of a chunk waits for
 * the next byte); UTF-8 is decoded in stream mode, so a character split across chunks stays whole; exactly one
 * leading BOM is stripped; comments are emitted as `comment` messages. A last event whose blank line never came is
 * still dispatched when the source completes.
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
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  if (!(Number.isInteger(maxEventSize) && maxEventSize > 0)) {
    throw new TypeError(`fromSSE: maxEventSize must be a positive integer, got ${String(options.maxEventSize)}`);
  }
  const chunks$ = chunksOf(source);
  return new Observable<SseMessage>((subscriber) => {
    const decoder = new TextDecoder('utf-8'); // strips one leading BOM itself, in stream mode
    let atStart = true;
    const parser = createParser({
      onEvent: (event) => subscriber.next({ type: 'event', data: event.data, event: event.event, id: event.id }),
      onComment: (comment) => subscriber.next({ type: 'comment', comment }),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') subscriber.error(new EventTooLargeError(maxEventSize));
      },
      maxBufferSize: maxEventSize,
    });
    const feed = (text: string): void => {
      if (text.length === 0 || subscriber.closed) return;
      atStart = false;
      parser.feed(text);
    };
    return chunks$.subscribe({
      next: (chunk) => {
        if (subscriber.closed) return;
        if (typeof chunk === 'string') {
          // Text sources were decoded elsewhere: strip their one leading BOM here.
          feed(atStart && chunk.charCodeAt(0) === BOM ? chunk.slice(1) : chunk);
        } else {
          feed(decoder.decode(chunk, { stream: true }));
        }
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        feed(decoder.decode());
        // Ends a last line and dispatches a last event whose blank line never came.
        if (!atStart) feed('\n\n');
        subscriber.complete();
      },
    });
  });
}
