/**
 * Many at once, in a fresh process: `node many.js <competitor> <bytes file> <chunk size> <count>` starts `count`
 * streams of the same bytes (in-memory web `ReadableStream`s, no HTTP) at the same moment and waits for all of them.
 * A first, smaller batch (a tenth) warms the code up untimed. Prints one JSON line ({@link ManyResult}): the time until
 * the last stream ended, the CPU time the process spent meanwhile (less sensitive than the time to other processes on a
 * shared machine), and the peak RSS (the kernel's `maxrss`, read once at the end: sampling the RSS while the streams
 * ran cost up to 150 µs per sample, timed with the streams) against the RSS just before the batch.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { COMPETITORS, type CompetitorName } from './competitors';
import { byteStream } from './byteStream';

/** What one run of many concurrent streams reports. */
export interface ManyResult {
  readonly count: number;
  /** From starting the first stream to the end of the last, in ms. */
  readonly totalMs: number;
  /** The RSS just before the batch started, in bytes. */
  readonly startRss: number;
  /** The highest RSS of the process (the kernel's `maxrss`), in bytes: the batch's peak, larger than the warm-up's. */
  readonly peakRss: number;
  /** The CPU time (user and system, every thread: GC included) from the first stream to the end of the last, in ms. */
  readonly cpuMs: number;
  readonly events: number;
}

async function main(): Promise<void> {
  const [name, file, chunkArg, countArg] = process.argv.slice(2);
  const competitor = COMPETITORS[name as CompetitorName];
  const count = Number(countArg);
  const chunk = Number(chunkArg);
  if (competitor === undefined || file === undefined || !(count > 0) || !(chunk > 0)) {
    throw new TypeError('usage: many <competitor> <file> <chunk size> <count>');
  }
  const bytes = new Uint8Array(readFileSync(file));
  const consume = competitor.load();
  const batch = (n: number): Promise<number[]> =>
    Promise.all(Array.from({ length: n }, () => consume(byteStream(bytes, chunk))));
  await batch(Math.max(1, Math.floor(count / 10)));
  (globalThis as { gc?: () => void }).gc?.();
  const startRss = process.memoryUsage.rss();
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const events = await batch(count);
  const totalMs = performance.now() - start;
  const cpu = process.cpuUsage(startCpu);
  const peakRss = Math.max(startRss, process.resourceUsage().maxRSS * 1024);
  const result: ManyResult = {
    count,
    totalMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    startRss,
    peakRss,
    events: events[0] ?? 0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
