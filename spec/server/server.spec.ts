/** The embedded server itself: routes, replay sources, passthrough relaying, logs, closing. */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from '../../lib';
import { streamResponse } from '../../lib/http';
import {
  DEMO_CONVERSATION,
  type ResponsesServer,
  type ServerLogEntry,
  closeOnSignals,
  createResponsesServer,
  demoTurnIndex,
  loadRecording,
  parseSseRecording,
} from '../../lib/server';
import { items, streamedEvents, toSseText, wire } from '../../lib/testing';
import { recordedDir, itWithRecordings } from '../support';
import { answerOf, collect, rawServer } from './helpers';

const RECORDED = recordedDir();
const itRecorded = itWithRecordings('server.spec (replaying a recording)');

const servers: { close(): Promise<void> }[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'responses-rx-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof createResponsesServer>[0] = {}): Promise<ResponsesServer> {
  const server = await createResponsesServer(options);
  servers.push(server);
  return server;
}

const answer = async (server: ResponsesServer, body: Record<string, unknown>): Promise<string> => {
  const result = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'k' }));
  if (result.error !== undefined) throw result.error;
  return answerOf(result.values);
};

const hello = streamedEvents([items.message('msg_hello', 'Hello from a recording')], { responseId: 'resp_hello' });

describe('routes', () => {
  it('listens on loopback and answers GET /health with {"ok":true}', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.mode).toBe('replay');
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('serves POST /responses as well as /v1/responses', async () => {
    const server = await start();
    const response = await fetch(`http://127.0.0.1:${server.port}/responses`, {
      method: 'POST',
      body: '{"model":"demo-turn-1","stream":true}',
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toContain('event: response.completed');
  });

  it.each([
    ['GET /v1/responses', 'GET', '/v1/responses', undefined, 405],
    ['an unknown path', 'POST', '/v1/chat/completions', '{}', 404],
    ['a body that is not JSON', 'POST', '/v1/responses', '{nope', 400],
    ['a JSON body that is not an object', 'POST', '/v1/responses', '[1]', 400],
  ])('answers %s with an OpenAI error body', async (_name, method, path, body, status) => {
    const server = await start();
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.any(String) },
    });
  });
});

describe('replay', () => {
  it('replays an .sse file for every request', async () => {
    const path = join(dir, 'hello.sse');
    await writeFile(path, toSseText(hello));
    const server = await start({ replay: path });
    expect(await answer(server, { model: 'anything' })).toBe('Hello from a recording');
  });

  itRecorded('replays a recorded one-JSON-event-per-line file', async () => {
    const path = join(RECORDED as string, 'openai-reasoning-encrypted-content.1.chunks.txt');
    const recording = await loadRecording(path);
    const server = await start({ replay: path });
    const result = await collect(streamResponse({ model: 'x' }, { baseURL: server.url, apiKey: 'k' }));
    expect(result.completed).toBe(true);
    const completed = recording.find((event) => typeof event !== 'string' && event.type === 'response.completed');
    expect(result.values.at(-1)).toMatchObject({
      type: 'completed',
      responseId: (completed as unknown as { response: { id: string } }).response.id,
    });
  });

  it('replays in-memory events, raw strings included as they are', async () => {
    const server = await start({ replay: [wire.created(), wire.textDelta('raw '), 'not json', wire.completed()] });
    const { error } = await collect(streamResponse({ model: 'm' }, { baseURL: server.url, apiKey: 'k' }));
    expect(error).toMatchObject({ code: 'malformed_event', raw: 'not json' });
  });

  it('chooses a file by model from { dir }, and answers 404 model_not_found for an unknown model', async () => {
    await writeFile(join(dir, 'model-a.jsonl'), hello.map((event) => JSON.stringify(event)).join('\n'));
    await writeFile(join(dir, 'model-b.sse'), toSseText(streamedEvents([items.message('m', 'I am B')])));
    const server = await start({ replay: { dir } });
    expect(await answer(server, { model: 'model-a' })).toBe('Hello from a recording');
    expect(await answer(server, { model: 'model-b' })).toBe('I am B');
    const { error } = await collect(streamResponse({ model: '../model-a' }, { baseURL: server.url, apiKey: 'k' }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 404, retryable: false, error: { code: 'model_not_found', param: 'model' } });
  });

  it('chooses by model from { models }, with a fallback', async () => {
    const server = await start({ replay: { models: { greeter: hello }, fallback: { demo: true } } });
    expect(await answer(server, { model: 'greeter' })).toBe('Hello from a recording');
    expect(await answer(server, { model: 'other', input: 'hi' })).toBe(answerText(0));
  });

  it('asks a function for the events of each request', async () => {
    const seen: unknown[] = [];
    const server = await start({
      replay: (request) => {
        seen.push(request.input);
        return request.model === 'known' ? hello : undefined;
      },
    });
    expect(await answer(server, { model: 'known', input: 'ping' })).toBe('Hello from a recording');
    expect(seen).toEqual(['ping']);
    const { error } = await collect(streamResponse({ model: 'unknown' }, { baseURL: server.url, apiKey: 'k' }));
    expect(error).toMatchObject({ status: 404 });
  });

  it('rejects a missing recording or folder, and replay with upstream, when created', async () => {
    await expect(createResponsesServer({ replay: join(dir, 'missing.sse') })).rejects.toThrow(/no such file/);
    await expect(createResponsesServer({ replay: { dir: join(dir, 'missing') } })).rejects.toThrow(/no such directory/);
    await expect(createResponsesServer({ replay: hello, upstream: 'http://127.0.0.1:1/v1' })).rejects.toThrow(
      /either replay or upstream/,
    );
    await expect(createResponsesServer({ shape: 'chatty' as never })).rejects.toThrow(/unknown shape/);
  });

  it('parses SSE recordings with CRLF, comments and multi-line data', () => {
    const text =
      ': comment\r\nevent: x\r\ndata: {"type":"response.created",\r\ndata: "a":1}\r\n\r\ndata: [DONE]\r\n\r\n';
    expect(parseSseRecording(text)).toEqual([{ type: 'response.created', a: 1 }, '[DONE]']);
  });
});

