/** Injected faults, observed by `streamResponse` over loopback. */
import { finalize } from 'rxjs';
import { HttpError, IdleTimeoutError, MalformedEventError, type ResponseEvent, StreamClosedError } from '../../lib';
import { streamResponse } from '../../lib/http';
import {
  type RequestSummary,
  type ResponsesServer,
  createResponsesServer,
  parseFault,
  validateFault,
} from '../../lib/server';
import { items, streamedEvents } from '../../lib/testing';
import { until } from '../support';
import { answerOf, collect } from './helpers';

const servers: ResponsesServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof createResponsesServer>[0]): Promise<ResponsesServer> {
  const server = await createResponsesServer(options);
  servers.push(server);
  return server;
}

const ask = (server: ResponsesServer, options: { idleTimeoutMs?: number; onMalformed?: 'error' | 'skip' } = {}) =>
  collect(streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: server.url, apiKey: 'k', ...options }));

describe('parseFault', () => {
  it.each([
    ['drop-completed', { kind: 'drop-completed' }],
    ['stall-after=3', { kind: 'stall-after', events: 3 }],
    ['stall-after=0', { kind: 'stall-after', events: 0 }],
    ['chunk=1', { kind: 'chunk', bytes: 1 }],
    ['malformed', { kind: 'malformed' }],
    ['malformed=4', { kind: 'malformed', event: 4 }],
    ['http-error=429', { kind: 'http-error', status: 429 }],
    ['http-error=503:5', { kind: 'http-error', status: 503, retryAfterSeconds: 5 }],
    ['drop-after=5', { kind: 'drop-after', events: 5 }],
    ['reset-after=0', { kind: 'reset-after', events: 0 }],
  ])('reads %s', (text, fault) => {
    expect(parseFault(text)).toEqual(fault);
  });

  it.each([
    '',
    'explode',
    'chunk=0',
    'chunk',
    'stall-after=x',
    'http-error=200',
    'http-error=700',
    'drop-completed=1',
    'http-error=429:soon',
    'drop-after',
    'reset-after=-1',
  ])('rejects %j with a TypeError naming the accepted forms', (text) => {
    expect(() => parseFault(text)).toThrow(/Accepted forms: drop-completed, stall-after=N/);
  });

  it('validates typed faults, and the server rejects a bad one when created', async () => {
    expect(() => validateFault({ kind: 'chunk', bytes: 0 })).toThrow(TypeError);
    expect(() => validateFault({ kind: 'nope' } as never)).toThrow(TypeError);
    await expect(createResponsesServer({ fault: { kind: 'stall-after', events: -1 } })).rejects.toThrow(TypeError);
    await expect(createResponsesServer({ fault: 'chunk=0' })).rejects.toThrow(TypeError);
  });
});

