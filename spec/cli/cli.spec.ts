/**
 * The `responses-rx` command as a user runs it: its stdout and stderr read apart, its exit status checked. Output on
 * stdout, errors on stderr, never a stack trace; 0 success, 1 a stream, file or HTTP error, 2 bad usage.
 *
 * What only a process shows runs the real bin (bin/responses-rx.js on the built package) in a child process: each exit
 * status as the process's own, reading the process's stdin, a reader that closes the pipe early (EPIPE), Ctrl-C and
 * SIGTERM. The rest calls `main` (what the bin runs) in this process with its own stdout, stderr, env and stdin: the
 * same commands and output, without a Node start-up each.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { responseEvents } from 'responses-rx';
import { DEMO_CONVERSATION } from 'responses-rx/server';
import { items, streamedEvents, toSseText } from 'responses-rx/testing';
import { firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { main } from '../../lib/cli/main';
import { wrapLine } from '../../lib/cli/draw';

const root = path.resolve(__dirname, '../..');
const binPath = path.join(root, 'bin/responses-rx.js');
let dir: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-cli-'));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ENV = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, OPENAI_API_KEY: undefined } as NodeJS.ProcessEnv;

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [binPath, ...args], { cwd: dir, env: { ...ENV, ...env } });
}

/** Runs the bin to the end (asynchronously: a server in this process may be what it talks to). */
function bin(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const child = start(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** Runs `main` in this process, with the bin's environment, to the end. */
async function cli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; stdout?: (text: string) => void } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: { write: (text: string) => ((stdout += text), options.stdout?.(stdout)) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...ENV, ...options.env },
    stdin: Readable.from([options.input ?? '']),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { status, stdout, stderr };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

const count = (text: string, part: string) => text.split(part).length - 1;
const NO_STACK = /\n\s+at \S/;
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
};
const turnTexts = (index: number) => {
  const output = DEMO_CONVERSATION[index]!.output as unknown as {
    type: string;
    content?: { text: string }[];
    summary?: { text: string }[];
  }[];
  const reasoning = output.find((item) => item.type === 'reasoning')!.summary![0]!.text;
  const answer = output.find((item) => item.type === 'message')!.content![0]!.text;
  return { reasoning, answer };
};
const sample = streamedEvents([
  items.reasoning('rs_1', 'Weighing the options'),
  items.message('msg_1', 'Take the train.'),
]);

