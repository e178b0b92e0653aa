/**
 * The `responses-rx` command line: `demo` (what `npm start` runs), `replay`, `serve` and `ask`.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { type Observable, tap } from 'rxjs';
import { ResponsesRxError } from '../errors';
import type { ResponseEvent } from '../events';
import { streamResponse } from '../http/streamResponse';
import { type TerminalSink, isColorEnabled, renderTranscript } from '../terminal/renderer';
import { responseEvents } from '../responseEvents';
import { closeOnSignals } from '../server/closeOnSignals';
import { DEMO_CONVERSATION } from '../server/conversation';
import { type ResponsesServerOptions, createResponsesServer } from '../server/createResponsesServer';
import { parseFault } from '../server/faults';
import { loadRecording } from '../server/replay';
import { PROVIDER_SHAPES, type ProviderShape, applyShape, isProviderShape } from '../server/shapes';
import { toSseText } from '../server/sseText';
import type { WireJson } from '../wire/json';
import { toTranscript } from '../transcript/toTranscript';
import type { Transcript } from '../transcript/transcript';

/** Where the CLI reads its environment and writes its output; `process` by default. */
export interface CliIO {
  readonly stdout: TerminalSink;
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stops a long-running command (`serve`) as SIGINT would. */
  readonly signal?: AbortSignal;
}

/** Exit statuses: 0 success, 1 a stream or HTTP error, 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `responses-rx — Responses API streams as one normalized, exactly-once RxJS event stream

Usage: responses-rx <command> [options]

Commands:
  demo      replay the bundled conversation through the embedded server and draw it live (no network, no key)
  replay    run a recorded stream through responseEvents and print the events or the answer
  serve     run the embedded Responses server (replay or passthrough)
  ask       send a real request with OPENAI_API_KEY and draw the answer

Run 'responses-rx <command> --help' for a command's options.
Exit status: 0 success, 1 stream or HTTP error, 2 bad usage.`,
  demo: `Usage: responses-rx demo [--shape SHAPE] [--delay MS]

Starts the embedded server on a free loopback port replaying the bundled multi-turn conversation in a provider
shape (default final-only: the gateway sends no deltas, only the final items), streams every turn through
streamResponse, draws reasoning and answer as they arrive, then prints one summary line.

  --shape SHAPE   ${PROVIDER_SHAPES.join(' | ')} (default final-only)
  --delay MS      pause between replayed events (default 15)`,
  replay: `Usage: responses-rx replay FILE [--shape SHAPE] [--json]

Runs a recording (.sse, or one JSON event per line) through responseEvents.

  --shape SHAPE   reshape it first: ${PROVIDER_SHAPES.join(' | ')}
  --json          print the normalized events, one JSON object per line, instead of the rendered answer`,
  serve: `Usage: responses-rx serve [--mode replay|passthrough|repair] [--replay FILE|DIR] [--upstream URL] [options]

Runs the embedded Responses server until SIGINT/SIGTERM. POST /v1/responses, GET /health.

  --mode MODE       replay (default), passthrough (relays --upstream as it is) or repair (reads --upstream
                    through responseEvents and sends the canonical stream: every item, streamed, for any client)
  --replay PATH     a recording for every request, or a folder of <model>.sse|.jsonl|.txt
                    (default: the bundled demo conversation)
  --upstream URL    passthrough, repair: the upstream API root, e.g. https://api.openai.com/v1
  --key-env NAME    passthrough, repair: the env var holding the upstream key (default OPENAI_API_KEY)
  --chunk-size N    repair: the size of the deltas an item that arrived whole is streamed in (default 32)
  --shape SHAPE     ${PROVIDER_SHAPES.join(' | ')} (default streamed)
  --fault FAULT     drop-completed | stall-after=N | chunk=N | malformed[=N] | http-error=STATUS[:SECONDS] |
                    drop-after=N | reset-after=N
                    (repeatable)
  --port N          default 8787 (0 picks a free port)
  --host HOST       default 127.0.0.1
  --delay MS        replay: pause between events (default 0)
  --quiet           do not log requests`,
  ask: `Usage: responses-rx ask "PROMPT" [--model MODEL] [--base-url URL]

Sends a real request (POST {base}/responses, stream: true) with the key in OPENAI_API_KEY and draws the answer.

  --model MODEL     default gpt-5-mini
  --base-url URL    default OPENAI_BASE_URL, else OpenAI's API`,
};

/**
 * Runs the CLI.
 *
 * ## Example
 * ```ts
 * import { main } from 'responses-rx/dist/cli/main';
 *
 * process.exitCode = await main(['replay', 'stream.sse', '--json']);
 * ```
 *
 * @param argv the arguments after the program name.
 * @param io where to write (defaults to the process).
 * @returns the exit status: 0 success, 1 a stream or HTTP error, 2 bad usage.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${HELP['main']}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case 'demo':
        return await demo(rest, io);
      case 'replay':
        return await replay(rest, io);
      case 'serve':
        return await serve(rest, io);
      case 'ask':
        return await ask(rest, io);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(
        `responses-rx: ${(error as Error).message}\nRun 'responses-rx ${command && HELP[command] ? `${command} ` : ''}--help' for usage.\n`,
      );
      return EXIT.usage;
    }
    io.stderr.write(`responses-rx: ${describe(error)}\n`);
    return EXIT.failed;
  }
}

/** Runs the CLI on the process's arguments and sets its exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`responses-rx: ${describe(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

interface Stats {
  readonly counts: Map<string, number>;
  recovered: number;
  firstOutputMs: number[];
}

function newStats(): Stats {
  return { counts: new Map(), recovered: 0, firstOutputMs: [] };
}

/** Counts events by type, recovered items, and the time from subscribe to the first output. */
function measured(events$: Observable<ResponseEvent>, stats: Stats): Observable<ResponseEvent> {
  let started = 0;
  let first = true;
  return events$.pipe(
    tap({
      subscribe: () => {
        started = performance.now();
      },
      next: (event) => {
        stats.counts.set(event.type, (stats.counts.get(event.type) ?? 0) + 1);
        if (event.type === 'outputItemDone' && event.recovered) stats.recovered++;
        const output = event.type.endsWith('Delta') || event.type === 'outputItemDone';
        if (output && first) {
          first = false;
          stats.firstOutputMs.push(performance.now() - started);
        }
      },
    }),
  );
}

