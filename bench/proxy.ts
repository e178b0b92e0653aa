/**
 * The repair path over loopback: the embedded server replays a generated stream, and a client reads it direct, through
 * a passthrough server, and through a repair server (`mode: 'repair'`). For each route: the time to the first
 * `response.output_text.delta` (from sending the request), the time to the whole stream, its throughput and how many
 * events arrived. Medians over `rounds`, the routes alternating per round, everything in this one process (client,
 * proxy and upstream share the CPU, as they would on one host).
 *
 * `ts-node -T bench/proxy.ts [--rounds N]` runs it alone; `npm run bench` appends it to bench/results.md.
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { type ResponsesServer, createResponsesServer } from '../lib/server';
import { generateStream } from './generate';

const ROUTES = ['direct', 'passthrough', 'repair'] as const;
type Route = (typeof ROUTES)[number];
const CASES = [
  { shape: 'streamed', bytes: 200_000 },
  { shape: 'streamed', bytes: 2_000_000 },
  { shape: 'final-only', bytes: 200_000 },
  { shape: 'final-only', bytes: 2_000_000 },
] as const;

interface Reading {
  /** From sending the request to the first text delta; NaN when none came. */
  readonly firstDeltaMs: number;
  readonly totalMs: number;
  readonly events: number;
  readonly bytes: number;
}

/** POSTs to `${url}/responses` and reads the SSE to its end, noting when the first text delta arrived. */
async function read(url: string): Promise<Reading> {
  const start = performance.now();
  let firstDeltaMs = NaN;
  let events = 0;
  let bytes = 0;
  const parser = createParser({
    onEvent: (event) => {
      events++;
      if (
        Number.isNaN(firstDeltaMs) &&
        (JSON.parse(event.data) as { type: string }).type === 'response.output_text.delta'
      ) {
        firstDeltaMs = performance.now() - start;
      }
    },
  });
  const answer = await fetch(`${url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench', input: 'hi', stream: true }),
  });
  const decoder = new TextDecoder();
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.length;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return { firstDeltaMs, totalMs: performance.now() - start, events, bytes };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

const ms = (value: number): string =>
  Number.isNaN(value) ? 'none' : value >= 100 ? value.toFixed(0) : value.toFixed(1);

/** Measures every case and returns the markdown section. */
export async function measureProxy(rounds = 5, progress: (line: string) => void = () => {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'responses-rx-proxy-'));
  const lines = [
    '## The repair path over loopback',
    '',
    'A client (fetch + eventsource-parser) reads a replayed stream direct, through a passthrough server and through a ' +
      `repair server; client, proxy and upstream in one process. Medians of ${rounds} rounds, routes alternating. ` +
      '"first delta" is from sending the request to the first `response.output_text.delta` (a final-only upstream sends ' +
      'none: only repair streams one).',
    '',
    '| upstream | size | route | first delta ms | whole stream ms | MB/s (bytes sent) | events |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  const servers: ResponsesServer[] = [];
  try {
    for (const { shape, bytes } of CASES) {
      const file = join(dir, `${shape}-${bytes}.sse`);
      writeFileSync(file, generateStream(shape, bytes));
      const upstream = await createResponsesServer({ replay: file });
      const keyEnv = 'RESPONSES_RX_BENCH_UNSET_KEY';
      const routes: Record<Route, ResponsesServer> = {
        direct: upstream,
        passthrough: await createResponsesServer({ mode: 'passthrough', upstream: upstream.url, keyEnv }),
        repair: await createResponsesServer({ mode: 'repair', upstream: upstream.url, keyEnv }),
      };
      servers.push(upstream, routes.passthrough, routes.repair);
      const readings = new Map<Route, Reading[]>(ROUTES.map((route) => [route, []]));
      for (const route of ROUTES) await read(routes[route].url); // warm-up
      for (let round = 1; round <= rounds; round++) {
        for (const route of ROUTES) {
          progress(`repair path: ${shape} ${bytes / 1e3} KB, round ${round}/${rounds}: ${route}`);
          readings.get(route)?.push(await read(routes[route].url));
        }
      }
      for (const route of ROUTES) {
        const all = readings.get(route) ?? [];
        const total = median(all.map((r) => r.totalMs));
        const sent = median(all.map((r) => r.bytes));
        lines.push(
          `| ${shape} | ${(bytes / 1e3).toFixed(0)} KB | ${route} | ${ms(median(all.map((r) => r.firstDeltaMs)))} | ` +
            `${ms(total)} | ${(sent / 1e6 / (total / 1000)).toFixed(1)} | ${median(all.map((r) => r.events))} |`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const index = process.argv.indexOf('--rounds');
  const rounds = index >= 0 ? Number(process.argv[index + 1]) : 5;
  measureProxy(rounds, (line) => process.stderr.write(`${line}\n`))
    .then((markdown) => process.stdout.write(markdown))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
