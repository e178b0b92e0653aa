/**
 * `npm run bench`: generates realistic Responses streams (3 provider shapes × 3 sizes), delivers each in 16 KiB and
 * in 64-byte chunks to five competitors — the floor (eventsource-parser + TextDecoder + JSON.parse), the official
 * `openai` client, the Vercel AI SDK, responses-rx, and the repair path (responses-rx reading, then `serializeEvents`
 * writing the canonical SSE again) — alternating per cell over several rounds, each measurement in a fresh process;
 * then the repair path over loopback (`bench/proxy.ts`: first delta and whole stream, direct vs passthrough vs repair
 * server). Prints and writes `bench/results.md` with the medians.
 *
 * Then three sections of their own (`bench/sections.ts`): the mixed mode (one warm process reading small and medium
 * streams of every shape interleaved, each cell's ratio to the floor measured the same way in the same process), cold
 * start (fresh processes: `require` to the first event, and the RSS then) and many at once (1,000 concurrent small
 * streams in one process: total time and peak RSS per stream), each against the floor.
 *
 * Flags: `--rounds N` (default 5), `--timeout S` per process (default 4), `--out FILE` (default bench/results.md),
 * `--only shape` to run one shape, `--competitors floor,responses-rx` to run some, `--lib DIR` to measure another
 * copy of lib/ (a before/after), `--no-proxy` to skip the loopback section, `--no-tool-loop` to skip the 20-turn tool
 * loop over HTTP and over a WebSocket (`bench/toolLoop.ts`), `--sections cells,mixed,cold,many,proxy,tool-loop` to
 * run some sections only, `--mixed-rounds N` (default 60), `--cold-runs N` (default 15), `--many-runs N` (default 3),
 * `--many N` streams at once (default 1000).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { ChildResult } from './child';
import { bundle, compile } from './compile';
import { COMPETITORS, COMPETITOR_NAMES, type CompetitorName } from './competitors';
import { BENCH_CHUNKS, BENCH_SHAPES, BENCH_SIZES, type BenchShape, generateStream } from './generate';
import { measureProxy } from './proxy';
import { coldSection, manySection, mixedSection } from './sections';
import { measureToolLoop } from './toolLoop';

const SECTIONS = ['cells', 'mixed', 'cold', 'many', 'proxy', 'tool-loop'] as const;
type Section = (typeof SECTIONS)[number];

const ROOT = join(__dirname, '..');

interface Options {
  readonly rounds: number;
  readonly timeoutS: number;
  readonly out: string;
  readonly shapes: readonly BenchShape[];
  readonly competitors: readonly CompetitorName[];
  /** The responses-rx sources measured (lib/ unless `--lib DIR`, e.g. a copy without an optimization). */
  readonly lib: string | undefined;
  /** The sections to run. */
  readonly sections: ReadonlySet<Section>;
  readonly mixedRounds: number;
  readonly coldRuns: number;
  readonly manyRuns: number;
  readonly many: number;
}

interface Cell {
  readonly shape: BenchShape;
  readonly sizeLabel: string;
  readonly chunkLabel: string;
  readonly chunkBytes: number;
  readonly file: string;
  readonly warmupFile: string;
  readonly bytes: number;
}

