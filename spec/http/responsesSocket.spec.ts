/**
 * WebSocket mode over real loopback sockets: `responsesSocket` (with the `ws` package, as Node 20 needs) against the
 * embedded server's WebSocket endpoint on the same port as its HTTP one, and the official `openai` client's own
 * WebSocket support against the same endpoint.
 */
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { lastValueFrom, tap, toArray } from 'rxjs';
import WebSocket, { WebSocketServer } from 'ws';
import {
  ConnectionError,
  IdleTimeoutError,
  ResponseFailedError,
  type ResponseEvent,
  StreamClosedError,
  responseEvents,
} from '../../lib';
import { streamResponse } from '../../lib/http';
import { type ResponsesSocket, type ResponsesSocketOptions, responsesSocket } from '../../lib/http/websocket';
import { toTranscript } from '../../lib/transcript';
import {
  DEMO_CONVERSATION,
  type RequestSummary,
  type ResponsesServer,
  type ResponsesServerOptions,
  createResponsesServer,
  demoTurnEvents,
} from '../../lib/server';
import { collect, until } from '../support';
import { answerOf } from '../server/helpers';

const closers: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((closer) => closer.close()));
});

async function embedded(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  const server = await createResponsesServer(options);
  closers.push(server);
  return server;
}

function socketTo(server: ResponsesServer, options: ResponsesSocketOptions = {}): ResponsesSocket {
  const socket = responsesSocket({ baseURL: server.url, apiKey: 'test', WebSocket, ...options });
  closers.push(socket);
  return socket;
}

const answer = (turn: number): string =>
  (DEMO_CONVERSATION[turn]!.output.find((item) => item.type === 'message')!['content'] as { text: string }[])[0]!.text;

/** What a consumer reads of one response: the kinds of events, the answer, and `completed` counted. */
function summaryOf(events: readonly ResponseEvent[]): { answer: string; completed: number; last: string | undefined } {
  return {
    answer: answerOf(events),
    completed: events.filter((event) => event.type === 'completed').length,
    last: events.at(-1)?.type,
  };
}

