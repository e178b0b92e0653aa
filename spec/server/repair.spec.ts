/**
 * Repair mode over loopback: the embedded server replays a final-only, done-only or no-reasoning-deltas provider, and
 * a second server in repair mode sits in front of it. Real clients — the official `openai` client
 * (`responses.create({ stream: true })` and the `responses.stream()` helper) and the Vercel AI SDK (`doStream` and
 * `streamText`) — talk to either; each loses something going direct and gets everything through repair.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { ResponseFailedError, type ResponseEvent } from '../../lib';
import { streamResponse } from '../../lib/http';
import { DEMO_CONVERSATION, type ResponsesServer, type ServerLogEntry, createResponsesServer } from '../../lib/server';
import { answerOf, collect, reasoningOf, viaAiSdk, viaOpenAIClient, viaOpenAIStream, viaStreamText } from './helpers';

const turn = DEMO_CONVERSATION[0]!;
const partsOf = (type: string, key: string) =>
  turn.output
    .filter((item) => item.type === type)
    .flatMap((item) => item[key] as { text: string }[])
    .map((part) => part.text)
    .join('');
const answer = partsOf('message', 'content');
const reasoning = partsOf('reasoning', 'summary');

const servers: ResponsesServer[] = [];
async function start(options: Parameters<typeof createResponsesServer>[0]): Promise<ResponsesServer> {
  const server = await createResponsesServer({ keyEnv: 'RESPONSES_RX_TEST_UNSET_KEY', ...options });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** What each client makes of one server, as the README's before/after table shows it. */
async function clients(url: string) {
  const create = await viaOpenAIClient(url, 'demo-turn-1');
  const helper = await viaOpenAIStream(url, 'demo-turn-1');
  const doStream = await viaAiSdk(url, 'demo-turn-1');
  const streamed = await viaStreamText(url, 'demo-turn-1');
  return {
    'openai create deltas': create.deltaText,
    'openai stream() text': helper.text,
    'openai stream() reasoning': helper.reasoning,
    'openai stream() error': helper.error,
    'AI SDK doStream text': doStream.text,
    'AI SDK doStream reasoning': doStream.reasoning,
    'AI SDK streamText text': streamed.text,
    'AI SDK streamText reasoning': streamed.reasoning,
    errors: [...doStream.errors, ...streamed.errors].map(String),
  };
}

const repaired = {
  'openai create deltas': answer,
  'openai stream() text': answer,
  'openai stream() reasoning': reasoning,
  'openai stream() error': undefined,
  'AI SDK doStream text': answer,
  'AI SDK doStream reasoning': reasoning,
  'AI SDK streamText text': answer,
  'AI SDK streamText reasoning': reasoning,
  errors: [],
};