describe('responses-rx demo', () => {
  it('draws every turn once, reasoning before the answer, beside what a deltas-only client showed', async () => {
    const run = await cli(['demo', '--delay', '0']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const turns = run.stdout.split(/^you> /m).slice(1);
    expect(turns).toHaveLength(DEMO_CONVERSATION.length);
    for (const [index, turn] of turns.entries()) {
      const { reasoning, answer } = turnTexts(index);
      expect(count(turn, reasoning)).toBe(1);
      expect(count(turn, answer)).toBe(1);
      expect(turn.indexOf(reasoning)).toBeLessThan(turn.indexOf(answer)); // output order, though it arrived last
      expect(turn).toMatch(
        new RegExp(
          `a client reading only deltas showed: answer 0 of ${[...answer].length} characters · reasoning 0 of`,
        ),
      );
      expect(turn).toMatch(
        new RegExp(`responses-rx delivered: +answer ${[...answer].length} of ${[...answer].length}`),
      );
    }
    expect(run.stdout).toMatch(/summary: 3 turns · events: .*outputItemDone 7.* · recovered items: 4/);
    expect(run.stdout).not.toMatch(/\u001b\[/); // not a TTY: no escape codes
  });

  it('shows the deltas-only client getting the whole answer when the provider streams everything', async () => {
    const run = await cli(['demo', '--delay', '0', '--shape', 'streamed']);
    expect(run.status).toBe(0);
    const { answer } = turnTexts(0);
    const n = [...answer].length;
    expect(run.stdout).toContain(`a client reading only deltas showed: answer ${n} of ${n} characters`);
    expect(run.stdout).toMatch(/recovered items: 0/);
  });
});

describe('responses-rx replay', () => {
  it('renders a recording, whatever its file name', async () => {
    for (const name of ['ok.sse', 'ok.txt', 'ok']) {
      const run = await cli(['replay', file(name, toSseText(sample))]);
      expect(run.status).toBe(0);
      expect(count(run.stdout, 'Take the train.')).toBe(1);
      expect(run.stdout.indexOf('Weighing the options')).toBeLessThan(run.stdout.indexOf('Take the train.'));
    }
  });

  it("reads the process's stdin for -", async () => {
    const run = await bin(['replay', '-', '--json'], { input: toSseText(sample) });
    expect(run.status).toBe(0);
    const types = run.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe('created');
    expect(types.at(-1)).toBe('completed');
  });

  it('prints normalized events as JSON lines, reshaped on request', async () => {
    const jsonl = file('ok.jsonl', sample.map((e) => JSON.stringify(e)).join('\n'));
    const run = await cli(['replay', jsonl, '--shape', 'completed-only', '--json']);
    expect(run.status).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; recovered?: boolean });
    expect(events.filter((e) => e.type === 'outputItemDone').map((e) => e.recovered)).toEqual([true, true]);
  });

  it.each([
    ['an HTML page', 'page.sse', '<!doctype html>\n<html><body>Sign in</body></html>\n', /an HTML page/],
    ['JSON that is no error body', 'other.sse', '{\n  "error": true\n}\n', /a plain JSON body/],
    ['a one-line package.json', 'package.json', '{"name":"app","type":"module"}\n', /a plain JSON body/],
    ['plain text', 'notes.txt', 'hello world\n', /text without SSE events/],
    [
      'Markdown with an HTML comment',
      'notes.md',
      '# Notes\n\n<!-- draft -->\n',
      /text without SSE events \(first line: # Notes\)/,
    ],
    ['an empty file', 'empty.sse', '', /holds nothing/],
  ])(
    'exits 1 on %s with one line on stderr, no stack trace and no "send the request again"',
    async (_w, name, text, says) => {
      const run = await cli(['replay', file(name, text)]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(says);
      expect(run.stderr).toMatch(/\[invalid_recording\]\n$/);
      expect(run.stderr).not.toMatch(/send the request again/);
      expect(run.stderr).not.toMatch(NO_STACK);
    },
  );

  it.each([
    [
      'on one line',
      '{"error":{"message":"Incorrect API key provided: sk-bad. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}\n',
    ],
    [
      'pretty-printed',
      '{\n  "error": {\n    "message": "Incorrect API key provided: sk-bad. You can find your API key at https://platform.openai.com/account/api-keys.",\n    "type": "invalid_request_error",\n    "param": null,\n    "code": "invalid_api_key"\n  }\n}\n',
    ],
  ])(
    'reports a recorded API error body (%s) as the library reads one: its code and message, exit 1',
    async (_how, body) => {
      const path = file('bad-key.sse', body);
      for (const args of [[], ['--json']]) {
        const run = await cli(['replay', path, ...args]);
        expect(run.status).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(
          'responses-rx: The response failed (error body, invalid_api_key): Incorrect API key provided: sk-bad. You ' +
            'can find your API key at https://platform.openai.com/account/api-keys — the request must change ' +
            'before it can succeed. [response_failed]\n',
        );
      }
      // What the library makes of the same body sent as an HTTP answer: the same error.
      const answer = new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      await expect(firstValueFrom(responseEvents(answer))).rejects.toMatchObject({
        code: 'response_failed',
        serverCode: 'invalid_api_key',
        source: 'error body',
      });
    },
  );

  it('exits 1 on a one-line package.json (a string type that is no stream event), as a real process', async () => {
    const run = await bin(['replay', file('package.json', '{"name":"app","type":"module"}\n')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/package\.json is not a Responses stream recording: it holds a plain JSON body/);
    expect(run.stderr).toMatch(/\[invalid_recording\]\n$/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/send the request again/);
  });

  it('exits 1 on a recording cut short, the error on stderr only, once', async () => {
    const cut = file('cut.sse', toSseText(sample.slice(0, -1)));
    for (const [args, runner] of [
      [[], bin], // the exit status of a real process
      [['--json'], cli],
    ] as const) {
      const run = await runner(['replay', cut, ...args]);
      expect(run.status).toBe(1);
      expect(count(run.stderr, 'stream_closed')).toBe(1);
      expect(run.stdout).not.toMatch(/stream_closed|Stream closed/);
      expect(run.stderr).not.toMatch(NO_STACK);
    }
  });

  it('fails on a malformed event by default, and skips it with --on-malformed skip', async () => {
    const events: (object | string)[] = [...sample];
    events.splice(3, 0, '{"type":"response.output_text.delta",');
    const broken = file('broken.sse', toSseText(events as never));
    const strict = await cli(['replay', broken]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/malformed_event/);
    expect(strict.stderr).toMatch(/--on-malformed skip/);
    const lenient = await cli(['replay', broken, '--on-malformed', 'skip']);
    expect(lenient.status).toBe(0);
    expect(count(lenient.stdout, 'Take the train.')).toBe(1);
  });

  it('ends quietly with 0 when the reader stops early (| head)', async () => {
    const long = streamedEvents([items.message('msg_long', 'word '.repeat(20_000))], { deltaSize: 5 });
    const big = file('big.sse', toSseText(long));
    const child = start(['replay', big, '--json']);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (stdout.split('\n').length > 2) child.stdout.destroy(); // what `head -2` does
    });
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('usage errors exit 2 with a message a user can act on', () => {
  it.each([
    [['replay'], /missing required argument 'file'/],
    [['replay', 'missing.sse'], /no such file: missing\.sse/],
    [['replay', 'x', '--bogus'], /unknown option '--bogus'/],
    [['nope'], /unknown command 'nope'/],
    [['serve', '--port', '99999'], /a port from 0 to 65535/],
    [['serve', '--delay', '2147483648'], /a whole number of milliseconds from 0 to 2147483647/],
    [['demo', '--delay', 'NaN'], /a whole number of milliseconds from 0 to 2147483647/],
    [['serve', '--fault', 'stall-after='], /stall-after needs a number of events/],
    [['serve', '--fault', 'explode'], /unknown fault/],
    [['serve', '--mode', 'passthrough'], /needs --upstream/],
    [['demo', '--shape', 'odd'], /Allowed choices are streamed, final-only/],
    [['ask', 'hi'], /set OPENAI_API_KEY/],
    [['ask', 'hi', '--base-url', 'notaurl'], /option '--base-url <url>' argument 'notaurl' is invalid\. an http/],
    [['ask', 'hi', '--base-url', 'ftp://host/v1'], /'--base-url <url>'.*an http:\/\/ or https:\/\/ URL/],
    [['serve', '--upstream', 'api.openai.com/v1'], /'--upstream <url>'.*an http:\/\/ or https:\/\/ URL/],
  ])('%j', async (args, says) => {
    const run = await cli(args as string[]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(run.stderr).not.toMatch(/createResponsesServer|NO_STACK/);
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter((line) => line.startsWith('responses-rx: '))).toHaveLength(1);
  });

  it("names the installed package's copy of a relative path missing here, and reads nothing in its place", async () => {
    // The bin runs in a folder of its own, as `npx responses-rx` does in a user's project.
    const run = await bin(['replay', 'examples/recordings/final-only.sse']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const inPackage = path.join(root, 'examples/recordings/final-only.sse');
    expect(run.stderr).toBe(
      `responses-rx: no such file: examples/recordings/final-only.sse; the responses-rx package has ` +
        `examples/recordings/final-only.sse at ${inPackage}\n`,
    );
    const elsewhere = await cli(['replay', path.join(dir, 'examples/recordings/final-only.sse')]);
    expect(elsewhere.stderr).not.toMatch(/the responses-rx package has/); // an absolute path means that file
    const outside = await cli(['replay', '../../examples/recordings/final-only.sse']);
    expect(outside.stderr).not.toMatch(/the responses-rx package has/);
  });

  it('prints the version of the package with --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    }
    const real = await bin(['--version']); // the installed bin, from its own folder
    expect(real).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help for each command with 0, and usage with 2 when no command is given', async () => {
    for (const command of ['demo', 'replay', 'serve', 'ask']) {
      const run = await cli([command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`Usage: responses-rx ${command}`));
      // The demo paces its events like a model unless told otherwise (the specs pass --delay 0).
      if (command === 'demo') expect(run.stdout).toMatch(/--delay <ms> +pause between replayed events \(default: 15\)/);
    }
    const none = await bin([]); // the exit status of a real process
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/Usage: responses-rx/);
    expect(none.stderr).toMatch(/Exit status: 0 success, 1 a stream, file or HTTP error, 2 bad usage/);
  });

  it('says the port is in use, and how to pick another', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await cli(['serve', '--port', String(port), '--quiet']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*--port 0 picks a free one`));
      expect(run.stderr).not.toMatch(NO_STACK);
    } finally {
      blocker.close();
    }
  });
});

/** Starts `serve` in this process; resolves with its API root once it listens. `stop()` is what Ctrl-C does. */
async function serveHere(
  args: readonly string[],
): Promise<{ url: string; out: () => string; stop: () => Promise<Run> }> {
  const controller = new AbortController();
  let out = '';
  const ended = cli(['serve', '--port', '0', ...args], {
    signal: controller.signal,
    stdout: (written) => (out = written),
  });
  let early: Run | undefined;
  void ended.then((run) => (early = run));
  await until(() => /on http:\/\/\S+\/v1/.test(out) || early !== undefined, 'serve to listen');
  const url = /on (http:\/\/\S+\/v1)/.exec(out)?.[1];
  if (url === undefined) throw new Error(`serve did not start: ${early?.stderr}`);
  return {
    url,
    out: () => out,
    stop: () => {
      controller.abort();
      return ended;
    },
  };
}

/** Starts `serve` as a child; resolves with its API root once it listens. */
async function serve(
  args: readonly string[],
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; out: () => string; err: () => string }> {
  const child = start(['serve', '--port', '0', ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (data: Buffer) => (out += data.toString()));
  child.stderr.on('data', (data: Buffer) => (err += data.toString()));
  await until(() => /on http:\/\/\S+\/v1/.test(out) || child.exitCode !== null, 'serve to listen');
  const url = /on (http:\/\/\S+\/v1)/.exec(out)?.[1];
  if (url === undefined) throw new Error(`serve did not start: ${err}`);
  return { child, url, out: () => out, err: () => err };
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  child.kill(signal);
  return exited;
}

describe('responses-rx serve and ask', () => {
  it('prints the ws:// URL of its WebSocket endpoint in the banner, and that URL answers response.create', async () => {
    const server = await serveHere(['--quiet']);
    const wsUrl = /WebSocket (ws:\/\/\S+\/v1\/responses)\b/.exec(server.out())?.[1];
    expect(wsUrl).toBe(`${server.url.replace(/^http/, 'ws')}/responses`);
    const socket = new WebSocket(wsUrl!);
    const types: string[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'response.create', model: 'demo-turn-1', input: 'hi' })),
      );
      socket.on('message', (data) => {
        const type = (JSON.parse(String(data)) as { type: string }).type;
        types.push(type);
        if (type === 'response.completed') resolve();
      });
      socket.on('error', reject);
    });
    socket.close();
    expect(types[0]).toBe('response.created');
    expect((await server.stop()).status).toBe(0);
  });

  it('serves until Ctrl-C; ask streams from it; requests are numbered without the /health polls', async () => {
    const server = await serve(['--shape', 'no-reasoning-deltas']);
    expect((await fetch(`${server.url.replace(/\/v1$/, '')}/health`)).status).toBe(200);
    const asked = await cli(['ask', 'What is an Observable?', '--base-url', server.url, '--model', 'demo-turn-1'], {
      env: { OPENAI_API_KEY: 'test' },
    });
    expect(asked.status).toBe(0);
    const { reasoning, answer } = turnTexts(0);
    expect(count(asked.stdout, reasoning)).toBe(1);
    expect(count(asked.stdout, answer)).toBe(1);
    expect(asked.stdout).toMatch(/recovered items: 1/); // the reasoning never streamed
    await until(() => /#1 finished/.test(server.err()), 'the request log');
    expect(server.err()).toMatch(/^#1 POST \/responses model=demo-turn-1/m);
    expect(await stop(server.child)).toBe(0);
    expect(server.out()).toMatch(/serve: stopped/);
  });

  it('logs the line of every request before its end: create, retrieve, cancel, and a body that is no JSON', async () => {
    const server = await serveHere([]);
    const created = await fetch(`${server.url}/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'demo-turn-1' }),
    });
    const id = ((await created.json()) as { id: string }).id;
    expect((await fetch(`${server.url}/responses/${id}`)).status).toBeGreaterThan(0);
    await fetch(`${server.url}/responses/${id}/cancel`, { method: 'POST' });
    await fetch(`${server.url}/responses`, { method: 'POST', body: 'not json' });
    const run = await server.stop();
    const lines = run.stderr.split('\n');
    const begins = lines.filter((line) => /^#\d+ (GET|POST) /.test(line));
    expect(begins).toEqual([
      '#1 POST /responses model=demo-turn-1 (replay, shape streamed)',
      `#2 GET /responses/${id} (replay, shape streamed)`,
      `#3 POST /responses/${id}/cancel (replay, shape streamed)`,
      '#4 POST /responses (replay, shape streamed)',
    ]);
    for (const n of [1, 2, 3, 4]) {
      const begin = lines.findIndex((line) => line.startsWith(`#${n} `));
      const end = lines.findIndex((line) => new RegExp(`^#${n} (finished|rejected) `).test(line));
      expect(begin).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(begin);
    }
  });

  it('logs a stream its own Ctrl-C ended as server-closed, not client-closed', async () => {
    const server = await serve(['--fault', 'stall-after=3']);
    const request = fetch(`${server.url}/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'demo-turn-1', stream: true }),
    }).then((response) => response.text().catch(() => ''));
    await until(() => /#1 POST/.test(server.err()), 'the request to arrive');
    expect(await stop(server.child, 'SIGTERM')).toBe(0);
    await request;
    expect(server.err()).toMatch(/#1 server-closed/);
    expect(server.err()).not.toMatch(/client-closed/);
  });

  it('ask exits 1 with the HTTP error on stderr; the 429 body names the same delay as its header', async () => {
    const server = await serveHere(['--fault', 'http-error=429:2', '--quiet']);
    try {
      const asked = await cli(['ask', 'hi', '--base-url', server.url], { env: { OPENAI_API_KEY: 'test' } });
      expect(asked.status).toBe(1);
      expect(asked.stderr).toMatch(/HTTP 429/);
      expect(asked.stdout).not.toMatch(/HTTP 429/);
      const raw = await fetch(`${server.url}/responses`, { method: 'POST', body: '{"stream":true}' });
      expect(raw.headers.get('retry-after')).toBe('2');
      expect(((await raw.json()) as { error: { message: string } }).error.message).toMatch(/try again in 2s/);
    } finally {
      await server.stop();
    }
  });

  it('passthrough says why the upstream could not be reached', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
    const server = await serveHere(['--upstream', `http://127.0.0.1:${port}/v1`, '--quiet']);
    try {
      const asked = await cli(['ask', 'hi', '--base-url', server.url], { env: { OPENAI_API_KEY: 'test' } });
      expect(asked.status).toBe(1);
      expect(asked.stderr).toMatch(/HTTP 502/);
      expect(asked.stderr).toMatch(/ECONNREFUSED/);
      expect(asked.stderr).not.toMatch(/fetch failed/);
    } finally {
      await server.stop();
    }
  });

  it('serves a folder of recordings given to --replay', async () => {
    const folder = mkdtempSync(path.join(dir, 'recordings-'));
    writeFileSync(path.join(folder, 'my-model.txt'), toSseText(sample));
    const server = await serveHere(['--replay', folder, '--quiet']);
    try {
      const asked = await cli(['ask', 'hi', '--base-url', server.url, '--model', 'my-model'], {
        env: { OPENAI_API_KEY: 'test' },
      });
      expect(asked.status).toBe(0);
      expect(count(asked.stdout, 'Take the train.')).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('refuses to serve a file that is not a recording, with exit 1 and no crash', async () => {
    const run = await cli(['serve', '--port', '0', '--replay', file('login.sse', '<html>login</html>')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/login\.sse is not a Responses stream recording/);
    expect(run.stderr).not.toMatch(NO_STACK);
  });
});

describe('status lines in a narrow terminal', () => {
  it('wraps header and summary lines at word boundaries', async () => {
    const out: string[] = [];
    const status = await main(['demo', '--delay', '0'], {
      stdout: { write: (text: string) => out.push(text), columns: 40 },
      stderr: { write: () => undefined },
      env: { NO_COLOR: '1' },
    });
    expect(status).toBe(0);
    const lines = out.join('').split('\n');
    const status_lines = lines.filter((line) =>
      /^(responses-rx demo|summary|a client|responses-rx delivered)/.test(line),
    );
    expect(status_lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(out.join('')).toMatch(/summary: 3 turns ·/);
  });

  it('never breaks a word', () => {
    const text = 'summary: 3 turns · events: created 3, outputItemDone 7, completed 3 · recovered items: 4';
    const wrapped = wrapLine(text, 30);
    expect(wrapped.split(/\s+/).filter(Boolean)).toEqual(text.split(' '));
    for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(30);
  });
});

describe('npm start', () => {
  it('does not build again when dist/ is current (what makes npm start start at once)', () => {
    const built = path.join(root, 'dist', 'index.js');
    const before = statSync(built).mtimeMs;
    execFileSync(process.execPath, [path.join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    expect(statSync(built).mtimeMs).toBe(before);
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start).toMatch(
      /scripts\/build\.js --if-stale && node bin\/responses-rx\.js demo/,
    );
  });
});

describe('npm run load', () => {
  it('writes no carriage returns when its output is not a terminal', () => {
    const out = execFileSync(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(root, 'scripts/load.ts'), '14'],
      { cwd: root, encoding: 'utf8', env: ENV },
    );
    expect(out).not.toContain('\r');
    expect(out).toMatch(/14\/14 streams/);
  }, 120_000);
});