const answerText = (index: number): string =>
  ((DEMO_CONVERSATION[index]?.output.find((item) => item.type === 'message')?.['content'] as { text: string }[]) ?? [])
    .map((part) => part.text)
    .join('');

describe('the demo conversation', () => {
  it('replays turn by turn: by model, by previous_response_id, by the count of user turns in input', async () => {
    const server = await start();
    expect(await answer(server, { model: 'demo-turn-2' })).toBe(answerText(1));
    expect(await answer(server, { model: 'gpt-5', previous_response_id: 'resp_demo_2' })).toBe(answerText(2));
    const conversation = [
      { role: 'user', content: DEMO_CONVERSATION[0]?.user },
      { role: 'assistant', content: answerText(0) },
      { role: 'user', content: DEMO_CONVERSATION[1]?.user },
    ];
    expect(await answer(server, { model: 'gpt-5', input: conversation })).toBe(answerText(1));
    expect(await answer(server, { model: 'gpt-5', input: 'just a string' })).toBe(answerText(0));
  });

  it('streams turn 2 with a function call', async () => {
    const server = await start();
    const { values } = await collect(streamResponse({ model: 'demo-turn-2' }, { baseURL: server.url, apiKey: 'k' }));
    const call = values.find((event) => event.type === 'outputItemDone' && event.item.type === 'function_call');
    expect(call).toMatchObject({ item: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } });
  });

  it('clamps turn numbers to the turns that exist', () => {
    expect(demoTurnIndex({ model: 'demo-turn-99' })).toBe(DEMO_CONVERSATION.length - 1);
    expect(demoTurnIndex({ model: 'demo-turn-0' })).toBe(0);
    expect(
      demoTurnIndex({
        input: [{ type: 'function_call_output' }, { role: 'user' }, { role: 'user' }, { role: 'user' }],
      }),
    ).toBe(2);
  });
});

