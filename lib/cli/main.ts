/**
 * The `responses-rx` command line: `demo` (what `npm start` runs), `replay`, `serve` and `ask`. Arguments are parsed
 * by commander. Output: what was asked for on stdout, every error on stderr (one line, never a stack trace); exit
 * status 0 success, 1 a stream, file or HTTP error, 2 bad usage.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type Observable, tap } from 'rxjs';
import { isResponsesRxError } from '../errors';
import type { ResponseEvent } from '../events';
import { streamResponse } from '../http/streamResponse';
import { responseEvents } from '../responseEvents';
import { closeOnSignals } from '../server/closeOnSignals';
import { DEMO_CONVERSATION } from '../server/conversation';
import { type ResponsesServerOptions, createResponsesServer } from '../server/createResponsesServer';
import { type Fault, parseFault } from '../server/faults';
import { detectRecordingFormat, parseRecording } from '../server/replay';
import { PROVIDER_SHAPES, type ProviderShape, applyShape } from '../server/shapes';
import { toSseText } from '../server/sseText';
import { type TerminalSink, isColorEnabled } from '../terminal/renderer';
import type { Transcript } from '../transcript/transcript';
import { MAX_TIMER_MS } from '../util/duration';
import type { WireJson } from '../wire/json';
import { type TurnTally, comparisonLines, countEvent, drawAnswer, newTally, wrapLine } from './draw';

/** Where the CLI reads its input and environment and writes its output; `process` by default. */
export interface CliIO {
  readonly stdout: TerminalSink;
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Read for `replay -`. @defaultValue `process.stdin` */
  readonly stdin?: AsyncIterable<Uint8Array | string>;
  /** Stops a long-running command (`serve`) as SIGINT would. */
  readonly signal?: AbortSignal;
}

/** Exit statuses: 0 success, 1 a stream, file or HTTP error, 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad usage: a message for stderr, exit status 2. */
class UsageError extends Error {}

