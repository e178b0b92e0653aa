/**
 * The browser example in a real, headless Chromium (Debian's `chromium`, driven by playwright-core): the page loads the
 * package's ES module build from one origin and streams from the embedded server on another. This spec fails — it
 * never skips — when Chromium cannot be launched: `.ci/run` installs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { DEMO_CONVERSATION, type RequestSummary, createResponsesServer } from 'responses-rx/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS dev server, loaded as it runs
const { startDevServer } = require('../../examples/browser/dev-server.js') as {
  startDevServer(): Promise<{ url: string; pageUrl: string; close(): Promise<void> }>;
};

/** Where Chromium is: `CHROMIUM_PATH`, else the Debian package's binary. */
function chromiumPath(): string {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (found === undefined)
    throw new Error(
      'No Chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser). ' +
        'Install it with `apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH.',
    );
  return found;
}

const LAUNCH_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const root = path.resolve(__dirname, '../..');
let browser: Browser;
let pages: { pageUrl: string; url: string; close(): Promise<void> };

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
  pages = await startDevServer();
  // A fresh profile each run (launchPersistentContext would keep one): playwright's launch uses a new temp dir.
  browser = await chromium.launch({ executablePath: chromiumPath(), args: LAUNCH_FLAGS, headless: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function openPage(api: string, prompt: string, model: string): Promise<Page> {
  const page = await browser.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(message.text());
  });
  const url = `${pages.pageUrl}?${new URLSearchParams({ api, prompt, model })}`;
  await page.goto(url);
  (page as Page & { failures: string[] }).failures = failures;
  return page;
}

const failuresOf = (page: Page) => (page as Page & { failures: string[] }).failures;