type Outcome = { readonly ok: true; readonly result: ChildResult } | { readonly ok: false; readonly reason: string };

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const rounds = Number(value('--rounds') ?? 5);
  const timeoutS = Number(value('--timeout') ?? 4);
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new TypeError('--rounds must be a positive integer');
  if (!(timeoutS > 0)) throw new TypeError('--timeout must be a positive number of seconds');
  const positive = (flag: string, fallback: number): number => {
    const n = Number(value(flag) ?? fallback);
    if (!(Number.isInteger(n) && n > 0)) throw new TypeError(`${flag} must be a positive integer`);
    return n;
  };
  const only = value('--only');
  const shapes = only === undefined ? BENCH_SHAPES : BENCH_SHAPES.filter((shape) => shape === only);
  if (shapes.length === 0) throw new TypeError(`--only must be one of ${BENCH_SHAPES.join(', ')}`);
  const names = value('--competitors')?.split(',') ?? COMPETITOR_NAMES;
  const competitors = COMPETITOR_NAMES.filter((name) => names.includes(name));
  if (!competitors.includes('floor'))
    throw new TypeError(`--competitors must include floor, from ${COMPETITOR_NAMES.join(',')}`);
  return {
    rounds,
    timeoutS,
    out: value('--out') ?? join(ROOT, 'bench', 'results.md'),
    shapes,
    competitors,
    lib: value('--lib') === undefined ? undefined : resolve(value('--lib') as string),
    sections: new Set(
      (value('--sections')?.split(',') ?? SECTIONS).filter(
        (section): section is Section =>
          SECTIONS.includes(section as Section) &&
          !(section === 'proxy' && argv.includes('--no-proxy')) &&
          !(section === 'tool-loop' && argv.includes('--no-tool-loop')),
      ),
    ),
    mixedRounds: positive('--mixed-rounds', 60),
    coldRuns: positive('--cold-runs', 15),
    manyRuns: positive('--many-runs', 3),
    many: positive('--many', 1000),
  };
}

function runChild(script: string, name: CompetitorName, cell: Cell, timeoutS: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, name, cell.file, String(cell.chunkBytes), cell.warmupFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, reason: `> ${timeoutS} s (timed out)` });
      if (code !== 0)
        return resolve({ ok: false, reason: `failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}` });
      try {
        resolve({ ok: true, result: JSON.parse(stdout) as ChildResult });
      } catch {
        resolve({ ok: false, reason: `failed: unreadable output ${stdout.slice(0, 80)}` });
      }
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

