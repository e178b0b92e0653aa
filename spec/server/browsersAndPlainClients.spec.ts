/**
 * The embedded server for browsers (CORS) and for clients that do not stream (`stream` absent or false: the JSON
 * Response object, as the API answers), with the official openai client over loopback. The same server in a real
 * browser is spec/browser/browser.spec.ts.
 */
import OpenAI from 'openai';
import { streamResponse } from '../../lib/http';
import { DEMO_CONVERSATION, type RequestSummary, type ResponsesServer, createResponsesServer } from '../../lib/server';
import { answerOf, collect, viaOpenAIClient } from './helpers';

const servers: ResponsesServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function start(options: Parameters<typeof createResponsesServer>[0] = {}): Promise<ResponsesServer> {
  const server = await createResponsesServer(options);
  servers.push(server);
  return server;
}

const turnText = (index: number): string => {
  const message = DEMO_CONVERSATION[index]?.output.find((item) => item.type === 'message');
  return (message?.['content'] as { text: string }[]).map((part) => part.text).join('');
};

/** A preflight as Chromium sends it before a cross-origin POST with JSON and an Authorization header. */
const preflight = (server: ResponsesServer, origin: string, extra: Record<string, string> = {}) =>
  fetch(`${server.url}/responses`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-stainless-os',
      ...extra,
    },
  });

describe('CORS', () => {
  it.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'https://[::1]:8443'])(
    'lets a page on a loopback origin (%s) call the server by default',
    async (origin) => {
      const server = await start();
      const answer = await preflight(server, origin);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-methods')).toMatch(/\bPOST\b/);
      expect(answer.headers.get('access-control-allow-headers')).toBe('authorization,content-type,x-stainless-os');

      const post = await fetch(`${server.url}/responses`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-turn-1', input: 'hi', stream: true }),
      });
      expect(post.status).toBe(200);
      expect(post.headers.get('access-control-allow-origin')).toBe(origin);
      expect(post.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
      await post.text();
    },
  );

  it('refuses a preflight from another origin with 403 and says how to allow it', async () => {
    const server = await start();
    const answer = await preflight(server, 'https://app.example.com');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('origin_not_allowed');
    expect(body.error.message).toMatch(/--allow-origin https:\/\/app\.example\.com/);
  });

  it('allows the origins it is given, and any with *', async () => {
    const listed = await start({ allowedOrigins: ['https://app.example.com'] });
    expect((await preflight(listed, 'https://app.example.com')).status).toBe(204);
    expect((await preflight(listed, 'http://localhost:5173')).status).toBe(403);
    const any = await start({ allowedOrigins: ['*'] });
    expect((await preflight(any, 'https://elsewhere.example')).headers.get('access-control-allow-origin')).toBe(
      'https://elsewhere.example',
    );
  });

  it('answers Private Network Access preflights of allowed origins', async () => {
    const server = await start({ allowedOrigins: ['https://app.example.com'] });
    const answer = await preflight(server, 'https://app.example.com', {
      'access-control-request-private-network': 'true',
    });
    expect(answer.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('rejects an allowedOrigins entry that is not an origin when the server is created', async () => {
    await expect(createResponsesServer({ allowedOrigins: ['https://app.example.com/path'] })).rejects.toThrow(
      /not an origin/,
    );
    await expect(createResponsesServer({ allowedOrigins: 'loopback' as never })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('requests without stream: true', () => {
  it('answers the official client’s non-streaming responses.create with the Response object', async () => {
    const ended: RequestSummary[] = [];
    const server = await start({ onRequestEnd: (summary) => ended.push(summary) });
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const response = await client.responses.create({ model: 'demo-turn-1', input: 'hi' });
    expect(response.object).toBe('response');
    expect(response.id).toBe(DEMO_CONVERSATION[0]!.responseId);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(turnText(0));
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.model).toBe('demo-turn-1');
    expect(ended).toMatchObject([{ outcome: 'finished', status: 200, completed: true, text: turnText(0) }]);
  });

  it('still streams for the official client with stream: true, and for streamResponse', async () => {
    const server = await start();
    const streamed = await viaOpenAIClient(server.url, 'demo-turn-3');
    expect(streamed.deltaText).toBe(turnText(2));
    const rx = await collect(streamResponse({ model: 'demo-turn-3', input: 'hi' }, { baseURL: server.url }));
    expect(answerOf(rx.values)).toBe(turnText(2));
  });

  it('keeps the shape: a completed-only provider still answers the whole Response', async () => {
    const server = await start({ shape: 'completed-only' });
    const response = await new OpenAI({ baseURL: server.url, apiKey: 't', maxRetries: 0 }).responses.create({
      model: 'demo-turn-2',
      input: 'hi',
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
  });

  it('answers 500 when the answer ends without response.completed (drop-completed)', async () => {
    const server = await start({ fault: 'drop-completed' });
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    await expect(client.responses.create({ model: 'demo-turn-1', input: 'hi' })).rejects.toMatchObject({
      status: 500,
    });
  });

  it('relays a non-streaming request to the upstream as it was sent, in passthrough', async () => {
    const upstream = await start();
    const proxy = await start({ upstream: upstream.url, keyEnv: 'RESPONSES_RX_TEST_UNSET_KEY' });
    const response = await new OpenAI({ baseURL: proxy.url, apiKey: 't', maxRetries: 0 }).responses.create({
      model: 'demo-turn-1',
      input: 'hi',
      stream: false,
    });
    expect(response.output_text).toBe(turnText(0));
  });
});
