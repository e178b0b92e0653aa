/**
 * Where SSE bytes come from, and how each kind of source becomes a lazy, cancellable Observable of chunks.
 *
 * @module
 */
import { Observable, isObservable } from 'rxjs';
import type { HeaderLookup } from '../http/retryAfter';
import { checkedBody } from './responseBody';

/** One piece of a byte stream: bytes, or text that was already decoded. */
export type SseChunk = Uint8Array | string;

/**
 * A fetch `Response` (or anything shaped like one: a `body` stream and a `status`; `headers`, `statusText` and
 * `text()` when it has them). Its status and content type are checked as `streamResponse` checks them.
 */
export interface ResponseLike {
  readonly body: ReadableStream<SseChunk> | null;
  readonly status: number;
  readonly statusText?: string;
  readonly headers?: HeaderLookup;
  text?(): Promise<string>;
}

/**
 * Anything responses-rx can read SSE from: a fetch `Response`, a web `ReadableStream`, an `AsyncIterable` of chunks
 * (a Node `Readable` is one), an `Observable` of chunks, or the whole stream at once as a `string` or as bytes (a
 * `Uint8Array`, e.g. the Node `Buffer` that `readFile` gives).
 */
export type SseSource =
  ResponseLike | ReadableStream<SseChunk> | AsyncIterable<SseChunk> | Observable<SseChunk> | string | Uint8Array;

/**
 * Turns any {@link SseSource} into a cold Observable of chunks. Nothing is read before subscribe; unsubscribing
 * before the end cancels the reader (web streams), or destroys a Node stream and calls `return()` on the iterator
 * (async iterables). A fetch `Response` is checked first, as `streamResponse` checks it: a non-2xx status fails with
 * `HttpError` (retryable for 408, 409, 429, 5xx; `retryAfterMs` from `retry-after`); a body whose content type is not
 * `text/event-stream` is read as SSE when its first non-blank bytes are SSE field lines, and otherwise fails with
 * `ResponseFailedError` (a JSON error object) or `UnexpectedContentTypeError`.
 *
 * ```
 * source:   (bytes arriving)
 * chunksOf(source)
 * result:   --c--c---c--|
 * ```
 *
 * ## Example
 * ```ts
 * import { chunksOf } from 'responses-rx';
 *
 * chunksOf('data: {"type":"response.created"}\n\n').subscribe(console.log);
 * ```
 *
 * @param source the stream to read.
 * @returns an Observable of the source's chunks, in order.
 * @throws TypeError when `source` is none of the supported kinds.
 */
export function chunksOf(source: SseSource): Observable<SseChunk> {
  // The usual source first, by its class: Node's web streams have a map of their own per instance, so every property
  // looked up on one (`lift`, `getReader`, …) is a lookup without cache, about a microsecond each for a small stream.
  if (NativeReadableStream !== undefined && source instanceof NativeReadableStream) return fromReadableStream(source);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    return new Observable<SseChunk>((subscriber) => {
      subscriber.next(source);
      subscriber.complete();
    });
  }
  if (isObservable(source)) return source as Observable<SseChunk>;
  if (isReadableStream(source)) return fromReadableStream(source);
  if (isResponseLike(source)) {
    const response = source;
    return fromPuller(() => checkedBody(response));
  }
  if (isAsyncIterable(source)) return fromAsyncIterable(source);
  throw new TypeError(
    `Unsupported SSE source (${describe(source)}): pass a fetch Response, a ReadableStream, an AsyncIterable ` +
      `(e.g. a Node Readable), an Observable of Uint8Array or string chunks, a string, or a Uint8Array (e.g. a Buffer).`,
  );
}

/** The platform's `ReadableStream` class, where there is one (streams of another realm are recognized by shape). */
const NativeReadableStream: typeof ReadableStream | undefined =
  typeof ReadableStream === 'function' ? ReadableStream : undefined;

/** A pull-based reader: `next()` gives the next chunk, `cancel()` releases the source early. */
interface Puller {
  next(): Promise<IteratorResult<SseChunk>>;
  cancel(): void;
}

/**
 * Pulls chunks one at a time while subscribed; never pulls again once unsubscribed (an error thrown by a consumer of
 * the last chunk unsubscribes too). Unsubscribing before the end cancels the source.
 */
function fromPuller(open: () => Puller): Observable<SseChunk> {
  return new Observable<SseChunk>((subscriber) => {
    const puller = open();
    let finished = false;
    const pump = async (): Promise<void> => {
      try {
        while (!subscriber.closed) {
          const { value, done } = await puller.next();
          if (done) {
            finished = true;
            subscriber.complete();
            return;
          }
          if (subscriber.closed) return;
          subscriber.next(value);
        }
      } catch (error) {
        finished = true;
        subscriber.error(error);
      }
    };
    void pump();
    return () => {
      if (finished) return;
      finished = true;
      puller.cancel();
    };
  });
}

function fromReadableStream(stream: ReadableStream<SseChunk>): Observable<SseChunk> {
  return fromPuller(() => {
    const reader = stream.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<SseChunk>>,
      cancel: () => void reader.cancel().catch(() => undefined),
    };
  });
}

function fromAsyncIterable(iterable: AsyncIterable<SseChunk>): Observable<SseChunk> {
  return fromPuller(() => {
    const iterator = iterable[Symbol.asyncIterator]();
    return {
      next: () => iterator.next(),
      cancel: () => {
        // An async generator queues return() behind a pending next(), which a stalled stream never settles: destroy a
        // Node stream directly, so its socket closes now.
        const destroy = (iterable as { destroy?: unknown }).destroy;
        if (typeof destroy === 'function') destroy.call(iterable);
        Promise.resolve(iterator.return?.()).catch(() => undefined);
      },
    };
  });
}

function isReadableStream(value: unknown): value is ReadableStream<SseChunk> {
  return typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function';
}

function isResponseLike(value: unknown): value is ResponseLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'body' in value &&
    typeof (value as ResponseLike).status === 'number' &&
    ((value as ResponseLike).body === null || isReadableStream((value as ResponseLike).body))
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<SseChunk> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<SseChunk>)[Symbol.asyncIterator] === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
