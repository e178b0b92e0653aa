/**
 * Resource hygiene without HTTP: after completion, error and early unsubscribe, the source is released (a web
 * stream's reader cancelled, an async iterator's `return()` called, nothing read after it) and no timer is left
 * pending.
 */
import { type SseChunk, responseEvents } from '../../lib';
import { items, streamedEvents, toSseText, wire } from '../../lib/testing';

const encoder = new TextEncoder();
const message = items.message('msg_1', 'Hello there');
const good = toSseText(streamedEvents([message], { deltaSize: 2 }));
/** More bytes after response.completed: a source that is not over when the consumer is. */
const trailing = toSseText([wire.textDelta('late'), wire.textDelta('later')]);

/** Lets pending promise jobs (reads, cancels) run; fake timers leave setImmediate alone. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A web stream serving `pieces` on demand, recording what happened to it. */
function webStream(pieces: readonly string[]) {
  const log = { pulled: 0, cancelled: false, pulledAfterCancel: 0 };
  const queue = pieces.map((piece) => encoder.encode(piece));
  const stream = new ReadableStream<SseChunk>(
    {
      pull(controller) {
        if (log.cancelled) log.pulledAfterCancel++;
        const next = queue.shift();
        log.pulled++;
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
      cancel() {
        log.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, log };
}

/** An async iterable serving `pieces`, then (when `hang`) a promise that never settles. */
function asyncIterable(pieces: readonly string[], hang = false) {
  const log = { nexts: 0, returned: false, nextAfterReturn: 0 };
  const queue = [...pieces];
  const iterable: AsyncIterable<SseChunk> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (log.returned) log.nextAfterReturn++;
        log.nexts++;
        const piece = queue.shift();
        if (piece === undefined)
          return hang ? new Promise(() => undefined) : Promise.resolve({ value: undefined, done: true });
        return Promise.resolve({ value: encoder.encode(piece), done: false });
      },
      return: () => {
        log.returned = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    }),
  };
  return { iterable, log };
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function subscribeTo(source: Parameters<typeof responseEvents>[0]) {
  const seen = { values: 0, completed: false, error: undefined as unknown };
  const subscription = responseEvents(source, { idleTimeoutMs: 60_000 }).subscribe({
    next: () => seen.values++,
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

describe('resource hygiene (sources and timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('cancels a web stream and clears the idle timer when response.completed arrives before the end', async () => {
    const { stream, log } = webStream([...split(good, 40), ...split(trailing, 10)]);
    const { seen } = subscribeTo(stream);
    await settle();
    expect(seen.completed).toBe(true);
    expect(log.cancelled).toBe(true);
    expect(log.pulledAfterCancel).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('cancels a web stream and clears the idle timer on error', async () => {
    const { stream, log } = webStream(['data: {"type": nope}\n\n', ...split(good, 40)]);
    const { seen } = subscribeTo(stream);
    await settle();
    expect(seen.error).toMatchObject({ code: 'malformed_event' });
    expect(log.cancelled).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('cancels a stalled web stream and clears the idle timer on early unsubscribe', async () => {
    let cancelled = false;
    const stream = new ReadableStream<SseChunk>({
      start(controller) {
        controller.enqueue(encoder.encode(toSseText([wire.created(), wire.textDelta('Hel')])));
        // …and nothing more: the server stalls.
      },
      cancel() {
        cancelled = true;
      },
    });
    const { seen, subscription } = subscribeTo(stream);
    await settle();
    expect(seen.values).toBe(2);
    expect(jest.getTimerCount()).toBe(1); // the idle timer, waiting
    subscription.unsubscribe();
    await settle();
    expect(cancelled).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(seen.completed || seen.error !== undefined).toBe(false);
  });

  it('cancels a stalled web stream when the idle timer fires, leaving no timer', async () => {
    let cancelled = false;
    const stream = new ReadableStream<SseChunk>({
      start(controller) {
        controller.enqueue(encoder.encode(toSseText([wire.created()])));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { seen } = subscribeTo(stream);
    await settle();
    jest.advanceTimersByTime(59_999);
    expect(seen.error).toBeUndefined();
    jest.advanceTimersByTime(1);
    await settle();
    expect(seen.error).toMatchObject({ code: 'idle_timeout', idleMs: 60_000 });
    expect(cancelled).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer after a source that simply ends', async () => {
    const { stream, log } = webStream(split(good, 40));
    const { seen } = subscribeTo(stream);
    await settle();
    expect(seen.completed).toBe(true);
    expect(log.pulledAfterCancel).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([
    ['completion before the end', [...split(good, 40), ...split(trailing, 10)], false],
    ['an error', ['data: {"type": nope}\n\n', ...split(good, 40)], false],
  ])('calls return() on an async iterator after %s, and never next() again', async (_name, pieces, hang) => {
    const { iterable, log } = asyncIterable(pieces, hang);
    const { seen } = subscribeTo(iterable);
    await settle();
    expect(seen.completed || seen.error !== undefined).toBe(true);
    expect(log.returned).toBe(true);
    expect(log.nextAfterReturn).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('calls return() on a stalled async iterator on early unsubscribe', async () => {
    const { iterable, log } = asyncIterable([toSseText([wire.created()])], true);
    const { seen, subscription } = subscribeTo(iterable);
    await settle();
    expect(seen.values).toBe(1);
    subscription.unsubscribe();
    await settle();
    expect(log.returned).toBe(true);
    expect(log.nextAfterReturn).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
