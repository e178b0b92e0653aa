/**
 * Property: arbitrary bytes never throw out of `subscribe`, never hang (a synchronous source ends the stream before
 * `subscribe` returns), and cost work linear in their size.
 *
 * Work is counted, never timed: while the pipeline runs, every character scanned by `String.prototype.indexOf`
 * (how the SSE parser finds line ends), every character joined by `Array.prototype.join` (how it glues chunks of an
 * unfinished line), and every character handed to `JSON.parse` is counted. A parser that rescans its buffer per line
 * or per chunk shows up as work growing with the square of the input.
 */
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { from, tap } from 'rxjs';
import { ResponsesRxError, type SseChunk, StreamClosedError, responseEvents } from '../../lib';
import { configureFastCheck, runSync } from '../proof';
import { byteSoup, cutsOf } from './arbitraries';
import { splitAt } from '../../lib/testing';
import type { Observable } from 'rxjs';

configureFastCheck();

/** Runs `fn` and returns the characters it scanned, joined and parsed as JSON. */
function countWork(fn: () => void): number {
  const { indexOf } = String.prototype;
  const { join } = Array.prototype;
  const { parse } = JSON;
  let work = 0;
  String.prototype.indexOf = function (this: string, search: string, position?: number) {
    const start = Math.max(0, Math.min(position ?? 0, this.length));
    const found = indexOf.call(this, search, start);
    work += (found === -1 ? this.length : found + search.length) - start;
    return found;
  };
  Array.prototype.join = function (this: unknown[], separator?: string) {
    const joined = join.call(this, separator);
    work += joined.length;
    return joined;
  };
  JSON.parse = function (text: string, reviver?: Parameters<typeof parse>[1]) {
    work += text.length;
    return parse(text, reviver);
  } as typeof JSON.parse;
  try {
    fn();
  } finally {
    String.prototype.indexOf = indexOf;
    Array.prototype.join = join;
    JSON.parse = parse;
  }
  return work;
}

/**
 * Pushes chunks through the whole pipeline, counting the chunks it reads from the source (as it pulls them, not
 * before), and how many it had read when the stream ended.
 */
function consume(chunks: readonly Uint8Array[]) {
  let reads = 0;
  let readsAtEnd: number | undefined;
  const counted: Iterable<SseChunk> = {
    *[Symbol.iterator]() {
      for (const chunk of chunks) {
        reads++;
        yield chunk;
      }
    },
  };
  const ended = (): void => {
    readsAtEnd = reads;
  };
  const source: Observable<SseChunk> = from(counted);
  let result: ReturnType<typeof runSync> | undefined;
  const work = countWork(() => {
    result = runSync(responseEvents(source, { idleTimeoutMs: Infinity }).pipe(tap({ error: ended, complete: ended })));
  });
  return { result: result!, work, reads, readsAtEnd };
}

const LINEAR = (bytes: number) => 40 * bytes + 2_000;

describe('arbitrary bytes (property)', () => {
  it('never throws out of subscribe, never hangs, ends with a typed error or a completion, in linear work', () => {
    fc.assert(
      fc.property(
        byteSoup.chain((bytes) => fc.tuple(fc.constant(bytes), cutsOf(bytes))),
        ([bytes, cuts]) => {
          const chunks = splitAt(bytes, cuts);
          const { result, work, reads, readsAtEnd } = consume(chunks);
          expect(result.terminals).toBe(1);
          // Read up to the chunk that ended the stream (all of them when the bytes ran out first), nothing after.
          expect(readsAtEnd).toBeGreaterThanOrEqual(1);
          expect(reads).toBe(readsAtEnd);
          if (result.error instanceof StreamClosedError) expect(reads).toBe(chunks.length);
          if (!result.completed) expect(result.error).toBeInstanceOf(ResponsesRxError);
          expect(work).toBeLessThanOrEqual(LINEAR(bytes.length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['CR line endings in one chunk', (n: number) => [enc('data: x\r\r'.repeat(n / 10))]],
    ['bare CRs in one chunk', (n: number) => [enc('\r'.repeat(n))]],
    ['one long line, byte by byte', (n: number) => Array.from(enc('data: ' + 'a'.repeat(n)), (b) => Uint8Array.of(b))],
    ['one long line, each chunk ending in CR', (n: number) => Array.from({ length: n / 10 }, () => enc('data: abc\r'))],
    ['many tiny events', (n: number) => [enc('data: {"type":"keepalive"}\n\n'.repeat(n / 28))]],
    [
      'many comment lines with LF in small chunks',
      (n: number) => Array.from({ length: n / 10 }, () => enc(':comment\n')),
    ],
  ])('costs linear work for %s', (_name, make) => {
    for (const n of [20_000, 200_000]) {
      const chunks = make(n);
      const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      const { result, work } = consume(chunks);
      expect(result.terminals).toBe(1);
      expect(work).toBeLessThanOrEqual(LINEAR(size));
    }
  });

  it('has a work meter that catches quadratic parsing (the raw parser on bare CRs)', () => {
    const n = 20_000;
    const parser = createParser({ onEvent: () => undefined });
    const work = countWork(() => parser.feed('\r'.repeat(n)));
    expect(work).toBeGreaterThan(LINEAR(n) * 4);
  });
});

function enc(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