describe('responsesSocket against the embedded server', () => {
  it('reads a response over the socket as the same events as over HTTP', async () => {
    const server = await embedded();
    const socket = socketTo(server);
    const overSocket = await collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    const overHttp = await collect(
      streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: server.url, apiKey: 'test' }),
    );
    expect(overSocket.error).toBeUndefined();
    expect(overSocket.completed).toBe(true);
    const withoutTimes = (events: readonly ResponseEvent[]): unknown =>
      JSON.parse(JSON.stringify(events, (key, value: unknown) => (key === 'created_at' ? undefined : value)));
    expect(withoutTimes(overSocket.values)).toEqual(withoutTimes(overHttp.values));
    expect(summaryOf(overSocket.values)).toEqual({ answer: answer(0), completed: 1, last: 'completed' });
  });

  it('opens the socket on the first subscription, keeps it for the next response, closes it when idle', async () => {
    const server = await embedded();
    const socket = socketTo(server, { closeWhenIdleMs: 50 });
    const response$ = socket.create({ model: 'demo-turn-1', input: 'hi' });
    expect(socket.state).toBe('closed');
    expect(server.connections).toBe(0);
    const first = lastValueFrom(response$.pipe(toArray()));
    expect(socket.state).toBe('connecting');
    await first;
    await lastValueFrom(socket.create({ model: 'demo-turn-2', input: 'hi' }).pipe(toArray()));
    expect(server.connections).toBe(1); // one socket for both responses
    await until(() => socket.state === 'closed' && server.connections === 0, 'the idle socket to close');
    // The next subscription opens a new one.
    const again = await collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    expect(summaryOf(again.values).answer).toBe(answer(0));
  });

  it('close() closes the socket; a response still open fails with StreamClosedError', async () => {
    const server = await embedded({ fault: 'stall-after=3' });
    const socket = socketTo(server);
    const events: ResponseEvent[] = [];
    const result = collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    const seen = socket.create({ model: 'demo-turn-1', input: 'hi' }, { streamId: 'b' });
    seen.subscribe({ next: (event) => events.push(event), error: () => undefined });
    await until(() => events.length > 0, 'the first event');
    socket.close();
    const { error } = await result;
    expect(error).toBeInstanceOf(StreamClosedError);
    expect(error).toMatchObject({ code: 'stream_closed', retryable: true });
    await until(() => server.connections === 0, 'the server to see the socket close');
  });

  it('runs two lanes side by side, events interleaved, each response exactly once and complete', async () => {
    const server = await embedded({ eventDelayMs: 2 });
    const socket = socketTo(server);
    const arrivals: string[] = [];
    const lane = (streamId: string, turn: number): Promise<ResponseEvent[]> =>
      lastValueFrom(
        socket.create({ model: `demo-turn-${turn + 1}`, input: 'hi' }, { streamId }).pipe(
          tap(() => arrivals.push(streamId)), // which lane each event reached, in arrival order
          toArray(),
        ),
      );
    const [a, b] = await Promise.all([lane('a', 0), lane('b', 2)]);
    expect(summaryOf(a)).toEqual({ answer: answer(0), completed: 1, last: 'completed' });
    expect(summaryOf(b)).toEqual({ answer: answer(2), completed: 1, last: 'completed' });
    // Every item exactly once per response.
    for (const events of [a, b]) {
      const ids = events.flatMap((event) => (event.type === 'outputItemDone' ? [event.item['id']] : []));
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Interleaved: lane b's events arrived while lane a's were still coming.
    const firstB = arrivals.indexOf('b');
    expect(firstB).toBeGreaterThan(-1);
    expect(arrivals.lastIndexOf('a')).toBeGreaterThan(firstB);
    expect(server.connections).toBe(1);
  });

  it('answers the requests of one lane in order, the next sent when the previous ended', async () => {
    const ended: RequestSummary[] = [];
    const server = await embedded({ eventDelayMs: 1, onRequestEnd: (summary) => ended.push(summary) });
    const socket = socketTo(server);
    const order: string[] = [];
    const run = (turn: number): Promise<unknown> =>
      collect(socket.create({ model: `demo-turn-${turn}`, input: 'hi' }, { streamId: 'same' })).then((result) => {
        order.push(`done ${turn}`);
        return result;
      });
    const [one, two, three] = (await Promise.all([run(1), run(2), run(3)])) as Awaited<
      ReturnType<typeof collect<ResponseEvent>>
    >[];
    expect(order).toEqual(['done 1', 'done 2', 'done 3']);
    expect([one, two, three].map((result) => summaryOf(result!.values).answer)).toEqual([
      answer(0),
      answer(1),
      answer(2),
    ]);
    expect(ended.map((summary) => summary.model)).toEqual(['demo-turn-1', 'demo-turn-2', 'demo-turn-3']);
  });

  it("fails one lane's response on its server error and leaves the other lane intact", async () => {
    const server = await embedded({ replay: { models: { good: demoTurnEvents(0) } }, eventDelayMs: 1 });
    const socket = socketTo(server);
    const [bad, good] = await Promise.all([
      collect(socket.create({ model: 'missing', input: 'hi' }, { streamId: 'bad' })),
      collect(socket.create({ model: 'good', input: 'hi' }, { streamId: 'good' })),
    ]);
    expect(bad.error).toBeInstanceOf(ResponseFailedError);
    expect(bad.error).toMatchObject({ code: 'response_failed', serverCode: 'model_not_found', retryable: false });
    expect(summaryOf(good.values)).toEqual({ answer: answer(0), completed: 1, last: 'completed' });
    // The lane that failed goes on with its next request.
    const after = await collect(socket.create({ model: 'good', input: 'hi' }, { streamId: 'bad' }));
    expect(summaryOf(after.values).answer).toBe(answer(0));
  });

  it('fails every open response with a retryable StreamClosedError when the socket drops', async () => {
    const server = await embedded({ fault: 'drop-after=3', eventDelayMs: 1 });
    const socket = socketTo(server);
    const [a, b, queued] = await Promise.all([
      collect(socket.create({ model: 'demo-turn-1', input: 'hi' }, { streamId: 'a' })),
      collect(socket.create({ model: 'demo-turn-2', input: 'hi' }, { streamId: 'b' })),
      collect(socket.create({ model: 'demo-turn-3', input: 'hi' }, { streamId: 'a' })),
    ]);
    for (const result of [a, b, queued]) {
      expect(result.error).toBeInstanceOf(StreamClosedError);
      expect(result.error).toMatchObject({ code: 'stream_closed', retryable: true });
      expect(result.values.filter((event) => event.type === 'completed')).toEqual([]);
    }
    expect(a.values.length).toBeGreaterThan(0); // what arrived before the drop was delivered
    expect(socket.state).toBe('closed');
  });

  it('fails a response the server stops answering with IdleTimeoutError, the socket staying open', async () => {
    const server = await embedded({ fault: 'stall-after=2' });
    const socket = socketTo(server, { idleTimeoutMs: 100 });
    const result = await collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    expect(result.error).toBeInstanceOf(IdleTimeoutError);
    expect(result.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    expect(socket.state).toBe('open');
  });

  it('fails with a retryable ConnectionError when the socket cannot open', async () => {
    const server = await embedded();
    await server.close();
    const socket = responsesSocket({ baseURL: server.url, apiKey: 'test', WebSocket });
    const result = await collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect(result.error).toMatchObject({ code: 'connection_failed', retryable: true });
  });

  it('unsubscribing one response leaves the others running; its lane goes on after it', async () => {
    const server = await embedded({ eventDelayMs: 2 });
    const socket = socketTo(server);
    const left: ResponseEvent[] = [];
    const leaving = socket.create({ model: 'demo-turn-1', input: 'hi' }, { streamId: 'a' }).subscribe((event) => {
      left.push(event);
      if (left.length === 2) leaving.unsubscribe();
    });
    const [other, next] = await Promise.all([
      collect(socket.create({ model: 'demo-turn-3', input: 'hi' }, { streamId: 'b' })),
      collect(socket.create({ model: 'demo-turn-2', input: 'hi' }, { streamId: 'a' })),
    ]);
    expect(left).toHaveLength(2);
    expect(summaryOf(other.values)).toEqual({ answer: answer(2), completed: 1, last: 'completed' });
    expect(summaryOf(next.values)).toEqual({ answer: answer(1), completed: 1, last: 'completed' });
    // None of the left response's events reached the next response of its lane.
    expect(next.values.find((event) => event.type === 'created')).toMatchObject({ responseId: 'resp_demo_2' });
  });

  it('never sends a request whose consumer left while it was queued', async () => {
    const ended: RequestSummary[] = [];
    const server = await embedded({ eventDelayMs: 1, onRequestEnd: (summary) => ended.push(summary) });
    const socket = socketTo(server);
    const first = collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    socket.create({ model: 'demo-turn-2', input: 'hi' }).subscribe().unsubscribe();
    await first;
    await collect(socket.create({ model: 'demo-turn-3', input: 'hi' }));
    expect(ended.map((summary) => summary.model)).toEqual(['demo-turn-1', 'demo-turn-3']);
  });

  it('recovers what a final-only provider did not stream, as over HTTP', async () => {
    const server = await embedded({ shape: 'final-only' });
    const socket = socketTo(server);
    const result = await collect(socket.create({ model: 'demo-turn-1', input: 'hi' }));
    expect(summaryOf(result.values)).toEqual({ answer: answer(0), completed: 1, last: 'completed' });
    expect(result.values.some((event) => event.type === 'outputItemDone' && event.recovered)).toBe(true);
  });

  it('toTranscript reads a WebSocket response unchanged', async () => {
    const server = await embedded();
    const socket = socketTo(server);
    const overSocket = await lastValueFrom(
      toTranscript()(socket.create({ model: 'demo-turn-2', input: 'hi' })).pipe(toArray()),
    );
    const overBytes = await lastValueFrom(toTranscript()(responseEvents(sseOf(demoTurnEvents(1)))).pipe(toArray()));
    expect(overSocket.at(-1)).toEqual(overBytes.at(-1));
    expect(overSocket.at(-1)?.transcript.status).toBe('completed');
    expect(overSocket.at(-1)?.type).toBe('turnCompleted');
  });

  it('starts the next request of a lane after response.done too (Codex-backend relays end with it)', async () => {
    const done = demoTurnEvents(0).map((event) =>
      event.type === 'response.completed' ? { ...event, type: 'response.done' } : event,
    );
    const server = await embedded({ replay: { models: { done } } });
    const socket = socketTo(server);
    const [first, second] = await Promise.all([
      collect(socket.create({ model: 'done', input: 'hi' })),
      collect(socket.create({ model: 'done', input: 'hi' })),
    ]);
    for (const result of [first, second])
      expect(summaryOf(result.values)).toEqual({ answer: answer(0), completed: 1, last: 'completed' });
  });

  it('rejects at call time what a socket cannot send', () => {
    const socket = responsesSocket({ url: 'ws://127.0.0.1:1/v1/responses', WebSocket });
    expect(() => socket.create({ model: 'm', background: true })).toThrow(TypeError);
    expect(() => socket.create({ model: 'm' }, { streamId: '' })).toThrow(TypeError);
    expect(() => socket.create(null as never)).toThrow(TypeError);
    expect(() => responsesSocket({ url: 'ftp://x/v1/responses', WebSocket })).toThrow(TypeError);
    expect(() => responsesSocket({ url: 'ws://x', WebSocket: undefined as never })).toThrow(/ws package/);
  });
});