const SHAPES = PROVIDER_SHAPES as readonly string[];

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
 * @param io where to read and write (defaults to the process).
 * @returns the exit status: 0 success, 1 a stream, file or HTTP error, 2 bad usage.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let status: number = EXIT.ok;
  const program = buildProgram(io, (code) => (status = code));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version were printed; usage errors were printed by outputError below.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`responses-rx: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`responses-rx: ${describe(error)}\n`);
    return EXIT.failed;
  }
}

/**
 * Runs the CLI on the process's arguments and sets its exit code. A closed stdout (`| head`) ends the process quietly;
 * an unexpected error is one line on stderr, never a stack trace (set `RESPONSES_RX_DEBUG=1` to get it).
 */
export function run(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
      fail(error);
    });
  }
  const fail = (error: unknown): void => {
    if (process.env['RESPONSES_RX_DEBUG']) process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    else process.stderr.write(`responses-rx: ${describe(error)}\n`);
    process.exit(EXIT.failed);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  }, fail);
}

/**
 * The folder of the installed package (the one with its package.json), found from where this module lies:
 * `dist/cli/` in the package, `lib/cli/` in the repository. `undefined` when it cannot be told (the ES module build,
 * which has no `__dirname`).
 */
function packageRoot(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'responses-rx') return dir;
    } catch {
      // no package.json here: look further up
    }
  }
  return undefined;
}

/** The `version` of the package's package.json. */
function packageVersion(): string {
  const root = packageRoot();
  if (root === undefined) return 'unknown';
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin };
}

function buildProgram(io: CliIO, setStatus: (status: number) => void): Command {
  const program = new Command('responses-rx')
    .description('Responses API streams as one normalized, exactly-once RxJS event stream')
    .addHelpText('after', '\nExit status: 0 success, 1 a stream, file or HTTP error, 2 bad usage.')
    .version(packageVersion(), '-V, --version', 'print the version of responses-rx')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'responses-rx: ')),
    });

  program
    .command('demo')
    .description(
      'replay the bundled conversation through the embedded server as a provider that sends no deltas, and draw ' +
        'each turn next to what a client reading only deltas would have shown (no network, no key)',
    )
    .addOption(shapeOption('final-only'))
    .addOption(new Option('--delay <ms>', 'pause between replayed events').argParser(wholeNumber).default(15))
    .action(async (options: { shape: ProviderShape; delay: number }) => setStatus(await demo(options, io)));

  program
    .command('replay')
    .description(
      'run a recording through responseEvents and draw the answer (or print the events): SSE or one JSON event ' +
        'per line, told apart by content; - reads stdin',
    )
    .argument('<file>', 'the recording, or - for stdin')
    .addOption(shapeOption(undefined, 'reshape it first, as that provider would have sent it'))
    .option('--json', 'print the normalized events, one JSON object per line, instead of the answer')
    .addOption(onMalformedOption())
    .action(async (file: string, options: ReplayOptions) => setStatus(await replay(file, options, io)));

  program
    .command('serve')
    .description(
      'run the embedded Responses server until Ctrl-C: POST /v1/responses, WebSocket ws://HOST:PORT/v1/responses, GET /health',
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'replay, passthrough (relays --upstream as it is) or repair (every item streamed)',
      ).choices(['replay', 'passthrough', 'repair']),
    )
    .option(
      '--replay <path>',
      'a recording for every request, or a folder of <model>.sse|.jsonl|.txt (default: the demo)',
    )
    .addOption(
      new Option(
        '--upstream <url>',
        'passthrough, repair: the upstream API root, e.g. https://api.openai.com/v1',
      ).argParser(httpUrl),
    )
    .option('--key-env <name>', 'passthrough, repair: the env var holding the upstream key', 'OPENAI_API_KEY')
    .addOption(
      new Option('--chunk-size <n>', 'repair: the size of the deltas a whole item is streamed in').argParser(
        positiveNumber,
      ),
    )
    .addOption(shapeOption('streamed'))
    .addOption(
      new Option(
        '--fault <fault>',
        'drop-completed | stall-after=N | chunk=N | malformed[=N] | http-error=STATUS[:SECONDS] | drop-after=N | ' +
          'reset-after=N (repeatable)',
      )
        .argParser(collectFault)
        .default([]),
    )
    .addOption(new Option('--port <n>', 'the port; 0 picks a free one').argParser(portNumber).default(8787))
    .option('--host <host>', 'the interface to listen on', '127.0.0.1')
    .addOption(new Option('--delay <ms>', 'replay: pause between events').argParser(wholeNumber).default(0))
    .addOption(
      new Option('--allow-origin <origin>', "an origin whose pages may call the server (CORS; repeatable; '*' any)")
        .argParser(collectString)
        .default([], 'loopback origins'),
    )
    .option('--quiet', 'do not log requests')
    .action(async (options: ServeOptions) => setStatus(await serve(options, io)));

  program
    .command('ask')
    .description('send a real request with the key in OPENAI_API_KEY and draw the answer')
    .argument('<prompt>', 'what to ask')
    .option('--model <model>', 'the model', 'gpt-5-mini')
    .addOption(
      new Option('--base-url <url>', 'the API root (default: OPENAI_BASE_URL, else OpenAI)').argParser(httpUrl),
    )
    .addOption(onMalformedOption())
    .action(async (prompt: string, options: AskOptions) => setStatus(await ask(prompt, options, io)));

  for (const command of program.commands) {
    command
      .exitOverride()
      .showHelpAfterError(`(run 'responses-rx ${command.name()} --help' for usage)`)
      .configureOutput(program.configureOutput());
  }
  return program;
}

function shapeOption(fallback: ProviderShape | undefined, description = 'the provider shape to reproduce'): Option {
  const option = new Option('--shape <shape>', description).choices(SHAPES);
  return fallback === undefined ? option : option.default(fallback);
}

function onMalformedOption(): Option {
  return new Option('--on-malformed <policy>', 'an event that is not valid JSON: fail (error) or drop it (skip)')
    .choices(['error', 'skip'])
    .default('error');
}

function wholeNumber(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms > MAX_TIMER_MS)
    throw new InvalidArgumentError(`a whole number of milliseconds from 0 to ${MAX_TIMER_MS}, e.g. 15`);
  return ms;
}

function positiveNumber(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('a whole number from 1 up');
  return Number(value);
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port from 0 to 65535 (0: a free one)');
  return port;
}

function httpUrl(value: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    // not a URL at all
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new InvalidArgumentError('an http:// or https:// URL, e.g. https://api.openai.com/v1');
  return value;
}

function collectFault(value: string, previous: readonly Fault[]): Fault[] {
  try {
    return [...previous, parseFault(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^Invalid fault "[^"]*": /, ''));
  }
}

function collectString(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

// demo -----------------------------------------------------------------------------------------------------------

async function demo(options: { shape: ProviderShape; delay: number }, io: CliIO): Promise<number> {
  const server = await createResponsesServer({ shape: options.shape, port: 0, eventDelayMs: options.delay });
  const color = isColorEnabled(io.stdout, io.env);
  const line = (text: string): void => void io.stdout.write(`${wrapLine(text, io.stdout.columns)}\n`);
  try {
    line(
      `responses-rx demo: the embedded server at ${server.url} replays ${DEMO_CONVERSATION.length} turns as a ` +
        `'${options.shape}' provider${options.shape === 'final-only' ? ' (no deltas: only the finished answer, then response.completed)' : ''}.`,
    );
    io.stdout.write('\n');
    const total = newTally();
    const firstOutputMs: number[] = [];
    let transcript: Transcript | undefined;
    for (const turn of DEMO_CONVERSATION) {
      line(`you> ${turn.user}`);
      io.stdout.write('\n');
      const tally = newTally();
      const events$ = streamResponse(
        {
          model: turn.model,
          input: turn.user,
          ...(transcript?.responseId ? { previous_response_id: transcript.responseId } : {}),
        },
        { baseURL: server.url, apiKey: 'demo', idleTimeoutMs: 10_000 },
      );
      transcript = await drawAnswer(measured(events$, [tally, total], firstOutputMs), io.stdout, {
        color,
        ...(transcript === undefined ? {} : { initial: transcript }),
      });
      for (const comparison of comparisonLines(tally)) line(comparison);
      io.stdout.write('\n');
    }
    line(summaryLine(total, DEMO_CONVERSATION.length, firstOutputMs));
    return EXIT.ok;
  } finally {
    await server.close();
  }
}

/** Counts events into the tallies, and the time from subscribe to the first output of each answer. */
function measured(
  events$: Observable<ResponseEvent>,
  tallies: readonly TurnTally[],
  firstOutputMs: number[],
): Observable<ResponseEvent> {
  let started = 0;
  let first = true;
  return events$.pipe(
    tap({
      subscribe: () => {
        started = performance.now();
      },
      next: (event) => {
        for (const tally of tallies) countEvent(tally, event);
        const output = event.type.endsWith('Delta') || event.type === 'outputItemDone';
        if (output && first) {
          first = false;
          firstOutputMs.push(performance.now() - started);
        }
      },
    }),
  );
}

function summaryLine(tally: TurnTally, turns: number, firstOutputMs: readonly number[]): string {
  const counts = [...tally.counts.entries()].map(([type, n]) => `${type} ${n}`).join(', ');
  const first = firstOutputMs.length > 0 ? `${Math.round(Math.max(...firstOutputMs))} ms` : 'none';
  return (
    `summary: ${turns} turn${turns === 1 ? '' : 's'} · events: ${counts} · recovered items: ${tally.recovered} · ` +
    `time to first output: ${first} (worst turn)`
  );
}

// replay ---------------------------------------------------------------------------------------------------------

interface ReplayOptions {
  readonly shape?: ProviderShape;
  readonly json?: boolean;
  readonly onMalformed: 'error' | 'skip';
}

async function replay(file: string, options: ReplayOptions, io: CliIO): Promise<number> {
  const label = file === '-' ? 'stdin' : file;
  const text = await readInput(file, io);
  // Told apart by content, never by name; a file that is not a recording is an InvalidRecordingError (exit 1).
  const events = parseRecording(text, label);
  const shape = options.shape ?? 'streamed';
  let sse: string;
  if (shape === 'streamed') {
    sse = detectRecordingFormat(text) === 'sse' ? text : toSseText(events);
  } else {
    const raw = events.filter((event) => typeof event === 'string').length;
    if (raw > 0) io.stderr.write(`responses-rx: ${raw} line(s) that are not JSON events were left out by --shape\n`);
    sse = toSseText(
      applyShape(
        events.filter((event): event is WireJson => typeof event !== 'string'),
        shape,
      ),
    );
  }
  const events$ = responseEvents(sse, { onMalformed: options.onMalformed, idleTimeoutMs: Infinity });
  if (options.json) {
    await new Promise<void>((resolve, reject) =>
      events$.subscribe({
        next: (event) => io.stdout.write(`${JSON.stringify(event)}\n`),
        error: reject,
        complete: resolve,
      }),
    );
    return EXIT.ok;
  }
  const tally = newTally();
  const firstOutputMs: number[] = [];
  await drawAnswer(measured(events$, [tally], firstOutputMs), io.stdout, { color: isColorEnabled(io.stdout, io.env) });
  io.stdout.write(`${wrapLine(summaryLine(tally, 1, firstOutputMs), io.stdout.columns)}\n`);
  return EXIT.ok;
}

/** The whole input, as text: a file, or stdin for `-`. A missing file is bad usage. */
async function readInput(file: string, io: CliIO): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin ?? process.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `no such file: ${file}${inPackage(file)}`
        : code === 'EISDIR'
          ? `${file} is a folder; replay takes one recording (serve --replay takes a folder)`
          : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
}

/**
 * For a relative path missing here that the installed package has (`examples/recordings/…`): where to find it. The
 * file is named, never read in place of the one asked for.
 */
function inPackage(file: string): string {
  const root = packageRoot();
  if (root === undefined || isAbsolute(file)) return '';
  const candidate = join(root, file);
  if (relative(root, candidate).startsWith('..') || !existsSync(candidate)) return '';
  return `; the responses-rx package has ${file} at ${candidate}`;
}

// serve ----------------------------------------------------------------------------------------------------------

interface ServeOptions {
  readonly mode?: 'replay' | 'passthrough' | 'repair';
  readonly replay?: string;
  readonly upstream?: string;
  readonly keyEnv: string;
  readonly chunkSize?: number;
  readonly shape: ProviderShape;
  readonly fault: readonly Fault[];
  readonly port: number;
  readonly host: string;
  readonly delay: number;
  readonly allowOrigin: readonly string[];
  readonly quiet?: boolean;
}

async function serve(options: ServeOptions, io: CliIO): Promise<number> {
  const mode = options.mode ?? (options.upstream ? 'passthrough' : 'replay');
  if (mode !== 'replay' && !options.upstream) throw new UsageError(`--mode ${mode} needs --upstream URL`);
  if (mode === 'replay' && options.upstream) throw new UsageError('--upstream goes with --mode passthrough or repair');
  if (mode !== 'replay' && options.replay) throw new UsageError(`--replay goes with --mode replay, not ${mode}`);
  const serverOptions: ResponsesServerOptions = {
    mode,
    ...(mode !== 'replay' ? { upstream: options.upstream } : options.replay ? { replay: options.replay } : {}),
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    keyEnv: options.keyEnv,
    shape: options.shape,
    fault: options.fault,
    port: options.port,
    host: options.host,
    eventDelayMs: options.delay,
    ...(options.allowOrigin.length > 0 ? { allowedOrigins: ['loopback', ...options.allowOrigin] } : {}),
    ...(options.quiet ? {} : { log: (entry) => entry.kind !== 'event' && io.stderr.write(`${entry.message}\n`) }),
  };
  let server;
  try {
    server = await createResponsesServer(serverOptions);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `port ${options.port} on ${options.host} is in use: stop what runs there, or pick another with --port N ` +
          `(--port 0 picks a free one)`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`cannot listen on ${options.host}: no such interface on this machine (try 127.0.0.1)`);
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^createResponsesServer: /, ''));
    throw error;
  }
  const running = server;
  // Ctrl-C is handled from here on: installed before the line that says the server listens, so that a signal sent
  // as soon as that line is read stops the server cleanly.
  const stopped = new Promise<void>((resolve) => {
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
  io.stdout.write(
    `${wrapLine(
      `responses-rx serve: ${server.mode} on ${server.url} (POST ${server.url}/responses, WebSocket ` +
        `${server.url.replace(/^http/, 'ws')}/responses, GET /health); Ctrl-C stops`,
      io.stdout.columns,
    )}\n`,
  );
  await stopped;
  io.stdout.write('responses-rx serve: stopped\n');
  return EXIT.ok;
}

// ask ------------------------------------------------------------------------------------------------------------

interface AskOptions {
  readonly model: string;
  readonly baseUrl?: string;
  readonly onMalformed: 'error' | 'skip';
}

async function ask(prompt: string, options: AskOptions, io: CliIO): Promise<number> {
  if (prompt.trim() === '') throw new UsageError('ask takes a non-empty "PROMPT"');
  const apiKey = io.env['OPENAI_API_KEY'];
  if (!apiKey) throw new UsageError('set OPENAI_API_KEY to ask a real model (or try: responses-rx demo)');
  const baseURL = options.baseUrl ?? io.env['OPENAI_BASE_URL'];
  const events$ = streamResponse(
    { model: options.model, input: prompt, reasoning: { summary: 'auto' } },
    { apiKey, onMalformed: options.onMalformed, ...(baseURL ? { baseURL } : {}) },
  );
  const tally = newTally();
  const firstOutputMs: number[] = [];
  await drawAnswer(measured(events$, [tally], firstOutputMs), io.stdout, { color: isColorEnabled(io.stdout, io.env) });
  io.stdout.write(`${wrapLine(summaryLine(tally, 1, firstOutputMs), io.stdout.columns)}\n`);
  return EXIT.ok;
}

// errors ---------------------------------------------------------------------------------------------------------

function describe(error: unknown): string {
  if (isResponsesRxError(error)) {
    // The library's advice, in the CLI's own words.
    const message = error.message.replace("pass onMalformed: 'skip'", 'pass --on-malformed skip');
    return `${message} [${error.code}${error.retryable ? ', retryable' : ''}]`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