function version(packageName: string): string {
  const file =
    packageName === 'responses-rx'
      ? join(ROOT, 'package.json')
      : join(ROOT, 'node_modules', packageName, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const formatMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const formatBytes = (bytes: number): string =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(bytes >= 1e4 ? 0 : 1)} KB`;

interface Summary {
  readonly ms: number;
  readonly warmingMs: number;
  readonly firstMs: number;
  readonly events: number;
  readonly peakRss: number;
  /** Peak RSS minus the RSS before the first stream: what reading streams added. */
  readonly growth: number;
  readonly runs: number;
  readonly failure?: string;
}

function summarize(outcomes: readonly Outcome[]): Summary | undefined {
  const results = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result] : []));
  const failure = outcomes.find((outcome): outcome is Extract<Outcome, { ok: false }> => !outcome.ok)?.reason;
  if (failure !== undefined)
    return {
      ms: NaN,
      warmingMs: NaN,
      firstMs: NaN,
      events: 0,
      peakRss: NaN,
      growth: NaN,
      runs: results.length,
      failure,
    };
  if (results.length === 0) return undefined;
  return {
    ms: median(results.map((r) => r.ms)),
    warmingMs: median(results.map((r) => r.warmingMs)),
    firstMs: median(results.map((r) => r.firstMs)),
    events: results[0]?.events ?? 0,
    peakRss: median(results.map((r) => r.peakRss)),
    growth: median(results.map((r) => r.peakRss - r.startRss)),
    runs: results.length,
  };
}

function report(cells: readonly Cell[], results: Map<string, Outcome[]>, options: Options, elapsedS: number): string {
  const key = (cell: Cell, name: CompetitorName): string => `${cell.file}|${cell.chunkBytes}|${name}`;
  const lines: string[] = [];
  const versions = [
    ...new Set(
      options.competitors.map((name) => `${COMPETITORS[name].packageName} ${version(COMPETITORS[name].packageName)}`),
    ),
  ];
  lines.push('# Benchmark results', '');
  lines.push(
    `Node ${process.version}, ${process.platform}/${process.arch}; ${versions.join(', ')}, rxjs ${version('rxjs')}, zod ${version('zod')}.`,
    `${options.rounds} rounds, competitors alternating per cell (${options.competitors.join(' → ')}), each measurement in a fresh ` +
      `process; medians. Per-process timeout ${options.timeoutS} s (a competitor that times out in a cell is not run ` +
      `there again). Whole run: ${elapsedS.toFixed(0)} s.`,
    ...(options.lib === undefined ? [] : ['', `responses-rx built from ${options.lib}, not lib/.`]),
    '',
    'Time is per stream, from handing over the `ReadableStream` to the last event consumed, after a warm-up in the ' +
      'same process (a short answer of the same shape and chunking, 1000 times or for 250 ms if that is less). The ' +
      'cell\'s stream is then repeated for 200 ms (at most 5000 times): the mean is "warming", as the optimizing ' +
      'compiler is still at work then (most code is compiled after the warm-up, on a thread of its own). A stream that ' +
      'passed more than once there is repeated untimed for 100 ms more, then for 200 ms again: that mean is the time ' +
      'per stream, the steady state. A stream of 200 ms or more is timed on its one pass, still warming (as ' +
      'before this split). "first stream" ' +
      "is the cold first pass of the warm-up. × is the ratio to the floor's median in the same cell.",
    '',
  );
  lines.push('## Time per stream (median ms, × floor)', '');
  lines.push(`| shape | size | chunks | ${options.competitors.join(' | ')} |`);
  lines.push(`|---|---|---|${options.competitors.map(() => '---:').join('|')}|`);
  for (const cell of cells) {
    const floor = summarize(results.get(key(cell, 'floor')) ?? []);
    const row = options.competitors.map((name) => {
      const summary = summarize(results.get(key(cell, name)) ?? []);
      if (summary === undefined) return '–';
      if (summary.failure !== undefined) return summary.failure;
      if (name === 'floor' || floor === undefined || floor.failure !== undefined) return formatMs(summary.ms);
      return `${formatMs(summary.ms)} (${(summary.ms / floor.ms).toFixed(2)}×)`;
    });
    lines.push(`| ${cell.shape} | ${formatBytes(cell.bytes)} | ${cell.chunkLabel} | ${row.join(' | ')} |`);
  }
  lines.push('', '## Details', '');
  lines.push(
    '| shape | size | chunks | competitor | median ms | × floor | MB/s | events/s | peak RSS MB | RSS growth MB | warming ms (× floor) | first stream ms |',
  );
  lines.push('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const cell of cells) {
    const floor = summarize(results.get(key(cell, 'floor')) ?? []);
    for (const name of options.competitors) {
      const summary = summarize(results.get(key(cell, name)) ?? []);
      const head = `| ${cell.shape} | ${formatBytes(cell.bytes)} | ${cell.chunkLabel} | ${name} |`;
      if (summary === undefined) continue;
      if (summary.failure !== undefined) {
        lines.push(`${head} ${summary.failure} | | | | | | | |`);
        continue;
      }
      const ratio = floor !== undefined && floor.failure === undefined ? (summary.ms / floor.ms).toFixed(2) : '';
      const warming =
        floor !== undefined && floor.failure === undefined && name !== 'floor'
          ? `${formatMs(summary.warmingMs)} (${(summary.warmingMs / floor.warmingMs).toFixed(2)}×)`
          : formatMs(summary.warmingMs);
      const mbs = cell.bytes / 1e6 / (summary.ms / 1000);
      const eventsPerS = summary.events / (summary.ms / 1000);
      lines.push(
        `${head} ${formatMs(summary.ms)} | ${ratio} | ${mbs.toFixed(1)} | ${Math.round(eventsPerS).toLocaleString('en-US')} | ` +
          `${(summary.peakRss / 1e6).toFixed(1)} | ${(summary.growth / 1e6).toFixed(1)} | ${warming} | ${formatMs(summary.firstMs)} |`,
      );
    }
  }
  lines.push('', '## Targets', '');
  const misses: string[] = [];
  const rssLines: string[] = [];
  for (const cell of cells) {
    const floor = summarize(results.get(key(cell, 'floor')) ?? []);
    const rx = summarize(results.get(key(cell, 'responses-rx')) ?? []);
    if (floor === undefined || rx === undefined || floor.failure !== undefined || rx.failure !== undefined) continue;
    const ratio = rx.ms / floor.ms;
    const others = (['openai', 'ai-sdk'] as const).map((name) => summarize(results.get(key(cell, name)) ?? []));
    const behind = others.some((other) => other !== undefined && other.failure === undefined && other.ms < rx.ms);
    if (ratio > 1.5 || behind)
      misses.push(
        `${cell.shape} ${formatBytes(cell.bytes)} ${cell.chunkLabel}: ${ratio.toFixed(2)}× floor${behind ? ', behind an SDK' : ''}`,
      );
    if (cell.bytes >= 10e6) {
      const signed = (mb: number): string => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;
      const peak = (rx.peakRss - floor.peakRss) / 1e6;
      const growth = (rx.growth - floor.growth) / 1e6;
      rssLines.push(
        `${cell.shape} ${cell.chunkLabel}: peak ${signed(peak)}${peak <= 15 ? '' : ' (over)'}, growth ${signed(growth)}`,
      );
    }
  }
  lines.push(
    misses.length === 0
      ? '- Time: responses-rx ≤ 1.5× the floor and ahead of both SDKs in every cell: **met**.'
      : `- Time: responses-rx ≤ 1.5× the floor in every cell: **missed** in ${misses.join('; ')}.`,
  );
  if (rssLines.length > 0) {
    lines.push(
      `- Peak RSS, responses-rx minus floor, on the 20 MB streams (target ≤ +15 MB), and the same for the growth ` +
        `during the streams (peak minus the RSS before the first stream, so without the libraries' own size): ${rssLines.join('; ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'responses-rx-bench-'));
  const tty = process.stderr.isTTY === true;
  const progress = (line: string): void => {
    process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  try {
    progress('compiling lib/ and bench/ …');
    compile(work, options.lib);
    const bundlePath = bundle(work, options.lib);
    const script = join(work, 'bench', 'child.js');
    progress('generating streams …');
    const cells: Cell[] = [];
    for (const shape of options.shapes) {
      const warmupFile = join(work, `${shape}-warmup.sse`);
      writeFileSync(warmupFile, generateStream(shape, BENCH_SIZES[0].bytes));
      for (const size of BENCH_SIZES) {
        const file = join(work, `${shape}-${size.bytes}.sse`);
        const bytes = generateStream(shape, size.bytes);
        writeFileSync(file, bytes);
        for (const chunk of BENCH_CHUNKS) {
          cells.push({
            shape,
            sizeLabel: size.label,
            chunkLabel: chunk.label,
            chunkBytes: chunk.bytes,
            file,
            warmupFile,
            bytes: bytes.length,
          });
        }
      }
    }
    const results = new Map<string, Outcome[]>();
    const total = options.sections.has('cells') ? options.rounds * cells.length * options.competitors.length : 0;
    let done = 0;
    for (let round = 1; round <= options.rounds && total > 0; round++) {
      for (const cell of cells) {
        for (const name of options.competitors) {
          done++;
          const id = `${cell.file}|${cell.chunkBytes}|${name}`;
          const outcomes = results.get(id) ?? [];
          results.set(id, outcomes);
          if (outcomes.some((outcome) => !outcome.ok)) continue;
          const elapsed = ((Date.now() - started) / 1000).toFixed(0);
          progress(
            `[${done}/${total}, ${elapsed} s] round ${round}/${options.rounds}: ${cell.shape} ${formatBytes(cell.bytes)} in ${cell.chunkLabel} chunks: ${name}`,
          );
          outcomes.push(await runChild(script, name, cell, options.timeoutS));
        }
      }
    }
    progress('');
    if (tty) process.stderr.write('\n');
    const extra: string[] = [];
    if (options.sections.has('mixed')) extra.push(await mixedSection(work, options.mixedRounds, progress));
    if (options.sections.has('cold')) extra.push(await coldSection(work, bundlePath, options.coldRuns, progress));
    if (options.sections.has('many')) extra.push(await manySection(work, options.manyRuns, options.many, progress));
    if (options.sections.has('proxy')) extra.push(await measureProxy(options.rounds, progress));
    if (options.sections.has('tool-loop')) extra.push(await measureToolLoop(options.rounds, progress));
    progress('');
    if (tty) process.stderr.write('\n');
    const head = total > 0 ? report(cells, results, options, (Date.now() - started) / 1000) : '# Benchmark results\n';
    const markdown = [head, ...extra].join('\n');
    writeFileSync(options.out, markdown);
    process.stdout.write(markdown);
    process.stderr.write(`wrote ${relative(process.cwd(), options.out)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
