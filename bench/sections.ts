/**
 * The sections of `npm run bench` that are not per-cell processes: the mixed mode (one warm process, every shape
 * interleaved), cold start (fresh processes, `require` to first event) and many at once (1,000 concurrent streams in
 * one process). Each runs compiled children from the bench's work directory and returns its Markdown section.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColdResult } from './cold';
import { BENCH_SHAPES, generateStream } from './generate';
import type { ManyResult } from './many';
import { MIXED_CHUNKS, MIXED_SIZES, type MixedResult, median } from './mixed';

/** Runs `node script args`, forwarding each stderr line to `onLine`; resolves with stdout. */
function run(
  args: readonly string[],
  timeoutS: number,
  onLine: (line: string) => void = () => undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      const lines = (partial + data.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${args[0]} failed (${code ?? 'killed'}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

const ms = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
const us = (value: number): string => `${(value * 1000).toFixed(value >= 1 ? 0 : 1)} µs`;
const x = (ratio: number): string => `${ratio.toFixed(2)}×`;

/** The mixed mode: one warm process reading every small and medium cell of every shape, interleaved. */
export async function mixedSection(work: string, rounds: number, progress: (line: string) => void): Promise<string> {
  const out = join(work, 'mixed.json');
  await run([join(work, 'bench', 'mixed.js'), out, '--rounds', String(rounds)], 900, (line) =>
    progress(`mixed mode: ${line.replace(/^mixed /, '')}`),
  );
  const result = JSON.parse(readFileSync(out, 'utf8')) as MixedResult;
  const lines = [
    '## Mixed mode: one warm process, every shape',
    '',
    `One process reads small (${MIXED_SIZES.filter((s) => s.small)
      .map((s) => s.label)
      .join(', ')}) and medium (${MIXED_SIZES.filter((s) => !s.small)
      .map((s) => s.label)
      .join(
        ', ',
      )}) streams of all ${BENCH_SHAPES.length} shapes in ${MIXED_CHUNKS.map((c) => c.label).join(', ')} chunks, ` +
      `the cells in a new shuffled order each round and the competitors' order turning, as a server that reads every ` +
      `provider does: ${result.rounds} rounds after 2 untimed ones, each small stream read 4 times per round. Every ` +
      `stream is timed on its own; median per cell, and × the floor's median in the same cell (${result.seconds.toFixed(0)} s).`,
    '',
    `| shape | size | chunks | events | ${result.competitors.join(' | ')} |`,
    `|---|---|---|---:|${result.competitors.map(() => '---:').join('|')}|`,
  ];
  const misses: string[] = [];
  let worstSmall = 0;
  for (const cell of result.cells) {
    const floor = cell.ms['floor'] ?? NaN;
    const row = result.competitors.map((name) => {
      const value = cell.ms[name] ?? NaN;
      return name === 'floor' ? us(value) : `${us(value)} (${x(value / floor)})`;
    });
    lines.push(`| ${cell.shape} | ${cell.sizeLabel} | ${cell.chunkLabel} | ${cell.events} | ${row.join(' | ')} |`);
    const ratio = (cell.ms['responses-rx'] ?? NaN) / floor;
    if (cell.small) worstSmall = Math.max(worstSmall, ratio);
    if (cell.small && !(ratio <= 1.5)) misses.push(`${cell.shape} ${cell.sizeLabel} ${cell.chunkLabel}: ${x(ratio)}`);
  }
  lines.push(
    '',
    misses.length === 0
      ? `- Small cells ≤ 1.5× the floor: **met** (worst ${x(worstSmall)}).`
      : `- Small cells ≤ 1.5× the floor: **missed** in ${misses.length} of ${result.cells.filter((c) => c.small).length}: ${misses.join('; ')}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Cold start: fresh processes, from `require` to the first event of the first stream, floor and responses-rx alternating. */
export async function coldSection(
  work: string,
  bundlePath: string,
  runs: number,
  progress: (line: string) => void,
): Promise<string> {
  const file = join(work, 'cold-streamed-16k.sse');
  writeFileSync(file, generateStream('streamed', 16_000));
  const chunk = 16 * 1024;
  const results: Record<'floor' | 'responses-rx', ColdResult[]> = { floor: [], 'responses-rx': [] };
  for (let i = 0; i < runs; i++) {
    for (const name of i % 2 === 0 ? (['floor', 'responses-rx'] as const) : (['responses-rx', 'floor'] as const)) {
      progress(`cold start ${i + 1}/${runs}: ${name}`);
      const library = name === 'floor' ? 'eventsource-parser' : bundlePath;
      const stdout = await run([join(work, 'bench', 'cold.js'), name, file, String(chunk), library], 60);
      results[name].push(JSON.parse(stdout) as ColdResult);
    }
  }
  const pick = (name: keyof typeof results, field: 'requireToFirstMs' | 'startToFirstMs' | 'rssAtFirst'): number =>
    median(results[name].map((r) => r[field]));
  const load = (part: string): number => median(results['responses-rx'].map((r) => r.loads[part] ?? NaN));
  const row = (label: string, field: 'requireToFirstMs' | 'startToFirstMs', unit = ' ms'): string =>
    `| ${label} | ${ms(pick('floor', field))}${unit} | ${ms(pick('responses-rx', field))}${unit} | ${x(pick('responses-rx', field) / pick('floor', field))} |`;
  const rss = (name: keyof typeof results): number => pick(name, 'rssAtFirst') / 1e6;
  const ratioRequire = pick('responses-rx', 'requireToFirstMs') / pick('floor', 'requireToFirstMs');
  const ratioStart = pick('responses-rx', 'startToFirstMs') / pick('floor', 'startToFirstMs');
  const ratioRss = rss('responses-rx') / rss('floor');
  const lines = [
    '## Cold start',
    '',
    `A fresh process per run (${runs} each, alternating), the bytes of a streamed 16 KB answer already in memory: ` +
      'the time from `require` of the library (eventsource-parser for the floor; the bundled responses-rx entry, as ' +
      'the package ships it) to the first event of the first stream, the time from the process start to it (what a CLI ' +
      'pays, Node included), and the RSS at that moment. Medians.',
    '',
    '| | floor | responses-rx | × floor |',
    '|---|---:|---:|---:|',
    row('`require` → first event', 'requireToFirstMs'),
    row('process start → first event', 'startToFirstMs'),
    `| RSS at the first event | ${rss('floor').toFixed(1)} MB | ${rss('responses-rx').toFixed(1)} MB | ${x(ratioRss)} |`,
    '',
    `Where responses-rx's \`require\` time goes (medians): the rxjs peer ${ms(load('rxjs'))} ms (required on its own ` +
      `first), responses-rx itself (with the zod/mini code it bundles, and eventsource-parser) ${ms(load('own'))} ms.`,
    '',
    `- Within 2× of the floor: \`require\` → first event ${x(ratioRequire)}: **${ratioRequire <= 2 ? 'met' : 'missed'}**; ` +
      `process start → first event ${x(ratioStart)}: **${ratioStart <= 2 ? 'met' : 'missed'}**; RSS ${x(ratioRss)}: ` +
      `**${ratioRss <= 2 ? 'met' : 'missed'}**.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Many at once: 1,000 concurrent small in-memory streams in one process, floor and responses-rx alternating. */
export async function manySection(
  work: string,
  runs: number,
  count: number,
  progress: (line: string) => void,
): Promise<string> {
  const file = join(work, 'many-streamed-16k.sse');
  const bytes = generateStream('streamed', 16_000);
  writeFileSync(file, bytes);
  const chunk = 1024;
  const results: Record<'floor' | 'responses-rx', ManyResult[]> = { floor: [], 'responses-rx': [] };
  for (let i = 0; i < runs; i++) {
    for (const name of i % 2 === 0 ? (['floor', 'responses-rx'] as const) : (['responses-rx', 'floor'] as const)) {
      progress(`many at once ${i + 1}/${runs}: ${count} streams, ${name}`);
      const stdout = await run(
        ['--expose-gc', join(work, 'bench', 'many.js'), name, file, String(chunk), String(count)],
        300,
      );
      results[name].push(JSON.parse(stdout) as ManyResult);
    }
  }
  const total = (name: keyof typeof results): number => median(results[name].map((r) => r.totalMs));
  const cpu = (name: keyof typeof results): number => median(results[name].map((r) => r.cpuMs));
  const perStream = (name: keyof typeof results): number =>
    median(results[name].map((r) => (r.peakRss - r.startRss) / r.count));
  const peak = (name: keyof typeof results): number => median(results[name].map((r) => r.peakRss));
  const timeRatio = total('responses-rx') / total('floor');
  const rssRatio = perStream('responses-rx') / perStream('floor');
  const lines = [
    '## Many at once',
    '',
    `${count.toLocaleString('en-US')} streams of the same streamed ${(bytes.length / 1e3).toFixed(0)} KB answer, in ` +
      `${chunk}-byte chunks from in-memory web streams (no HTTP), all started at once in one process and awaited ` +
      `together, after an untimed batch of a tenth as many; a fresh process per run (${runs} each, alternating), medians. ` +
      "RSS per stream is the peak (the kernel's `maxrss`) minus the RSS before the batch, divided by the number of " +
      'streams. The CPU time is less sensitive than the total time to other processes on a shared machine.',
    '',
    '| | floor | responses-rx | × floor |',
    '|---|---:|---:|---:|',
    `| total time | ${ms(total('floor'))} ms | ${ms(total('responses-rx'))} ms | ${x(timeRatio)} |`,
    `| CPU time (every thread, GC included) | ${ms(cpu('floor'))} ms | ${ms(cpu('responses-rx'))} ms | ${x(cpu('responses-rx') / cpu('floor'))} |`,
    `| time per stream (total / ${count}) | ${us(total('floor') / count)} | ${us(total('responses-rx') / count)} | ${x(timeRatio)} |`,
    `| peak RSS | ${(peak('floor') / 1e6).toFixed(1)} MB | ${(peak('responses-rx') / 1e6).toFixed(1)} MB | ${x(peak('responses-rx') / peak('floor'))} |`,
    `| peak RSS growth per stream | ${(perStream('floor') / 1e3).toFixed(1)} KB | ${(perStream('responses-rx') / 1e3).toFixed(1)} KB | ${x(rssRatio)} |`,
  ];
  return `${lines.join('\n')}\n`;
}
