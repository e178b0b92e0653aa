/**
 * Linear work, proven by counting, not by timing: a stream fed in 64-byte chunks costs a bounded number of bytes
 * decoded, characters handed to the SSE parser, characters scanned for line ends (every `String#indexOf`, the
 * parser's included) and characters handed to `JSON.parse`, per byte, at 200 KB as at 2 MB. A parser that re-scanned
 * its buffered line on every chunk would scan ~bytes²/128 characters here, thousands of times more.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { responseEvents, type ResponseEvent } from 'responses-rx';
import { splitBytes } from 'responses-rx/testing';
import { type BenchShape, generateStream } from '../../bench/generate';

/** Work counted while the pipeline runs. */
const work = { feeds: 0, fedChars: 0, decodes: 0, decodedBytes: 0, parses: 0, parsedChars: 0, scannedChars: 0 };

jest.mock('eventsource-parser', () => {
  const actual = jest.requireActual<typeof import('eventsource-parser')>('eventsource-parser');
  return {
    ...actual,
    createParser: (callbacks: Parameters<typeof actual.createParser>[0]) => {
      const parser = actual.createParser(callbacks);
      return {
        ...parser,
        feed: (chunk: string) => {
          work.feeds++;
          work.fedChars += chunk.length;
          parser.feed(chunk);
        },
      };
    },
  };
});

function countWork<T>(run: () => Promise<T>): Promise<{ result: T; counted: typeof work }> {
  const decode = TextDecoder.prototype.decode;
  const parse = JSON.parse;
  const indexOf = String.prototype.indexOf;
  for (const key of Object.keys(work) as (keyof typeof work)[]) work[key] = 0;
  TextDecoder.prototype.decode = function (
    this: TextDecoder,
    input?: AllowSharedBufferSource,
    options?: TextDecodeOptions,
  ) {
    work.decodes++;
    work.decodedBytes += input === undefined ? 0 : input.byteLength;
    return decode.call(this, input, options);
  };
  JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    work.parses++;
    work.parsedChars += text.length;
    return parse(text, reviver) as unknown;
  };
  String.prototype.indexOf = function (this: string, search: string, position?: number) {
    const start = Math.max(0, Math.min(position ?? 0, this.length));
    const found = indexOf.call(this, search, start);
    work.scannedChars += found === -1 ? this.length - start : found - start + search.length;
    return found;
  };
  return run()
    .then((result) => ({ result, counted: { ...work } }))
    .finally(() => {
      TextDecoder.prototype.decode = decode;
      JSON.parse = parse;
      String.prototype.indexOf = indexOf;
    });
}

async function measure(
  shape: BenchShape,
  targetBytes: number,
): Promise<{ bytes: number; total: number; counted: typeof work; events: ResponseEvent[] }> {
  const bytes = generateStream(shape, targetBytes);
  const chunks = splitBytes(bytes, 64);
  const { result, counted } = await countWork(() => lastValueFrom(responseEvents(from(chunks)).pipe(toArray())));
  const total = counted.decodedBytes + counted.fedChars + counted.scannedChars + counted.parsedChars;
  return { bytes: bytes.length, total, counted, events: result };
}

describe('linear work on streams fed in 64-byte chunks', () => {
  it.each<BenchShape>(['final-only', 'streamed'])(
    '%s: at most 12 units of work per byte, at 200 KB and at 2 MB alike',
    async (shape) => {
      const small = await measure(shape, 200_000);
      const large = await measure(shape, 2_000_000);
      for (const run of [small, large]) {
        expect(run.events[run.events.length - 1]?.type).toBe('completed');
        // Every byte is decoded once, every character fed to the parser once (plus the closing blank line), every
        // event's JSON parsed once.
        // (The text has multi-byte characters: fewer characters than bytes.)
        expect(run.counted.decodedBytes).toBe(run.bytes);
        expect(run.counted.fedChars).toBeGreaterThan(0.9 * run.bytes);
        expect(run.counted.fedChars).toBeLessThanOrEqual(run.bytes + 2);
        expect(run.counted.feeds).toBeGreaterThanOrEqual(Math.ceil(run.bytes / 64) - 1);
        expect(run.counted.feeds).toBeLessThanOrEqual(Math.ceil(run.bytes / 64) + 2);
        expect(run.counted.parsedChars).toBeGreaterThan(0.8 * run.bytes);
        expect(run.counted.parsedChars).toBeLessThanOrEqual(run.bytes);
        expect(run.counted.scannedChars).toBeGreaterThan(run.counted.fedChars);
        expect(run.total).toBeLessThanOrEqual(12 * run.bytes);
      }
      // Ten times the bytes, ten times the work (a quadratic parser would do a hundred times).
      const growth = large.total / large.bytes / (small.total / small.bytes);
      expect(growth).toBeGreaterThan(0.9);
      expect(growth).toBeLessThan(1.1);
    },
  );

  it('holds the final 200 KB event as one event: one JSON.parse of it, not one per chunk', async () => {
    const run = await measure('final-only', 200_000);
    // created, in_progress, output_item.done, completed
    expect(run.counted.parses).toBe(4);
  });
});