describe('faults seen by streamResponse', () => {
  it('drop-completed: the stream ends before response.completed, so StreamClosedError after the answer arrived', async () => {
    const server = await start({ fault: 'drop-completed' });
    const { values, error } = await ask(server);
    expect(error).toBeInstanceOf(StreamClosedError);
    expect(error).toMatchObject({ code: 'stream_closed', retryable: true });
    expect(values.some((event) => event.type === 'completed')).toBe(false);
    expect(answerOf(values)).toMatch(/^An Observable is/);
  });

  it('stall-after: the socket stays open and silent, so IdleTimeoutError once idleTimeoutMs passes without an event', async () => {
    const ended: RequestSummary[] = [];
    const server = await start({ fault: { kind: 'stall-after', events: 4 }, onRequestEnd: (end) => ended.push(end) });
    // The idle clock (rxjs's asyncScheduler: Date and setInterval) moves only when this test moves it, so a loaded
    // machine cannot make it fire before the four events arrive; sockets, fetch and polling keep their real timers.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'],
    });
    try {
      const values: ResponseEvent[] = [];
      let error: unknown;
      let ends = 0;
      streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: server.url, apiKey: 'k', idleTimeoutMs: 100 })
        .pipe(finalize(() => ends++))
        .subscribe({ next: (event) => values.push(event), error: (e: unknown) => (error = e) });
      await until(() => values.length >= 4 || ends > 0, 'the events before the stall');
      // created, in_progress, output_item.added (reasoning), reasoning_summary_part.added; then silence.
      expect(values.map((event) => event.type)).toEqual([
        'created',
        'inProgress',
        'outputItemAdded',
        'reasoningSummaryPartAdded',
      ]);
      jest.advanceTimersByTime(99);
      expect(ends).toBe(0);
      jest.advanceTimersByTime(1);
      expect(error).toBeInstanceOf(IdleTimeoutError);
      expect(error).toMatchObject({ code: 'idle_timeout', idleMs: 100, retryable: true });
      expect(values).toHaveLength(4);
      // The timeout let go of the request: the server saw the client leave mid-stall, after exactly four events.
      await until(() => ended.length > 0, 'the server to see the client leave');
      expect(ended[0]).toMatchObject({ outcome: 'client-closed', completed: false });
      expect(ended[0]!.eventTypes).toHaveLength(4);
    } finally {
      jest.useRealTimers();
    }
  });

  // A short stream: at one byte per write, the demo's longer turns take seconds under --detectOpenHandles.
  const short = streamedEvents([items.reasoning('rs_1', 'Think ✓'), items.message('msg_1', 'Hé — 14 °C ☔ ok')], {
    deltaSize: 3,
  });

  it('chunk=1: one byte per write gives the same events as the unchunked stream', async () => {
    const whole = await start({ replay: short });
    const chunked = await start({ replay: short, fault: { kind: 'chunk', bytes: 1 } });
    const [expected, actual] = await Promise.all([ask(whole), ask(chunked)]);
    expect(actual.error).toBeUndefined();
    expect(actual.completed).toBe(true);
    expect(actual.values).toEqual(expected.values);
    expect(actual.values.length).toBeGreaterThan(10);
  });

  it('chunk=1 keeps multi-byte UTF-8 characters whole', async () => {
    const chunked = await start({ replay: short, fault: 'chunk=1' });
    const { values } = await ask(chunked);
    expect(answerOf(values)).toBe('Hé — 14 °C ☔ ok');
    expect(
      values
        .filter((event) => event.type === 'outputTextDelta')
        .map((event) => event.type === 'outputTextDelta' && event.delta),
    ).toEqual(['Hé ', '— 1', '4 °', 'C ☔', ' ok']);
  });

  it('malformed: the corrupted event fails the stream with MalformedEventError, or is skipped on request', async () => {
    const server = await start({ fault: { kind: 'malformed', event: 2 } });
    const failed = await ask(server);
    expect(failed.error).toBeInstanceOf(MalformedEventError);
    expect(failed.error).toMatchObject({ code: 'malformed_event', retryable: false, issues: [] });
    expect((failed.error as MalformedEventError).raw).toMatch(/^\{"type":"response.output_item.added"/);

    const skipped = await ask(server, { onMalformed: 'skip' });
    expect(skipped.error).toBeUndefined();
    expect(answerOf(skipped.values)).toMatch(/^An Observable is/);
  });

  it('http-error: an OpenAI error body with retry-after, read as HttpError with retryAfterMs', async () => {
    const server = await start({ fault: 'http-error=429:3' });
    const { error } = await ask(server);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 3000,
      error: { code: 'rate_limit_exceeded' },
    });
  });

  it('applies faults after the shape: final-only with malformed=2 corrupts the synthesized message', async () => {
    const server = await start({ shape: 'final-only', fault: 'malformed=2' });
    const { error } = await ask(server);
    expect((error as MalformedEventError).raw).toMatch(/^\{"type":"response.output_item.done"/);
  });
});