function summaryLine(stats: Stats, turns: number): string {
  const counts = [...stats.counts.entries()].map(([type, n]) => `${type} ${n}`).join(', ');
  const first = stats.firstOutputMs.length > 0 ? `${Math.round(Math.max(...stats.firstOutputMs))} ms` : 'none';
  return `summary: ${turns} turn${turns === 1 ? '' : 's'} · events: ${counts} · recovered items: ${stats.recovered} · time to first output: ${first} (worst turn)\n`;
}

function shapeOption(value: string | undefined, fallback: ProviderShape): ProviderShape {
  if (value === undefined) return fallback;
  if (!isProviderShape(value))
    throw new UsageError(`unknown shape '${value}'; expected one of ${PROVIDER_SHAPES.join(', ')}`);
  return value;
}

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, got '${value}'`);
  return n;
}

async function demo(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { shape: { type: 'string' }, delay: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return help('demo', io);
  const shape = shapeOption(values.shape, 'final-only');
  const server = await createResponsesServer({ shape, port: 0, eventDelayMs: intOption('delay', values.delay, 15) });
  const stats = newStats();
  try {
    io.stdout.write(
      `responses-rx demo: embedded server at ${server.url} replaying ${DEMO_CONVERSATION.length} turns as a '${shape}' provider\n\n`,
    );
    let previous: string | undefined;
    for (const turn of DEMO_CONVERSATION) {
      io.stdout.write(`you> ${turn.user}\n\n`);
      const events$ = streamResponse(
        { model: turn.model, input: turn.user, ...(previous ? { previous_response_id: previous } : {}) },
        { baseURL: server.url, apiKey: 'demo', idleTimeoutMs: 10_000 },
      );
      const transcript = await draw(measured(events$, stats), io);
      if (transcript === undefined) return EXIT.failed;
      previous = transcript.responseId;
    }
    io.stdout.write(summaryLine(stats, DEMO_CONVERSATION.length));
    return EXIT.ok;
  } finally {
    await server.close();
  }
}

async function replay(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { shape: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return help('replay', io);
  if (positionals.length !== 1) throw new UsageError('replay takes exactly one FILE');
  const file = positionals[0]!;
  const shape = shapeOption(values.shape, 'streamed');
  let recorded;
  try {
    recorded = await loadRecording(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const raw = recorded.filter((event): event is string => typeof event === 'string');
  const shaped = applyShape(
    recorded.filter((event): event is WireJson => typeof event !== 'string'),
    shape,
  );
  // Raw (non-JSON) lines are kept in place only for the streamed shape; a reshaped stream has no place for them.
  const sse = toSseText(shape === 'streamed' ? recorded : shaped);
  if (shape !== 'streamed' && raw.length > 0)
    io.stderr.write(`responses-rx: ${raw.length} line(s) that are not JSON events were left out by --shape\n`);
  const events$ = responseEvents(sse);
  if (values.json) {
    await new Promise<void>((resolve, reject) =>
      events$.subscribe({
        next: (event) => io.stdout.write(`${JSON.stringify(event)}\n`),
        error: reject,
        complete: resolve,
      }),
    );
    return EXIT.ok;
  }
  const stats = newStats();
  if ((await draw(measured(events$, stats), io)) === undefined) return EXIT.failed;
  io.stdout.write(summaryLine(stats, 1));
  return EXIT.ok;
}

async function serve(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      mode: { type: 'string' },
      replay: { type: 'string' },
      upstream: { type: 'string' },
      'key-env': { type: 'string' },
      'chunk-size': { type: 'string' },
      shape: { type: 'string' },
      fault: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      delay: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return help('serve', io);
  const mode = values.mode ?? (values.upstream ? 'passthrough' : 'replay');
  if (mode !== 'replay' && mode !== 'passthrough' && mode !== 'repair')
    throw new UsageError(`--mode is replay, passthrough or repair, got '${mode}'`);
  if (mode !== 'replay' && !values.upstream) throw new UsageError(`${mode} needs --upstream URL`);
  if (mode === 'replay' && values.upstream) throw new UsageError('--upstream goes with --mode passthrough or repair');
  let faults;
  try {
    faults = (values.fault ?? []).map((fault) => parseFault(fault));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: ResponsesServerOptions = {
    mode,
    ...(mode !== 'replay' ? { upstream: values.upstream } : values.replay ? { replay: values.replay } : {}),
    ...(values['chunk-size'] === undefined ? {} : { chunkSize: intOption('chunk-size', values['chunk-size'], 32) }),
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
    shape: shapeOption(values.shape, 'streamed'),
    fault: faults,
    port: intOption('port', values.port, 8787),
    host: values.host ?? '127.0.0.1',
    eventDelayMs: intOption('delay', values.delay, 0),
    ...(values.quiet ? {} : { log: (entry) => entry.kind !== 'event' && io.stderr.write(`${entry.message}\n`) }),
  };
  let server;
  try {
    server = await createResponsesServer(options);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  io.stdout.write(
    `responses-rx serve: ${server.mode} on ${server.url} (POST ${server.url}/responses, GET /health); Ctrl-C stops\n`,
  );
  const running = server;
  await new Promise<void>((resolve) => {
    const release = closeOnSignals(running, { onClosed: () => resolve() });
    io.signal?.addEventListener(
      'abort',
      () => {
        release();
        void running.close().then(() => resolve());
      },
      { once: true },
    );
  });
  io.stdout.write('responses-rx serve: stopped\n');
  return EXIT.ok;
}

async function ask(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { model: { type: 'string' }, 'base-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return help('ask', io);
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError('ask takes exactly one "PROMPT"');
  const apiKey = io.env['OPENAI_API_KEY'];
  if (!apiKey) throw new UsageError('set OPENAI_API_KEY to ask a real model (or try: responses-rx demo)');
  const baseURL = values['base-url'] ?? io.env['OPENAI_BASE_URL'];
  const events$ = streamResponse(
    { model: values.model ?? 'gpt-5-mini', input: positionals[0], reasoning: { summary: 'auto' } },
    { apiKey, ...(baseURL ? { baseURL } : {}) },
  );
  const stats = newStats();
  if ((await draw(measured(events$, stats), io)) === undefined) return EXIT.failed;
  io.stdout.write(summaryLine(stats, 1));
  return EXIT.ok;
}

/** Draws a stream with toTranscript; the renderer shows an error where it happened, so it is not printed again. */
async function draw(events$: Observable<ResponseEvent>, io: CliIO): Promise<Transcript | undefined> {
  try {
    return await renderTranscript(events$.pipe(toTranscript()), io.stdout, {
      color: isColorEnabled(io.stdout, io.env),
    });
  } catch {
    return undefined;
  }
}

function help(command: string, io: CliIO): number {
  io.stdout.write(`${HELP[command]}\n`);
  return EXIT.ok;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function describe(error: unknown): string {
  if (error instanceof ResponsesRxError)
    return `${error.message} [${error.code}${error.retryable ? ', retryable' : ''}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}
