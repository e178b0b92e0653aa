/**
 * Resource hygiene over HTTP, against the embedded server on 127.0.0.1 (port 0): after completion, error, idle
 * timeout and early unsubscribe, the request is aborted and the server sees the connection close before its answer
 * finished (`outcome: 'client-closed'`); afterwards no socket, server or timer handle is left in the process.
 *
 * (Node's fetch may open a fresh idle keep-alive connection right after an abort; that one carries no request and
 * `server.close()` ends it, so the tests assert on the request's outcome, not on the server's connection count.)
 */
import { createHook } from 'node:async_hooks';
import { type ResponseEvent } from '../../lib';
import { streamResponse } from '../../lib/http';
import {
  type RequestSummary,
  type ResponsesServer,
  type ResponsesServerOptions,
  createResponsesServer,
} from '../../lib/server';
import { items, streamedEvents, wire } from '../../lib/testing';

const message = items.message('msg_1', 'Hello from the embedded server, streamed slowly.');
const events = streamedEvents([items.reasoning('rs_1', 'Short thought'), message], { deltaSize: 3 });

interface Harness {
  readonly server: ResponsesServer;
  readonly ended: RequestSummary[];
}

async function start(options: ResponsesServerOptions): Promise<Harness> {
  const ended: RequestSummary[] = [];
  const server = await createResponsesServer({ port: 0, ...options, onRequestEnd: (summary) => ended.push(summary) });
  return { server, ended };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Handles that would keep the process alive (sockets, servers, timers) created while a test of this file runs, and not
 * yet closed. Counted by async_hooks rather than read from the whole process, which holds Jest's own: its worker's
 * pipes and the timer of the hook that is running.
 */
const open = new Map<number, string>();
let tracking = false;
const handles = createHook({
  init: (id, type) => {
    if (tracking && /^(TCPWRAP|TCPSERVERWRAP|PIPEWRAP|Timeout|Immediate)$/.test(type)) open.set(id, type);
  },
  destroy: (id) => open.delete(id),
});

function run(h: Harness, options: { idleTimeoutMs?: number } = {}) {
  const seen = { values: [] as ResponseEvent[], completed: false, error: undefined as unknown };
  const subscription = streamResponse(
    { model: 'test', input: 'hi' },
    { baseURL: h.server.url, apiKey: 'test', idleTimeoutMs: options.idleTimeoutMs ?? 10_000 },
  ).subscribe({
    next: (event) => seen.values.push(event),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

describe('resource hygiene over HTTP', () => {
  let harness: Harness | undefined;
  beforeAll(() => handles.enable());
  beforeEach(() => (tracking = true));
  afterEach(async () => {
    await harness?.server.close();
    harness = undefined;
    tracking = false;
  });

  afterAll(async () => {
    // Nothing left behind by any test: no socket, no server, no timer (Jest's --detectOpenHandles agrees).
    await until(() => open.size === 0, 'handles to close').catch(() => {
      throw new Error(`left open by the tests: ${[...open.values()].join(', ')}`);
    });
    handles.disable();
  });

  it('aborts the request when response.completed arrives while the server is still sending', async () => {
    // The server keeps sending (slowly) after response.completed: the client must not wait for it.
    const late = Array.from({ length: 50 }, (_, i) => wire.textDelta(`late ${i}`));
    harness = await start({ replay: [...events, ...late], eventDelayMs: 5 });
    const h = harness;
    const { seen } = run(h);
    await until(() => seen.completed, 'completion');
    await until(() => h.ended.length === 1, 'the server to see the request end');
    expect(h.ended[0]).toMatchObject({ outcome: 'client-closed' });
    expect(seen.values.at(-1)?.type).toBe('completed');
  });

  it('ends the request cleanly after a stream that completes at its end', async () => {
    harness = await start({ replay: events });
    const h = harness;
    const { seen } = run(h);
    await until(() => seen.completed, 'completion');
    await until(() => h.ended.length === 1, 'the server to see the request end');
    expect(h.ended[0]).toMatchObject({ outcome: 'finished' });
  });

  it('aborts the request on a malformed event', async () => {
    harness = await start({ replay: events, fault: 'malformed=3', eventDelayMs: 5 });
    const h = harness;
    const { seen } = run(h);
    await until(() => seen.error !== undefined, 'the error');
    expect(seen.error).toMatchObject({ code: 'malformed_event' });
    await until(() => h.ended.length === 1, 'the server to see the request end');
    expect(h.ended[0]).toMatchObject({ outcome: 'client-closed' });
  });

  it('aborts the request when the idle timeout fires on a stalled stream', async () => {
    harness = await start({ replay: events, fault: 'stall-after=4' });
    const h = harness;
    const { seen } = run(h, { idleTimeoutMs: 150 });
    await until(() => seen.error !== undefined, 'the idle timeout');
    expect(seen.error).toMatchObject({ code: 'idle_timeout' });
    await until(() => h.ended.length === 1, 'the server to see the request end');
    expect(h.ended[0]).toMatchObject({ outcome: 'client-closed' });
  });

  it('aborts the request on early unsubscribe', async () => {
    harness = await start({ replay: events, eventDelayMs: 10 });
    const h = harness;
    const { seen, subscription } = run(h);
    await until(() => seen.values.some((e) => e.type === 'outputTextDelta'), 'a first delta');
    subscription.unsubscribe();
    await until(() => h.ended.length === 1, 'the server to see the request end');
    expect(h.ended[0]).toMatchObject({ outcome: 'client-closed' });
    expect(seen.completed || seen.error !== undefined).toBe(false);
  });
});