describe('the browser example in headless Chromium', () => {
  it('streams from the embedded server on another origin and draws the answer and the recovered reasoning', async () => {
    const ended: RequestSummary[] = [];
    const server = await createResponsesServer({
      shape: 'final-only',
      port: 0,
      onRequestEnd: (summary) => ended.push(summary),
    });
    try {
      expect(new URL(server.url).origin).not.toBe(new URL(pages.pageUrl).origin);
      const turn = DEMO_CONVERSATION[0]!;
      const page = await openPage(server.url, turn.user, turn.model);
      await page.waitForSelector('#transcript:is([data-status="completed"], [data-status="errored"])', {
        timeout: 30_000,
        state: 'attached',
      });
      expect(await page.textContent('#error')).toBe('');
      const cells = await page.$$eval('#transcript .cell', (elements) =>
        elements.map((element) => ({
          kind: (element as HTMLElement).dataset['kind'],
          recovered: (element as HTMLElement).dataset['recovered'],
          text: element.querySelector('p')?.textContent,
        })),
      );
      const [reasoning, answer] = turn.output as unknown as [
        { summary: { text: string }[] },
        { content: { text: string }[] },
      ];
      // Reasoning first (output order), recovered from response.completed: a final-only provider never streamed it.
      expect(cells).toEqual([
        { kind: 'reasoning', recovered: 'true', text: reasoning.summary[0]!.text },
        { kind: 'answer', recovered: 'false', text: answer.content[0]!.text },
      ]);
      expect(await page.$eval('#error', (element) => (element as HTMLElement).hidden)).toBe(true);
      expect(failuresOf(page)).toEqual([]);
      expect(ended.map((summary) => summary.outcome)).toEqual(['finished']);
      await page.close();
    } finally {
      await server.close();
    }
  }, 60_000);

  it('aborts the request when the page closes: the server sees the connection close', async () => {
    const ended: RequestSummary[] = [];
    const server = await createResponsesServer({
      port: 0,
      fault: 'stall-after=6',
      onRequestEnd: (summary) => ended.push(summary),
    });
    try {
      const turn = DEMO_CONVERSATION[0]!;
      const page = await openPage(server.url, turn.user, turn.model);
      // Streaming has begun: the first reasoning delta is on the page, then the server stalls.
      await page.waitForSelector(
        '#transcript[data-status="streaming"] .cell[data-status="streaming"], #error:not([hidden])',
        {
          timeout: 30_000,
          state: 'attached',
        },
      );
      expect(await page.textContent('#error')).toBe('');
      expect(server.connections).toBeGreaterThan(0);
      expect(ended).toEqual([]);
      await page.close();
      await until(() => ended.length === 1, 'the server to see the request end');
      expect(ended[0]).toMatchObject({ outcome: 'client-closed', status: 200, completed: false });
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the Stop button unsubscribes, which aborts the request', async () => {
    const ended: RequestSummary[] = [];
    const server = await createResponsesServer({
      port: 0,
      fault: 'stall-after=6',
      onRequestEnd: (summary) => ended.push(summary),
    });
    try {
      const turn = DEMO_CONVERSATION[0]!;
      const page = await openPage(server.url, turn.user, turn.model);
      await page.waitForSelector('.cell[data-status="streaming"], #error:not([hidden])', {
        timeout: 30_000,
        state: 'attached',
      });
      expect(await page.textContent('#error')).toBe('');
      await page.click('#stop');
      await until(() => ended.length === 1, 'the server to see the request end');
      expect(ended[0]).toMatchObject({ outcome: 'client-closed' });
      expect(failuresOf(page)).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('the official openai client in headless Chromium', () => {
  it('calls the embedded server on another origin, streaming and not', async () => {
    const server = await createResponsesServer({ port: 0 });
    try {
      const page = await browser.newPage();
      await page.goto(`${pages.url}/examples/browser/index.html?${new URLSearchParams({ api: server.url })}`);
      // A string, so that the TypeScript compiler leaves the browser's own dynamic import() alone.
      const result = await page.evaluate(`(async () => {
        const { default: OpenAI } = await import('/node_modules/openai/index.mjs');
        const client = new OpenAI({ baseURL: ${JSON.stringify(server.url)}, apiKey: 'test', maxRetries: 0, dangerouslyAllowBrowser: true });
        const whole = await client.responses.create({ model: 'demo-turn-1', input: 'hi' });
        let deltas = '';
        for await (const event of await client.responses.create({ model: 'demo-turn-1', input: 'hi', stream: true }))
          if (event.type === 'response.output_text.delta') deltas += event.delta;
        return { whole: whole.output_text, deltas };
      })()`);
      const answer = (DEMO_CONVERSATION[0]!.output[1] as unknown as { content: { text: string }[] }).content[0]!.text;
      expect(result).toEqual({ whole: answer, deltas: answer });
      await page.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('responsesSocket in headless Chromium', () => {
  it("reads two lanes over the browser's own WebSocket from the embedded server on another origin", async () => {
    const server = await createResponsesServer({ port: 0, eventDelayMs: 1 });
    try {
      const page = await browser.newPage();
      await page.goto(`${pages.url}/examples/browser/index.html?${new URLSearchParams({ api: server.url })}`);
      // A string, so that the TypeScript compiler leaves the browser's own dynamic import() alone. No WebSocket option:
      // the page's global one is used.
      const result = await page.evaluate(`(async () => {
        const { responsesSocket } = await import('responses-rx/websocket');
        const socket = responsesSocket({ baseURL: ${JSON.stringify(server.url)}, apiKey: '' });
        const read = (model, streamId) =>
          new Promise((resolve, reject) => {
            let text = '';
            socket.create({ model, input: 'hi' }, { streamId }).subscribe({
              next: (event) => {
                if (event.type === 'outputTextDelta') text += event.delta;
              },
              error: reject,
              complete: () => resolve(text),
            });
          });
        const texts = await Promise.all([read('demo-turn-1', 'a'), read('demo-turn-3', 'b')]);
        socket.close();
        return texts;
      })()`);
      const answerOf = (turn: number): string =>
        (
          DEMO_CONVERSATION[turn]!.output.find((item) => item.type === 'message') as unknown as {
            content: { text: string }[];
          }
        ).content[0]!.text;
      expect(result).toEqual([answerOf(0), answerOf(2)]);
      await page.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
