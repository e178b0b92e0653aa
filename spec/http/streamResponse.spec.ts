/** `streamResponse` against real loopback servers: the embedded one, and raw `node:http` ones for odd answers. */
import { ConnectionError, HttpError, IdleTimeoutError, UnexpectedContentTypeError, parseRetryAfter } from '../../lib';
import { streamResponse } from '../../lib/http';
import { type RequestSummary, type ResponsesServer, createResponsesServer } from '../../lib/server';
import { type RawServer, answerOf, collect, rawServer } from '../server/helpers';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((server) => server.close()));
});

async function embedded(options: Parameters<typeof createResponsesServer>[0] = {}): Promise<ResponsesServer> {
  const server = await createResponsesServer(options);
  closers.push(server);
  return server;
}

async function raw(handler: Parameters<typeof rawServer>[0]): Promise<RawServer> {
  const server = await rawServer(handler);
  closers.push(server);
  return server;
}

describe('streamResponse', () => {
  it('POSTs the body with stream: true and a bearer key to ${baseURL}/responses, ignoring a trailing slash', async () => {
    const server = await raw((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('data: {"type":"response.completed","response":{"id":"r","output":[]}}\n\n');
    });
    const result = await collect(
      streamResponse(
        { model: 'm', input: 'hi', stream: false },
        { baseURL: `${server.url}/`, apiKey: 'sk-test', headers: { 'x-extra': '1' } },
      ),
    );
    expect(result.completed).toBe(true);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/responses' });
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      'x-extra': '1',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ model: 'm', input: 'hi', stream: true });
  });

  it('reads OPENAI_BASE_URL and OPENAI_API_KEY when no option is given', async () => {
    const server = await embedded();
    const saved = { base: process.env['OPENAI_BASE_URL'], key: process.env['OPENAI_API_KEY'] };
    process.env['OPENAI_BASE_URL'] = server.url;
    process.env['OPENAI_API_KEY'] = 'from-env';
    try {
      const result = await collect(streamResponse({ model: 'demo-turn-1', input: 'hi' }));
      expect(result.completed).toBe(true);
      expect(answerOf(result.values)).toMatch(/^An Observable is/);
    } finally {
      for (const [name, value] of [
        ['OPENAI_BASE_URL', saved.base],
        ['OPENAI_API_KEY', saved.key],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('throws a TypeError at call time for a body that is not an object or a base URL that is not a URL', () => {
    expect(() => streamResponse(null as never, { baseURL: 'http://127.0.0.1:1/v1' })).toThrow(TypeError);
    expect(() => streamResponse({ model: 'm' }, { baseURL: 'not a url' })).toThrow(TypeError);
    expect(() => streamResponse({ model: 'm' }, { baseURL: 'http://127.0.0.1:1/v1', idleTimeoutMs: -1 })).toThrow(
      TypeError,
    );
  });

  describe('HTTP errors', () => {
    it('fails a 429 with HttpError: status, OpenAI error body, retryable, retryAfterMs from retry-after', async () => {
      const server = await embedded({ fault: { kind: 'http-error', status: 429, retryAfterSeconds: 2 } });
      const { values, error } = await collect(
        streamResponse({ model: 'm', input: 'hi' }, { baseURL: server.url, apiKey: 'k' }),
      );
      expect(values).toEqual([]);
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ code: 'http_error', status: 429, retryable: true, retryAfterMs: 2000 });
      expect((error as HttpError).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
      expect(JSON.parse((error as HttpError).body)).toHaveProperty('error.message');
    });

    it('marks a 500 retryable and a 400 not', async () => {
      const five = await embedded({ fault: 'http-error=500' });
      const four = await embedded({ fault: 'http-error=400' });
      const e500 = (await collect(streamResponse({ model: 'm' }, { baseURL: five.url, apiKey: 'k' }))).error;
      const e400 = (await collect(streamResponse({ model: 'm' }, { baseURL: four.url, apiKey: 'k' }))).error;
      expect(e500).toMatchObject({ code: 'http_error', status: 500, retryable: true, retryAfterMs: 1000 });
      expect(e400).toMatchObject({ code: 'http_error', status: 400, retryable: false });
      expect((e400 as HttpError).error?.code).toBe('invalid_request_error');
    });

    it('prefers retry-after-ms, and reads a non-JSON error body as raw text', async () => {
      const server = await raw((_request, response) => {
        response.writeHead(503, { 'content-type': 'text/plain', 'retry-after-ms': '1500', 'retry-after': '9' });
        response.end('upstream overloaded');
      });
      const { error } = await collect(streamResponse({ model: 'm' }, { baseURL: server.url, apiKey: 'k' }));
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({
        status: 503,
        retryable: true,
        retryAfterMs: 1500,
        body: 'upstream overloaded',
        error: undefined,
      });
    });

    it.each([
      ['JSON', 'application/json', JSON.stringify({ id: 'resp_1', object: 'response', output: [] })],
      ['HTML', 'text/html; charset=utf-8', '<!doctype html><html><body>Welcome to the proxy</body></html>'],
    ])('fails a 200 %s answer with UnexpectedContentTypeError quoting the body', async (_name, contentType, body) => {
      const server = await raw((_request, response) => {
        response.writeHead(200, { 'content-type': contentType });
        response.end(body);
      });
      const { values, error } = await collect(streamResponse({ model: 'm' }, { baseURL: server.url, apiKey: 'k' }));
      expect(values).toEqual([]);
      expect(error).toBeInstanceOf(UnexpectedContentTypeError);
      expect(error).toMatchObject({ code: 'unexpected_content_type', retryable: false, contentType, bodyStart: body });
    });

    it('fails with a retryable ConnectionError when nothing listens', async () => {
      const server = await rawServer(() => undefined);
      const url = server.url;
      await server.close();
      const { error } = await collect(streamResponse({ model: 'm' }, { baseURL: url, apiKey: 'k' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'connection_failed', retryable: true, url: `${url}/responses` });
    });

    it('fails with IdleTimeoutError when the headers never come', async () => {
      const server = await raw(() => undefined); // reads the request, never answers
      const { error } = await collect(
        streamResponse({ model: 'm' }, { baseURL: server.url, apiKey: 'k', idleTimeoutMs: 50 }),
      );
      expect(error).toBeInstanceOf(IdleTimeoutError);
      expect(error).toMatchObject({ code: 'idle_timeout', idleMs: 50 });
    });
  });

  it('aborts the request on unsubscribe: the server sees the connection close', async () => {
    let ended!: (summary: RequestSummary) => void;
    const requestEnded = new Promise<RequestSummary>((resolve) => (ended = resolve));
    const server = await embedded({
      fault: { kind: 'stall-after', events: 3 },
      onRequestEnd: (summary) => ended(summary),
    });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = streamResponse(
        { model: 'demo-turn-1', input: 'hi' },
        { baseURL: server.url, apiKey: 'k' },
      ).subscribe({
        next: (event) => {
          received.push(event.type);
          // response.created, response.in_progress, output_item.added: three wire events arrived.
          if (event.type === 'outputItemAdded') {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    const summary = await requestEnded;
    expect(received).toEqual(['created', 'inProgress', 'outputItemAdded']);
    expect(summary).toMatchObject({ outcome: 'client-closed', status: 200, completed: false });
    expect(summary.eventTypes).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
  });
});

describe('parseRetryAfter', () => {
  const headers = (entries: Record<string, string>): Headers => new Headers(entries);
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads retry-after-ms first, then retry-after seconds', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250.4', 'retry-after': '3' }), now)).toBe(251);
    expect(parseRetryAfter(headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now)).toBe(0);
  });

  it('ignores missing, negative and unreadable values', () => {
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-1' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), now)).toBe(2000);
  });
});
