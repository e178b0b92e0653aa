import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { DEMO_CONVERSATION, createResponsesServer } from 'responses-rx/server';
import { items, streamedEvents, toSseText } from 'responses-rx/testing';
import { streamResponse } from 'responses-rx';
import { type CliIO, main } from '../../lib/cli/main';
import { collect } from '../support';

function io(env: Record<string, string> = {}, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
    ...(signal ? { signal } : {}),
  };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const count = (text: string, part: string) => text.split(part).length - 1;
const texts = (item: { content?: unknown; summary?: unknown }) =>
  [...((item.content ?? []) as { text: string }[]), ...((item.summary ?? []) as { text: string }[])].map((p) => p.text);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = [items.reasoning('rs_1', 'Weighing the options'), items.message('msg_1', 'Take the train.')];
const writeFile = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('responses-rx demo', () => {
  it('draws every turn of the final-only demo once, reasoning and answer, then a summary line', async () => {
    const t = io();
    expect(await main(['demo', '--delay', '0'], t.io)).toBe(0);
    const out = t.out();
    for (const turn of DEMO_CONVERSATION) {
      expect(out).toContain(`you> ${turn.user}`);
      for (const item of turn.output) for (const text of texts(item as never)) expect(count(out, text)).toBe(1);
    }
    expect(out).toMatch(
      /summary: 3 turns · events: .*outputItemDone 7.* · recovered items: 4 · time to first output: \d+ ms/,
    );
    expect(out).not.toMatch(/\u001b\[/); // not a TTY: no escape codes
    expect(t.err()).toBe('');
  });

  it('recovers nothing when the provider streams everything', async () => {
    const t = io();
    expect(await main(['demo', '--delay', '0', '--shape', 'streamed'], t.io)).toBe(0);
    expect(t.out()).toMatch(/recovered items: 0/);
    expect(t.out()).toMatch(/outputTextDelta \d+/);
  });
});

describe('responses-rx replay', () => {
  it('renders a recorded stream', async () => {
    const file = writeFile('ok.sse', toSseText(streamedEvents(sample)));
    const t = io();
    expect(await main(['replay', file], t.io)).toBe(0);
    expect(count(t.out(), 'Take the train.')).toBe(1);
    expect(count(t.out(), 'Weighing the options')).toBe(1);
  });

  it('prints normalized events as JSON lines, reshaped on request', async () => {
    const file = writeFile(
      'ok.jsonl',
      streamedEvents(sample)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const t = io();
    expect(await main(['replay', file, '--shape', 'completed-only', '--json'], t.io)).toBe(0);
    const lines = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; recovered?: boolean });
    expect(lines.map((e) => `${e.type}${e.recovered ? '*' : ''}`)).toEqual([
      'created',
      'inProgress',
      'outputItemDone*',
      'outputItemDone*',
      'completed',
    ]);
  });

  it('exits 1 with the error message and no stack trace when the stream ends early', async () => {
    const events = streamedEvents(sample);
    const file = writeFile('cut.sse', toSseText(events.slice(0, -1)));
    const t = io();
    expect(await main(['replay', file], t.io)).toBe(1);
    expect(t.out()).toMatch(/Stream closed early/);
    expect(count(t.out() + t.err(), 'Stream closed early')).toBe(1);
    expect(t.out() + t.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 1 and prints the error to stderr in --json mode', async () => {
    const file = writeFile('cut2.sse', toSseText(streamedEvents(sample).slice(0, 3)));
    const t = io();
    expect(await main(['replay', file, '--json'], t.io)).toBe(1);
    expect(t.err()).toMatch(/stream_closed/);
  });

  it('exits 2 on bad usage', async () => {
    expect(await main(['replay'], io().io)).toBe(2);
    expect(await main(['replay', path.join(dir, 'missing.sse')], io().io)).toBe(2);
    expect(await main(['replay', 'x', '--bogus'], io().io)).toBe(2);
    expect(await main(['nope'], io().io)).toBe(2);
    expect(await main([], io().io)).toBe(2);
  });

  it('prints help for each command with exit 0', async () => {
    for (const command of ['demo', 'replay', 'serve', 'ask']) {
      const t = io();
      expect(await main([command, '--help'], t.io)).toBe(0);
      expect(t.out()).toMatch(new RegExp(`Usage: responses-rx ${command}`));
    }
    expect(await main(['--help'], io().io)).toBe(0);
  });
});

describe('responses-rx serve and ask', () => {
  it('serves until stopped, and ask streams a real request from it', async () => {
    const stop = new AbortController();
    const served = io({}, stop.signal);
    const running = main(['serve', '--port', '0', '--shape', 'no-reasoning-deltas', '--quiet'], served.io);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /on (http:\/\/\S+\/v1)/.exec(served.out())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(url).toBeDefined();
    expect(await (await fetch(`${url!.replace(/\/v1$/, '')}/health`)).json()).toEqual({ ok: true });

    const asked = io({ OPENAI_API_KEY: 'test' });
    expect(await main(['ask', 'What is an Observable?', '--base-url', url!, '--model', 'demo-turn-1'], asked.io)).toBe(
      0,
    );
    const turn = DEMO_CONVERSATION[0]!;
    for (const item of turn.output) for (const text of texts(item as never)) expect(count(asked.out(), text)).toBe(1);
    expect(asked.out()).toMatch(/recovered items: 1/); // the reasoning never streamed

    stop.abort();
    expect(await running).toBe(0);
  });

  it('serve --fault drop-after=N --fault reset-after=N cuts every connection; a background stream resumes to the end', async () => {
    const stop = new AbortController();
    const served = io({}, stop.signal);
    const args = ['serve', '--port', '0', '--fault', 'drop-after=4', '--fault', 'reset-after=6', '--quiet'];
    const running = main(args, served.io);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /on (http:\/\/\S+\/v1)/.exec(served.out())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const body = { model: 'demo-turn-1', input: 'hi', background: true };
    const resume = { initialDelayMs: 1, jitter: 0 };
    const run = await collect(streamResponse(body, { baseURL: url!, apiKey: 'k', resume }));
    expect(run.error).toBeUndefined();
    expect(run.values.at(-1)?.type).toBe('completed');
    stop.abort();
    expect(await running).toBe(0);
  });

  it('ask needs OPENAI_API_KEY and a prompt', async () => {
    expect(await main(['ask', 'hi'], io().io)).toBe(2);
    expect(await main(['ask'], io({ OPENAI_API_KEY: 'k' }).io)).toBe(2);
  });

  it('serve --mode repair streams a final-only upstream to any client', async () => {
    const upstream = await createResponsesServer({ shape: 'final-only' });
    const stop = new AbortController();
    const served = io({}, stop.signal);
    const running = main(
      ['serve', '--port', '0', '--mode', 'repair', '--upstream', upstream.url, '--chunk-size', '4', '--quiet'],
      served.io,
    );
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /repair on (http:\/\/\S+\/v1)/.exec(served.out())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    try {
      const client = new OpenAI({ baseURL: url!, apiKey: 'test', maxRetries: 0 });
      let deltas = '';
      let count = 0;
      for await (const event of await client.responses.create({ model: 'demo-turn-1', input: 'hi', stream: true })) {
        if (event.type === 'response.output_text.delta') {
          deltas += event.delta;
          count += 1;
        }
      }
      const message = DEMO_CONVERSATION[0]!.output.find((item) => item.type === 'message')!;
      const text = (message['content'] as { text: string }[]).map((part) => part.text).join('');
      expect(deltas).toBe(text);
      expect(count).toBe(Math.ceil(text.length / 4));
    } finally {
      stop.abort();
      expect(await running).toBe(0);
      await upstream.close();
    }
  });

  it('serve rejects contradictory options', async () => {
    expect(await main(['serve', '--mode', 'repair'], io().io)).toBe(2);
    expect(
      await main(['serve', '--mode', 'repair', '--upstream', 'http://127.0.0.1:1/v1', '--chunk-size', '0'], io().io),
    ).toBe(2);
    expect(await main(['serve', '--mode', 'passthrough'], io().io)).toBe(2);
    expect(await main(['serve', '--fault', 'explode'], io().io)).toBe(2);
    expect(await main(['serve', '--port', 'x'], io().io)).toBe(2);
  });

  it('ask exits 1 with the HTTP error when the server refuses', async () => {
    const stop = new AbortController();
    const served = io({}, stop.signal);
    const running = main(['serve', '--port', '0', '--fault', 'http-error=429:3', '--quiet'], served.io);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /on (http:\/\/\S+\/v1)/.exec(served.out())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const asked = io({ OPENAI_API_KEY: 'test' });
    expect(await main(['ask', 'hi', '--base-url', url!], asked.io)).toBe(1);
    expect(asked.out() + asked.err()).toMatch(/HTTP 429/);
    stop.abort();
    await running;
  });
});

describe('the responses-rx process', () => {
  it('runs the demo as a real process and exits 0; a failing replay exits 1 without a stack trace', () => {
    const root = path.resolve(__dirname, '../..');
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, `require(${JSON.stringify(path.join(root, 'lib/cli/main.ts'))}).run();\n`);
    const node = (args: string[]) =>
      spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    const demo = node(['demo', '--delay', '0']);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/summary: 3 turns/);
    const cut = writeFile('cut3.sse', toSseText(streamedEvents(sample).slice(0, -1)));
    const failed = node(['replay', cut]);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('stops serve cleanly on SIGINT and SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const entry = path.join(dir, 'serve-entry.ts');
    writeFileSync(entry, `require(${JSON.stringify(path.join(root, 'lib/cli/main.ts'))}).run();\n`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', entry, 'serve', '--port', '0', '--quiet'],
        { cwd: root },
      );
      let out = '';
      child.stdout.on('data', (data: Buffer) => (out += data.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 500 && !/on http:/.test(out); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const url = /on (http:\/\/\S+)\/v1/.exec(out)?.[1];
      expect(url).toBeDefined();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(out).toMatch(/serve: stopped/);
    }
  }, 60_000);
});