describe('repair mode over loopback', () => {
  it.each([
    [
      'final-only',
      {
        ...repaired,
        'openai create deltas': '',
        'openai stream() text': '',
        'openai stream() reasoning': '',
        'openai stream() error': 'missing output at index 1',
        'AI SDK doStream text': '',
        'AI SDK doStream reasoning': '',
        'AI SDK streamText text': '',
        'AI SDK streamText reasoning': '',
      },
    ],
    [
      'done-only',
      {
        ...repaired,
        'openai create deltas': '',
        'openai stream() text': '',
        'openai stream() reasoning': '',
        'openai stream() error': 'missing content at index 0',
        'AI SDK doStream text': '',
        'AI SDK doStream reasoning': '',
        'AI SDK streamText text': '',
        'AI SDK streamText reasoning': '',
      },
    ],
    [
      'no-reasoning-deltas',
      {
        ...repaired,
        'openai stream() text': '',
        'openai stream() reasoning': '',
        'openai stream() error': 'missing output at index 1',
        'AI SDK doStream reasoning': '',
        'AI SDK streamText reasoning': '',
      },
    ],
  ] as const)(
    'a %s provider: every client loses something direct, and gets it all through repair',
    async (shape, direct) => {
      const upstream = await start({ shape });
      const repair = await start({ mode: 'repair', upstream: upstream.url });
      expect(repair.mode).toBe('repair');
      expect(await clients(upstream.url)).toEqual(direct);
      expect(await clients(repair.url)).toEqual(repaired);
    },
  );

  it('sends the first event as soon as the upstream sent its first, before the upstream goes on', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        `data: ${JSON.stringify({ type: 'response.created', response: { id: 'resp_h', output: [] } })}\n\n`,
      );
      void released.then(() => {
        const message = {
          type: 'message',
          id: 'msg_h',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'late', annotations: [] }],
        };
        response.end(
          `data: ${JSON.stringify({ type: 'response.completed', response: { id: 'resp_h', status: 'completed', output: [message] } })}\n\n`,
        );
      });
    });
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    try {
      const repair = await start({
        mode: 'repair',
        upstream: `http://127.0.0.1:${(held.address() as AddressInfo).port}/v1`,
      });
      const client = new OpenAI({ baseURL: repair.url, apiKey: 'test', maxRetries: 0 });
      const stream = await client.responses.create({ model: 'm', input: 'hi', stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      // The upstream holds everything after response.created until released: the first event cannot wait for it.
      const first = await iterator.next();
      expect(first.value).toMatchObject({ type: 'response.created', response: { id: 'resp_h', model: 'm' } });
      release();
      const types: string[] = [];
      let deltas = '';
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        types.push(next.value.type);
        if (next.value.type === 'response.output_text.delta') deltas += next.value.delta;
      }
      expect(deltas).toBe('late');
      expect(types.at(-1)).toBe('response.completed');
    } finally {
      release();
      held.closeAllConnections();
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('relays an upstream HTTP error with its status, body and retry headers', async () => {
    const upstream = await start({ fault: 'http-error=429:2' });
    const repair = await start({ mode: 'repair', upstream: upstream.url });
    const [direct, relayed] = await Promise.all(
      [upstream, repair].map((server) =>
        fetch(`${server.url}/responses`, {
          method: 'POST',
          body: JSON.stringify({ model: 'demo-turn-1', input: 'hi' }),
        }),
      ),
    );
    expect(relayed!.status).toBe(429);
    expect(relayed!.headers.get('retry-after')).toBe('2');
    expect(await relayed!.json()).toEqual(await direct!.json());
  });

  it('ends with the canonical error event when the upstream stream breaks, and a reader sees a typed, retryable error', async () => {
    const upstream = await start({ shape: 'final-only', fault: 'drop-completed' });
    const repair = await start({ mode: 'repair', upstream: upstream.url });
    const result = await collect(
      streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: repair.url, apiKey: 'test' }),
    );
    expect(answerOf(result.values)).toBe(answer); // what arrived was delivered, streamed
    expect(result.error).toBeInstanceOf(ResponseFailedError);
    expect(result.error).toMatchObject({ serverCode: 'stream_closed', source: 'error', retryable: true });
  });

  it('applies the other options to the repaired stream: faults, shapes and logs', async () => {
    const upstream = await start({ shape: 'final-only' });
    const entries: ServerLogEntry[] = [];
    const repair = await start({
      mode: 'repair',
      upstream: upstream.url,
      chunkSize: 5,
      fault: 'chunk=7',
      log: (entry) => entries.push(entry),
    });
    const result = await collect(
      streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: repair.url, apiKey: 'test' }),
    );
    const deltas = result.values.flatMap((e: ResponseEvent) => (e.type === 'outputTextDelta' ? [e.delta] : []));
    expect(deltas.join('')).toBe(answer);
    expect(Math.max(...deltas.map((delta) => delta.length))).toBe(5);
    expect(reasoningOf(result.values)).toBe(reasoning);
    expect(result.values.some((e) => e.type === 'outputItemDone' && e.recovered)).toBe(false);
    // The client is done at response.completed; the server logs the end once the response is over: poll for it.
    while (!entries.some((entry) => entry.kind === 'end')) await new Promise((resolve) => setImmediate(resolve));
    const end = entries.find((entry) => entry.kind === 'end');
    expect(end).toMatchObject({ summary: { mode: 'repair', outcome: 'finished', text: answer } });

    const reshaped = await start({ mode: 'repair', upstream: upstream.url, shape: 'final-only' });
    const again = await viaAiSdk(reshaped.url, 'demo-turn-1');
    expect(again.text).toBe(''); // the shape applies to what repair writes: final-only again
  });

  it('answers a request without stream: true with the repaired Response object, every item in its output', async () => {
    const upstream = await start({ shape: 'done-only' });
    const repair = await start({ mode: 'repair', upstream: upstream.url });
    const ask = (url: string) =>
      new OpenAI({ baseURL: url, apiKey: 'test', maxRetries: 0 }).responses.create({
        model: 'demo-turn-1',
        input: 'hi',
      });
    const direct = await ask(upstream.url);
    const repaired = await ask(repair.url);
    expect(direct.output_text).toBe(''); // a done-only provider's completed.output is empty
    expect(repaired.output_text).toBe(answer);
    expect(repaired.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
  });

  it.each(['final-only', 'no-reasoning-deltas', 'done-only'] as const)(
    'keeps the provider output order through repair, a %s upstream (reasoning before the message it led to)',
    async (shape) => {
      const upstream = await start({ shape });
      const repair = await start({ mode: 'repair', upstream: upstream.url });
      const client = new OpenAI({ baseURL: repair.url, apiKey: 'test', maxRetries: 0 });
      const added: [number, string | undefined][] = [];
      let output: { id?: string }[] = [];
      for await (const event of await client.responses.create({ model: 'demo-turn-1', input: 'hi', stream: true })) {
        if (event.type === 'response.output_item.added') added.push([event.output_index, event.item.id]);
        if (event.type === 'response.completed') output = event.response.output;
      }
      const order = turn.output.map((item) => item.id);
      expect(output.map((item) => item.id)).toEqual(order);
      // A final-only message waits for the reasoning recovered before it; a streamed text never waits.
      expect(added).toEqual(
        shape === 'no-reasoning-deltas'
          ? [
              [0, order[1]],
              [1, order[0]],
            ]
          : order.map((id, index) => [index, id]),
      );
    },
  );

  it('rejects repair without an upstream, and an upstream in replay mode', async () => {
    await expect(createResponsesServer({ mode: 'repair' })).rejects.toThrow(TypeError);
    await expect(createResponsesServer({ mode: 'replay', upstream: 'http://127.0.0.1:1/v1' })).rejects.toThrow(
      TypeError,
    );
    await expect(
      createResponsesServer({ mode: 'repair', upstream: 'http://127.0.0.1:1/v1', chunkSize: 0 }),
    ).rejects.toThrow(TypeError);
  });
});
