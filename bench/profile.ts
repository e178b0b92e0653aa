/**
 * Profiling helper: `node --cpu-prof -r ts-node/register/transpile-only bench/profile.ts <competitor> <shape|file> <bytes> <chunk> [reps]`
 * consumes one generated stream `reps` times in this process (no child processes), for `--cpu-prof`.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { COMPETITORS, type CompetitorName } from './competitors';
import { type BenchShape, generateStream } from './generate';
import { byteStream } from './byteStream';

async function main(): Promise<void> {
  const [name = 'responses-rx', shape = 'streamed', size = '200000', chunk = '16384', repsArg = '20'] =
    process.argv.slice(2);
  const consume = COMPETITORS[name as CompetitorName].load();
  // `shape` may name a file of SSE bytes instead (so profiles show no generation).
  const bytes = existsSync(shape)
    ? new Uint8Array(readFileSync(shape))
    : generateStream(shape as BenchShape, Number(size));
  const times: number[] = [];
  for (let i = 0; i < Number(repsArg); i++) {
    const start = performance.now();
    await consume(byteStream(bytes, Number(chunk)));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(
    `${name} ${shape} ${bytes.length} B in ${chunk} B chunks: median ${times[times.length >> 1]?.toFixed(2)} ms, min ${times[0]?.toFixed(2)} ms\n`,
  );
}

void main();
