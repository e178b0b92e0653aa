/**
 * The mixed mode of `npm run bench`, in one warm process: small and medium streams of every provider shape, in
 * 16 KiB, 1 KiB and 64-byte chunks, read interleaved (a seeded shuffle of the cells each round, the competitors'
 * order alternating) as a server that reads every shape does. Each stream is timed on its own; each cell reports the
 * median per competitor and its ratio to the floor's median in the same cell, measured the same way in the same
 * process. Call sites that saw many shapes stay warm and polymorphic, which the per-cell processes of `bench/run.ts`
 * never show.
 *
 * `node mixed.js <out json> [--rounds N] [--competitors floor,responses-rx] [--baseline DIR]` (compiled by
 * `bench/compile.ts`); `--baseline DIR` adds a competitor `baseline` reading with another compiled copy of lib/ in
 * the same process, for paired before/after comparisons that the machine's load cannot skew. Progress goes to stderr
 * one line per round; the result to the out file as JSON ({@link MixedResult}).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { COMPETITORS, type CompetitorName, type Consume, responsesRxFrom } from './competitors';
import { BENCH_SHAPES, type BenchShape, generateStream, prng } from './generate';
import { byteStream } from './byteStream';

/** The stream sizes of the mixed mode: two small (a typical chat turn) and one medium. */
export const MIXED_SIZES = [
  { label: '4 KB', bytes: 4_000, small: true },
  { label: '16 KB', bytes: 16_000, small: true },
  { label: '200 KB', bytes: 200_000, small: false },
] as const;

/** The chunk sizes of the mixed mode. */
export const MIXED_CHUNKS = [
  { label: '16 KiB', bytes: 16 * 1024 },
  { label: '1 KiB', bytes: 1024 },
  { label: '64 B', bytes: 64 },
] as const;

/** One cell's medians. */
export interface MixedCell {
  readonly shape: BenchShape;
  readonly sizeLabel: string;
  readonly chunkLabel: string;
  readonly small: boolean;
  readonly bytes: number;
  readonly events: number;
  /** Median ms per stream, by competitor. */
  readonly ms: Readonly<Record<string, number>>;
  /** How many streams each competitor read in this cell (timed). */
  readonly samples: number;
}

export interface MixedResult {
  readonly competitors: readonly string[];
  readonly rounds: number;
  readonly cells: readonly MixedCell[];
  readonly seconds: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

interface Run {
  readonly shape: BenchShape;
  readonly size: (typeof MIXED_SIZES)[number];
  readonly chunk: (typeof MIXED_CHUNKS)[number];
  readonly bytes: Uint8Array;
  /** Small streams are read several times per round, so every cell gets enough samples. */
  readonly repeat: number;
  readonly times: Map<string, number[]>;
  events: number;
}

/**
 * Runs the mixed mode: `rounds` rounds over every cell, after two untimed rounds of warm-up.
 *
 * @param onRound called after each round with its number (progress).
 */
export async function runMixed(
  consumers: ReadonlyMap<string, Consume>,
  rounds: number,
  onRound: (round: number, total: number) => void = () => undefined,
): Promise<MixedResult> {
  const started = performance.now();
  const runs: Run[] = [];
  for (const shape of BENCH_SHAPES) {
    for (const size of MIXED_SIZES) {
      const bytes = generateStream(shape, size.bytes);
      for (const chunk of MIXED_CHUNKS) {
        runs.push({ shape, size, chunk, bytes, repeat: size.small ? 4 : 1, times: new Map(), events: 0 });
      }
    }
  }
  const names = [...consumers.keys()];
  const random = prng(16);
  const warmup = 2;
  for (let round = 1 - warmup; round <= rounds; round++) {
    const order = runs.map((run) => ({ run, key: random() })).sort((a, b) => a.key - b.key);
    for (const { run } of order) {
      for (let r = 0; r < run.repeat; r++) {
        // The competitors' order turns every round and every repeat, so neither always follows the other.
        for (let i = 0; i < names.length; i++) {
          const name = names[(i + round + r + names.length * 4) % names.length] as string;
          const consume = consumers.get(name) as Consume;
          const start = performance.now();
          const events = await consume(byteStream(run.bytes, run.chunk.bytes));
          const ms = performance.now() - start;
          if (round < 1) continue;
          if (name === names[0]) run.events = events;
          const list = run.times.get(name) ?? [];
          list.push(ms);
          run.times.set(name, list);
        }
      }
    }
    if (round >= 1) onRound(round, rounds);
  }
  const cells = runs.map((run): MixedCell => ({
    shape: run.shape,
    sizeLabel: run.size.label,
    chunkLabel: run.chunk.label,
    small: run.size.small,
    bytes: run.bytes.length,
    events: run.events,
    ms: Object.fromEntries(names.map((name) => [name, median(run.times.get(name) ?? [])])),
    samples: run.times.get(names[0] as string)?.length ?? 0,
  }));
  return { competitors: names, rounds, cells, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const out = argv[0];
  if (out === undefined || out.startsWith('--')) throw new TypeError('usage: mixed <out json> [--rounds N] …');
  const rounds = Number(value('--rounds') ?? 60);
  const names = (value('--competitors') ?? 'floor,responses-rx').split(',') as CompetitorName[];
  const consumers = new Map<string, Consume>();
  for (const name of names) {
    const competitor = COMPETITORS[name];
    if (competitor === undefined) throw new TypeError(`unknown competitor ${name}`);
    consumers.set(name, competitor.load());
  }
  const baseline = value('--baseline');
  if (baseline !== undefined) consumers.set('baseline', responsesRxFrom(baseline));
  const result = await runMixed(consumers, rounds, (round, total) =>
    process.stderr.write(`mixed round ${round}/${total}\n`),
  );
  writeFileSync(out, JSON.stringify(result));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
