/**
 * Background responses over real loopback sockets: resume after a dropped or reset connection, retry-after honoured,
 * refusal of an expired id, retry before output (never after), cancel, `queued`, and the official `openai` client's
 * `responses.retrieve(id, { stream: true, starting_after })` and `responses.cancel(id)` (issue 13).
 */
import OpenAI from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import { concat, from, lastValueFrom, take, takeWhile, throwError, toArray } from 'rxjs';
import {
  HttpError,
  ResponseCancelledError,
  type ResponseEvent,
  ResumeRefusedError,
  StreamClosedError,
} from '../../lib';
import { cancelResponse, retrieveResponseEvents, streamResponse } from '../../lib/http';
import { toTranscript } from '../../lib/transcript';
import {
  type RequestSummary,
  type ResponsesServer,
  type ResponsesServerOptions,
  createResponsesServer,
  streamedEvents,
} from '../../lib/server';
import { items } from '../../lib/testing';
import { answerOf, collect } from './helpers';

const output = [
  items.reasoning('rs_1', 'Thinking about the sky'),
  items.message('msg_1', 'The sky is blue because of Rayleigh scattering. ✨ 日本'),
  items.functionCall('fc_1', 'call_1', 'lookup', '{"q":"sky"}'),
  items.message('msg_2', 'Done.'),
];
const replay = streamedEvents(output, { deltaSize: 6 });
const body = { model: 'bg', input: 'Why is the sky blue?', background: true };
const fast = { initialDelayMs: 1, jitter: 0, maxResumes: 40 };

/** The events with the server's random response ids made equal, to compare two runs. */
function comparable(events: readonly ResponseEvent[]): unknown {
  return JSON.parse(
    JSON.stringify(events)
      .replace(/resp_rx_bg_[a-z0-9_]+/g, 'resp_X')
      .replace(/"created_at":\d+/g, '"created_at":0'),
  );
}

/** When each answer ended, by its summary. */
const endTimes = new WeakMap<RequestSummary, number>();
const servers: ResponsesServer[] = [];
async function start(
  options: ResponsesServerOptions = {},
): Promise<{ server: ResponsesServer; ends: RequestSummary[] }> {
  const ends: RequestSummary[] = [];
  const server = await createResponsesServer({
    replay,
    ...options,
    onRequestEnd: (summary) => {
      endTimes.set(summary, Date.now());
      ends.push(summary);
    },
  });
  servers.push(server);
  return { server, ends };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Resolves once `condition` holds, checking on every turn of the event loop (no fixed sleeps). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(1);
}