describe('passthrough', () => {
  const savedKey = process.env['RESPONSES_RX_TEST_KEY'];
  afterEach(() => {
    if (savedKey === undefined) delete process.env['RESPONSES_RX_TEST_KEY'];
    else process.env['RESPONSES_RX_TEST_KEY'] = savedKey;
  });

  it('forwards the body with stream: true and the key from keyEnv to ${upstream}/responses', async () => {
    const upstream = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(toSseText(hello));
    });
    servers.push(upstream);
    process.env['RESPONSES_RX_TEST_KEY'] = 'sk-upstream';
    const proxy = await start({ upstream: `${upstream.url}/`, keyEnv: 'RESPONSES_RX_TEST_KEY' });
    expect(proxy.mode).toBe('passthrough');
    expect(await answer(proxy, { model: 'gpt-5', input: 'hi' })).toBe('Hello from a recording');
    expect(upstream.requests[0]).toMatchObject({
      url: '/v1/responses',
      headers: { authorization: 'Bearer sk-upstream' },
    });
    expect(JSON.parse(upstream.requests[0]?.body ?? '')).toEqual({ model: 'gpt-5', input: 'hi', stream: true });
  });

  it("relays an upstream error's status, body and retry-after as they are", async () => {
    const body = JSON.stringify({
      error: { message: 'Slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
    const upstream = await rawServer((_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      response.end(body);
    });
    servers.push(upstream);
    const proxy = await start({ upstream: upstream.url });
    const { error } = await collect(streamResponse({ model: 'm' }, { baseURL: proxy.url, apiKey: 'client-key' }));
    expect(error).toMatchObject({
      code: 'http_error',
      status: 429,
      retryAfterMs: 7000,
      body,
      error: { message: 'Slow down' },
    });
    // No key in the environment variable: the client's own Authorization header is forwarded.
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer client-key');
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const gone = await rawServer(() => undefined);
    await gone.close();
    const proxy = await start({ upstream: gone.url });
    const { error } = await collect(streamResponse({ model: 'm' }, { baseURL: proxy.url, apiKey: 'k' }));
    expect(error).toMatchObject({ status: 502, retryable: true, error: { code: 'upstream_unreachable' } });
  });

  it('closes the upstream request when the client goes away', async () => {
    let upstreamEnded!: () => void;
    const upstreamClosed = new Promise<void>((resolve) => (upstreamEnded = resolve));
    const upstream = await start({
      fault: 'stall-after=3',
      onRequestEnd: (summary) => summary.outcome === 'client-closed' && upstreamEnded(),
    });
    const proxy = await start({ upstream: upstream.url });
    await new Promise<void>((resolve) => {
      const subscription = streamResponse({ model: 'demo-turn-1' }, { baseURL: proxy.url, apiKey: 'k' }).subscribe(
        (event) => {
          if (event.type === 'outputItemAdded') {
            subscription.unsubscribe();
            resolve();
          }
        },
      );
    });
    await upstreamClosed;
  });
});

describe('logs and lifecycle', () => {
  it('logs each request, its event types, and the aggregated text and reasoning summary at the end', async () => {
    const entries: ServerLogEntry[] = [];
    const server = await start({ log: (entry) => entries.push(entry), shape: 'no-reasoning-deltas' });
    await answer(server, { model: 'demo-turn-1' });
    expect(entries[0]).toMatchObject({ kind: 'request', requestId: 1, model: 'demo-turn-1', mode: 'replay' });
    const eventTypes = entries.flatMap((entry) => (entry.kind === 'event' ? [entry.eventType] : []));
    expect(eventTypes).not.toContain('response.reasoning_summary_text.delta');
    const end = entries.at(-1);
    expect(end?.kind).toBe('end');
    if (end?.kind !== 'end') throw new Error('no end entry');
    expect(end.summary).toMatchObject({
      outcome: 'finished',
      status: 200,
      completed: true,
      text: answerText(0),
      eventTypes,
    });
    // The reasoning never streamed in this shape; the summary comes from response.completed, as a client reads it.
    expect(end.summary.reasoningSummary).toMatch(/^The user wants a one-sentence definition/);
    expect(end.message).toContain('response.output_text.delta ×');
    expect(end.message).toContain(`text: ${answerText(0)}`);
  });

  it('close() ends stalled streams and open connections, and can be called twice', async () => {
    let ended!: (outcome: string) => void;
    const requestEnded = new Promise<string>((resolve) => (ended = resolve));
    const server = await createResponsesServer({
      fault: 'stall-after=1',
      onRequestEnd: (summary) => ended(summary.outcome),
    });
    let openWhileStalled = -1;
    const result = new Promise((resolve) => {
      streamResponse({ model: 'demo-turn-1' }, { baseURL: server.url, apiKey: 'k' }).subscribe({
        next: () => {
          openWhileStalled = server.connections;
          void server.close();
        },
        error: resolve,
      });
    });
    expect(await result).toMatchObject({ code: 'stream_closed' });
    expect(openWhileStalled).toBe(1);
    expect(await requestEnded).toBe('server-closed'); // not the client: the server's own close() ended it
    await server.close();
    expect(server.connections).toBe(0);
  });

  it('closeOnSignals closes the server on SIGTERM and removes its handlers', async () => {
    const server = await createResponsesServer();
    const signals = new EventEmitter();
    const closed = new Promise<string>((resolve) => closeOnSignals(server, { target: signals, onClosed: resolve }));
    expect(signals.listenerCount('SIGINT')).toBe(1);
    signals.emit('SIGTERM');
    expect(await closed).toBe('SIGTERM');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(`http://127.0.0.1:${server.port}/health`)).rejects.toThrow();
  });
});