describe('the embedded server in WebSocket mode, read by plain clients', () => {
  it('echoes the lane in every event; refuses other paths and origins not allowed', async () => {
    const server = await embedded();
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/responses`);
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'response.create', model: 'demo-turn-1', input: 'hi', stream_id: 'lane-1' }));
    await until(() => messages.some((message) => message['type'] === 'response.completed'), 'response.completed');
    expect(messages.every((message) => message['stream_id'] === 'lane-1')).toBe(true);
    ws.send('not json');
    await until(() => messages.at(-1)?.['type'] === 'error', 'the error event');
    expect(messages.at(-1)).toMatchObject({ status: 400, error: { code: 'invalid_json' } });
    ws.close();

    const elsewhere = new WebSocket(`${server.url.replace('http', 'ws')}/other`);
    const refused = await new Promise<number>((resolve) =>
      elsewhere.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(refused).toBe(404);

    const foreign = new WebSocket(`${server.url.replace('http', 'ws')}/responses`, {
      origin: 'https://elsewhere.example',
    });
    const forbidden = await new Promise<number>((resolve) =>
      foreign.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(forbidden).toBe(403);
  });

  it("the official openai client's WebSocket support reads the embedded server", async () => {
    const server = await embedded();
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test' });
    const rws = new ResponsesWS(client);
    closers.push({ close: () => rws.close() });
    const received: { type: string; delta?: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      rws.on('event', (event) => {
        received.push(event as { type: string; delta?: string });
        if (event.type === 'response.completed') resolve();
      });
      rws.on('error', reject);
    });
    rws.send({ type: 'response.create', model: 'demo-turn-1', input: 'hi' });
    await done;
    expect(received[0]?.type).toBe('response.created');
    expect(
      received
        .filter((event) => event.type === 'response.output_text.delta')
        .map((event) => event.delta)
        .join(''),
    ).toBe(answer(0));
  });
});

function sseOf(events: readonly object[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
}

/** A raw `ws` server on loopback that answers each `response.create` with a script of messages, for hostile orders. */
async function scriptedServer(
  script: (request: Record<string, unknown>, send: (message: unknown) => void) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) =>
    ws.on('message', (data) =>
      script(JSON.parse(String(data)) as Record<string, unknown>, (message) =>
        ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
      ),
    ),
  );
  const { port } = server.address() as { port: number };
  const handle = {
    url: `ws://127.0.0.1:${port}/v1/responses`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
  closers.push(handle);
  return handle;
}

describe('responsesSocket routing', () => {
  const turn = (id: string, text: string, lane?: string): Record<string, unknown>[] =>
    [
      { type: 'response.created', response: { id, output: [] } },
      { type: 'response.output_text.delta', item_id: `msg_${id}`, output_index: 0, content_index: 0, delta: text },
      {
        type: 'response.completed',
        response: {
          id,
          output: [
            {
              type: 'message',
              id: `msg_${id}`,
              role: 'assistant',
              content: [{ type: 'output_text', text, annotations: [] }],
            },
          ],
        },
      },
    ].map((event) => (lane === undefined ? event : { ...event, stream_id: lane }));

  it('parses each message once: the routing and the wire events read the same parse (JSON.parse counted)', async () => {
    const texts = turn('resp_1', 'Hello').map((event) => JSON.stringify(event));
    const server = await scriptedServer((_request, send) => texts.forEach(send));
    const socket = responsesSocket({ url: server.url, apiKey: '', WebSocket });
    closers.push(socket);
    const parse = JSON.parse;
    const parses = new Map<string, number>();
    JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      parses.set(text, (parses.get(text) ?? 0) + 1);
      return parse(text, reviver) as unknown;
    };
    let result;
    try {
      result = await collect(socket.create({ model: 'm' }));
    } finally {
      JSON.parse = parse;
    }
    expect(result.error).toBeUndefined();
    expect(answerOf(result.values)).toBe('Hello');
    expect(texts.map((text) => parses.get(text) ?? 0)).toEqual([1, 1, 1]);
  });

  it("drops stray events: another response's on the lane, a lane nobody asked for", async () => {
    const server = await scriptedServer((request, send) => {
      const lane = request['stream_id'] as string | undefined;
      const [created, delta, completed] = turn('resp_1', 'mine', lane);
      send(created);
      send({ ...turn('resp_old', 'not mine', lane)[1], type: 'response.in_progress', response: { id: 'resp_old' } });
      send({ ...turn('resp_x', 'nobody', 'unknown-lane')[1] });
      send(delta);
      send(completed);
    });
    const socket = responsesSocket({ url: server.url, apiKey: '', WebSocket });
    closers.push(socket);
    const result = await collect(socket.create({ model: 'm' }, { streamId: 'a' }));
    expect(result.error).toBeUndefined();
    expect(result.values.map((event) => event.type)).toEqual([
      'created',
      'outputTextDelta',
      'outputItemDone',
      'completed',
    ]);
    expect(answerOf(result.values)).toBe('mine');
  });

  it('gives a message that is not JSON to every running response: an error, or skipped with onMalformed', async () => {
    const server = await scriptedServer((request, send) => {
      const lane = request['stream_id'] as string | undefined;
      const [created, delta, completed] = turn(`resp_${lane}`, `text ${lane}`, lane);
      send(created);
      if (lane === 'b') send('{"type":"response.output_text.delta","delta":');
      send(delta);
      send(completed);
    });
    const strict = responsesSocket({ url: server.url, apiKey: '', WebSocket });
    const lenient = responsesSocket({ url: server.url, apiKey: '', WebSocket, onMalformed: 'skip' });
    closers.push(strict, lenient);
    const failed = await collect(strict.create({ model: 'm' }, { streamId: 'b' }));
    expect(failed.error).toMatchObject({ code: 'malformed_event' });
    const skipped = await collect(lenient.create({ model: 'm' }, { streamId: 'b' }));
    expect(answerOf(skipped.values)).toBe('text b');
  });

  it.each(['null', '5', '"text"'])(
    'gives JSON that is no object (%s) to the running response as malformed',
    async (odd) => {
      const server = await scriptedServer((_request, send) => {
        const [created, delta, completed] = turn('resp_1', 'Hello');
        send(created);
        send(odd);
        send(delta);
        send(completed);
      });
      const socket = responsesSocket({ url: server.url, apiKey: '', WebSocket });
      closers.push(socket);
      const failed = await collect(socket.create({ model: 'm' }));
      expect(failed.error).toMatchObject({ code: 'malformed_event' });
    },
  );
});