describe('background responses over loopback', () => {
  let uninterrupted: ResponseEvent[];
  beforeAll(async () => {
    const server = await createResponsesServer({ replay });
    try {
      const run = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'test' }));
      expect(run.completed).toBe(true);
      uninterrupted = run.values;
    } finally {
      await server.close();
    }
  });

  it('starts with created then queued, and every event carries its sequence number', () => {
    expect(uninterrupted.slice(0, 2).map((event) => event.type)).toEqual(['created', 'queued']);
    const numbers = uninterrupted.flatMap((event) =>
      event.sequenceNumber === undefined ? [] : [event.sequenceNumber],
    );
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(answerOf(uninterrupted)).toContain('Rayleigh');
  });

  it.each(['drop-after=5', 'reset-after=7'])(
    'resumes after %s on every connection: the same events as the uninterrupted run, none twice',
    async (fault) => {
      const { server, ends } = await start({ fault });
      const run = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'test', resume: fast }));
      expect(run.error).toBeUndefined();
      expect(comparable(run.values)).toEqual(comparable(uninterrupted));
      expect(ends.filter((end) => end.outcome === 'dropped').length).toBeGreaterThan(3);
    },
  );

  it('resumes after IdleTimeoutError when every connection goes silent after 10 events (stall-after=10)', async () => {
    const { server } = await start({ fault: 'stall-after=10' });
    const run = await collect(
      streamResponse(body, { baseURL: server.url, apiKey: 'test', idleTimeoutMs: 200, resume: fast }),
    );
    expect(run.error).toBeUndefined();
    expect(comparable(run.values)).toEqual(comparable(uninterrupted));
  });

  it('resumes through a passthrough server, which forwards GET …?stream=true and cancel to its upstream', async () => {
    const upstream = await start();
    const front = await start({ upstream: upstream.server.url, fault: 'drop-after=5', replay: undefined });
    const run = await collect(streamResponse(body, { baseURL: front.server.url, apiKey: 'test', resume: fast }));
    expect(run.error).toBeUndefined();
    expect(comparable(run.values)).toEqual(comparable(uninterrupted));
    expect(front.ends.filter((end) => end.outcome === 'dropped').length).toBeGreaterThan(3);
    const id = (run.values[0] as { responseId: string }).responseId;
    const cancelled = await cancelResponse(id, { baseURL: front.server.url, apiKey: 'test' });
    expect(cancelled.status).toBe('completed'); // finished already: cancel answers it as it is
  });

  it("waits the retry-after a resume's 503 asked for", async () => {
    const { server, ends } = await start({
      fault: ['drop-after=5', { kind: 'http-error', status: 503, retryAfterSeconds: 1, on: 'retrieve', times: 1 }],
    });
    const run = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'test', resume: fast }));
    expect(run.error).toBeUndefined();
    expect(comparable(run.values)).toEqual(comparable(uninterrupted));
    const rejected = ends.findIndex((end) => end.status === 503);
    expect(rejected).toBeGreaterThan(0);
    // The next connection could only start after the retry-after second.
    expect(endTimes.get(ends[rejected + 1]!)! - endTimes.get(ends[rejected]!)!).toBeGreaterThanOrEqual(1000);
  });

  it('fails with ResumeRefusedError when the server no longer has the response', async () => {
    const { server } = await start({ fault: 'drop-after=5', background: { ttlMs: 1 } });
    const run = await collect(
      streamResponse(body, { baseURL: server.url, apiKey: 'test', resume: { ...fast, initialDelayMs: 5 } }),
    );
    expect(run.error).toBeInstanceOf(ResumeRefusedError);
    expect(run.error).toMatchObject({ code: 'resume_refused', status: 404, retryable: false, startingAfter: 4 });
    expect((run.error as ResumeRefusedError).cause).toBeInstanceOf(HttpError);
    expect(run.values).toHaveLength(
      run.values.filter((e) => e.sequenceNumber !== undefined && e.sequenceNumber <= 4).length,
    );
  });

  it('keeps at most maxResponses background responses, forgetting the oldest first', async () => {
    const { server } = await start({ background: { maxResponses: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'test' }));
      ids.push((run.values[0] as { responseId: string }).responseId);
    }
    const statuses = await Promise.all(ids.map(async (id) => (await fetch(`${server.url}/responses/${id}`)).status));
    expect(statuses).toEqual([404, 200, 200]);
  });

  it('rejects bounds that are not positive integers', async () => {
    await expect(createResponsesServer({ background: { maxResponses: 0 } })).rejects.toThrow(TypeError);
    await expect(createResponsesServer({ background: { ttlMs: 1.5 } })).rejects.toThrow(TypeError);
  });

  it('refuses an unknown id with ResumeRefusedError', async () => {
    const { server } = await start();
    const run = await collect(
      retrieveResponseEvents('resp_unknown', { baseURL: server.url, apiKey: 'test', startingAfter: 3 }),
    );
    expect(run.error).toBeInstanceOf(ResumeRefusedError);
    expect(run.error).toMatchObject({ responseId: 'resp_unknown', startingAfter: 3, status: 404 });
  });

  it('retries a request that failed before any output, after the retry-after it was given', async () => {
    const { server, ends } = await start({
      fault: { kind: 'http-error', status: 429, retryAfterSeconds: 1, times: 1 },
    });
    const run = await collect(
      streamResponse({ model: 'bg', input: 'hi' }, { baseURL: server.url, apiKey: 'test', retry: true }),
    );
    expect(run.error).toBeUndefined();
    expect(ends.map((end) => end.status)).toEqual([429, 200]);
    expect(endTimes.get(ends[1]!)! - endTimes.get(ends[0]!)!).toBeGreaterThanOrEqual(1000);
  });

  it('retries a refused connection until the server is up, before any output', async () => {
    const probe = await createResponsesServer({ replay });
    const port = probe.port;
    await probe.close();
    let late: Promise<ResponsesServer> | undefined;
    const errors: string[] = [];
    const retry = {
      initialDelayMs: 50,
      jitter: 0,
      maxRetries: 8,
      shouldRetry: (error: unknown) => {
        errors.push((error as { code?: string }).code ?? String(error));
        // The server comes up only after the first refusal.
        late ??= createResponsesServer({ replay, port }).then((server) => (servers.push(server), server));
        return (error as { code?: string }).code === 'connection_failed';
      },
    };
    const run = await collect(
      streamResponse({ model: 'bg', input: 'hi' }, { baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test', retry }),
    );
    expect(run.error).toBeUndefined();
    expect(errors[0]).toBe('connection_failed');
    expect(answerOf(run.values)).toContain('Rayleigh');
  });

  it('never retries once output went out', async () => {
    const { server, ends } = await start({ fault: 'drop-after=4' });
    const run = await collect(
      streamResponse(
        { model: 'bg', input: 'hi' },
        { baseURL: server.url, apiKey: 'test', retry: { initialDelayMs: 1 } },
      ),
    );
    expect(run.error).toBeInstanceOf(StreamClosedError);
    expect(run.values.length).toBeGreaterThan(0);
    expect(ends).toHaveLength(1);
  });

  it('cancels the response when the subscriber leaves, with cancelOnUnsubscribe', async () => {
    const { server } = await start({ eventDelayMs: 20 });
    const seen = await collect(
      streamResponse(body, { baseURL: server.url, apiKey: 'test', cancelOnUnsubscribe: true }).pipe(take(3)),
    );
    const id = (seen.values[0] as { responseId?: string }).responseId!;
    await until(async () => {
      const response = (await (await fetch(`${server.url}/responses/${id}`)).json()) as { status: string };
      return response.status === 'cancelled';
    });
    // Another reader of the same response sees it end with ResponseCancelledError.
    const rest = await collect(retrieveResponseEvents(id, { baseURL: server.url, apiKey: 'test' }));
    expect(rest.error).toBeInstanceOf(ResponseCancelledError);
    expect(rest.error).toMatchObject({ code: 'response_cancelled', responseId: id, retryable: false });
  });

  it('cancelResponse stops a running response; its stream ends with ResponseCancelledError', async () => {
    const { server } = await start({ eventDelayMs: 20 });
    const events: ResponseEvent[] = [];
    const ended = new Promise<unknown>((resolve) =>
      streamResponse(body, { baseURL: server.url, apiKey: 'test' }).subscribe({
        next: (event) => events.push(event),
        error: resolve,
        complete: () => resolve(undefined),
      }),
    );
    await until(() => events.length > 0);
    const cancelled = await cancelResponse((events[0] as { responseId: string }).responseId, {
      baseURL: server.url,
      apiKey: 'test',
    });
    expect(cancelled.status).toBe('cancelled');
    expect(await ended).toBeInstanceOf(ResponseCancelledError);
  });

  it('continues a stream by hand with retrieveResponseEvents: no created, nothing recovered twice, the same turn', async () => {
    const { server } = await start();
    const connection = { baseURL: server.url, apiKey: 'test' };
    let deltas = 0;
    // The first connection "drops" in the middle of the answer's deltas (after the reasoning item was delivered).
    const before = await collect(
      streamResponse(body, connection).pipe(
        takeWhile((event) => !(event.type === 'outputTextDelta' && ++deltas === 3), true),
      ),
    );
    const last = before.values.at(-1)!;
    const id = (before.values[0] as { responseId: string }).responseId;
    expect(before.values.some((e) => e.type === 'outputItemDone' && e.item.id === 'rs_1')).toBe(true);
    const shown = await lastValueFrom(
      concat(
        from(before.values),
        throwError(() => new StreamClosedError()),
      ).pipe(toTranscript({ onError: 'complete' })),
    );
    expect(shown.transcript.status).toBe('errored');

    const after = await collect(retrieveResponseEvents(id, { ...connection, startingAfter: last.sequenceNumber! }));
    expect(after.completed).toBe(true);
    expect(after.values[0]?.type).toBe('outputTextDelta');
    expect(after.values.some((e) => e.type === 'created')).toBe(false);
    expect(
      after.values.filter((e) => e.type === 'outputItemDone').map((e) => (e as { item: { id: string } }).item.id),
    ).toEqual(['msg_1', 'fc_1', 'msg_2']);
    // Both parts together are the uninterrupted run.
    expect(comparable([...before.values, ...after.values])).toEqual(comparable(uninterrupted));

    const updates = await lastValueFrom(
      from(after.values).pipe(toTranscript({ initial: shown.transcript }), toArray()),
    );
    expect(updates.some((update) => update.type === 'turnStarted')).toBe(false);
    const final = updates.at(-1)!.transcript;
    expect(final.turn).toBe(1);
    expect(final.status).toBe('completed');
    expect(final.cells.filter((cell) => cell.kind === 'reasoning')).toHaveLength(1);
    const answers = final.cells.filter((cell) => cell.kind === 'answer').map((cell) => (cell as { text: string }).text);
    expect(answers).toEqual(['The sky is blue because of Rayleigh scattering. ✨ 日本', 'Done.']);
  });

  it('answers GET /v1/responses/{id} with the response object', async () => {
    const { server } = await start();
    const run = await collect(streamResponse(body, { baseURL: server.url, apiKey: 'test' }));
    const id = (run.values[0] as { responseId: string }).responseId;
    const response = (await (await fetch(`${server.url}/responses/${id}`)).json()) as Record<string, unknown>;
    expect(response).toMatchObject({ id, object: 'response', status: 'completed', background: true });
    expect((response['output'] as unknown[]).length).toBe(output.length);
  });

  it('serves the official openai client: responses.retrieve(id, { stream: true, starting_after }) and responses.cancel(id)', async () => {
    const { server } = await start();
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const created = await client.responses.create({ model: 'bg', input: 'hi', background: true });
    expect(created.status).toMatch(/queued|in_progress|completed/);
    const stream = await client.responses.retrieve(created.id, { stream: true, starting_after: 5 });
    const numbers: number[] = [];
    const types: string[] = [];
    for await (const event of stream) {
      numbers.push(event.sequence_number);
      types.push(event.type);
    }
    expect(numbers[0]).toBe(6);
    expect(types.at(-1)).toBe('response.completed');
    expect(types).not.toContain('response.created');

    const slow = await start({ eventDelayMs: 20 });
    const slowClient = new OpenAI({ baseURL: slow.server.url, apiKey: 'test', maxRetries: 0 });
    const running = await slowClient.responses.create({ model: 'bg', input: 'hi', background: true });
    const cancelled = await slowClient.responses.cancel(running.id);
    expect(cancelled.status).toBe('cancelled');
  });
});
