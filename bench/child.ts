/**
 * One measurement, in a fresh process: `node child.js <competitor> <bytes file> <chunk size> <warm-up file>`.
 * Reads the bytes into memory and loads the competitor's library before timing. Then:
 * 1. consumes the warm-up stream (a short answer of the same shape, in the same chunks) 1000 times, or for 250 ms if
 *    that is less; the first pass is timed as `firstMs`, the cold cost of a first stream in a fresh process;
 * 2. consumes the cell's bytes, as a web `ReadableStream` delivering them in chunks of the given size, and repeats
 *    until 200 ms or 5000 streams have passed (one pass for big streams): the mean per stream is `warmingMs`. The
 *    optimizing compiler is still at work here: it compiles on a thread of its own, most of the code a stream runs is
 *    marked hot during the warm-up and compiled after it (`node --trace-opt`), and the time per stream falls by about a
 *    tenth over this window (a 200 KB stream). Its length depends on how much code there is to compile.
 * 3. if the cell's stream is short (more than one pass in step 2), repeats it untimed for 100 ms more (at most 5000
 *    streams), then times it again for 200 ms (at most 5000 streams): the mean per stream there is `ms`, the steady
 *    state. A big stream (one pass of 200 ms or more fills step 2) is timed on that one pass, as before, to stay
 *    within the parent's per-process limit: its `ms` is `warmingMs`, and includes what the compiler does meanwhile.
 * Prints one JSON line ({@link ChildResult}).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { byteStream } from './byteStream';
import { COMPETITORS, type CompetitorName } from './competitors';

/** What one child reports. */
export interface ChildResult {
  /** Mean time per stream over `reps` timed passes once the code settled (step 3), in ms. */
  readonly ms: number;
  readonly reps: number;
  /** Mean time per stream over the first 200 ms of the cell's stream, while the code is still being optimized, in ms. */
  readonly warmingMs: number;
  /** The time of the first (warm-up) stream in this process, in ms. */
  readonly firstMs: number;
  readonly events: number;
  readonly bytes: number;
  /** The process's peak resident set size, in bytes (the kernel's `maxrss`, and samples taken while reading). */
  readonly peakRss: number;
  /** The resident set size just before timing started, in bytes. */
  readonly startRss: number;
}

const SAMPLE_EVERY = 256 * 1024;
const WARMUP_MS = 250;
const WARMUP_MAX = 1000;
const MIN_TIME_MS = 200;
const SETTLE_MS = 100;
const MAX_REPS = 5000;

/** The bytes as a web stream of `size`-byte chunks, sampling the RSS every 256 KiB delivered. */
function sampledStream(bytes: Uint8Array, size: number, sample: () => void): ReadableStream<Uint8Array> {
  let nextSample = SAMPLE_EVERY;
  return byteStream(bytes, size, (delivered) => {
    if (delivered < nextSample) return;
    nextSample += SAMPLE_EVERY;
    sample();
  });
}

async function main(): Promise<void> {
  const [name, file, chunkArg, warmupFile] = process.argv.slice(2);
  const competitor = COMPETITORS[name as CompetitorName];
  const chunkSize = Number(chunkArg);
  if (competitor === undefined || file === undefined || warmupFile === undefined || !(chunkSize > 0)) {
    throw new TypeError(`usage: child <${Object.keys(COMPETITORS).join('|')}> <file> <chunk size> <warm-up file>`);
  }
  const bytes = new Uint8Array(readFileSync(file));
  const warmup = new Uint8Array(readFileSync(warmupFile));
  const consume = competitor.load();
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const startRss = process.memoryUsage.rss();
  const start = performance.now();
  await consume(sampledStream(warmup, chunkSize, sample));
  const firstMs = performance.now() - start;
  for (let passes = 1; passes < WARMUP_MAX && performance.now() - start < WARMUP_MS; passes++) {
    await consume(sampledStream(warmup, chunkSize, sample));
  }
  let events = 0;
  /** Repeats the cell's stream for `minMs` (at least once, at most 5000 times): its mean time per stream. */
  const repeat = async (minMs: number): Promise<{ readonly ms: number; readonly reps: number }> => {
    let reps = 0;
    let elapsed = 0;
    const from = performance.now();
    while (reps < MAX_REPS && elapsed < minMs) {
      events = await consume(sampledStream(bytes, chunkSize, sample));
      reps++;
      elapsed = performance.now() - from;
    }
    return { ms: elapsed / reps, reps };
  };
  const warming = await repeat(MIN_TIME_MS);
  let steady = warming;
  if (warming.reps > 1) {
    await repeat(SETTLE_MS);
    steady = await repeat(MIN_TIME_MS);
  }
  sample();
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const result: ChildResult = {
    ms: steady.ms,
    reps: steady.reps,
    warmingMs: warming.ms,
    firstMs,
    events,
    bytes: bytes.length,
    peakRss: peak,
    startRss,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
