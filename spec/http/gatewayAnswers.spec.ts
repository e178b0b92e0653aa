/**
 * HTTP answers gateways really give (issue 10, inputs 8 and 9), over real loopback sockets: SSE sent as
 * `application/json`, a JSON error body with status 200, and a 429 read by `responseEvents(fetchResponse)`.
 */
import {
  HttpError,
  ResponseFailedError,
  UnexpectedContentTypeError,
  checkEventStream,
  responseEvents,
} from '../../lib';
import { streamResponse } from '../../lib/http';
import { items, toSseText, wire } from '../../lib/testing';
import { type RawServer, answerOf, collect, rawServer } from '../server/helpers';

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function answering(status: number, headers: Record<string, string>, body: string): Promise<RawServer> {
  const server = await rawServer((_request, response) => {
    response.writeHead(status, headers);
    // Two writes: the sniffing must not depend on the whole body arriving in one chunk.
    response.write(body.slice(0, 3));
    setImmediate(() => response.end(body.slice(3)));
  });
  servers.push(server);
  return server;
}

const message = items.message('msg_1', 'Hello over JSON');
const sse = toSseText([
  wire.created(),
  wire.textDelta('Hello over JSON', { itemId: 'msg_1', outputIndex: 0 }),
  wire.completed([message]),
]);

const post = (url: string): Promise<Response> =>
  fetch(`${url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

describe('HTTP answers of gateways (issue 10, inputs 8 and 9)', () => {
  it('8. reads a 200 body that is SSE but says application/json, through streamResponse and responseEvents', async () => {
    const server = await answering(200, { 'content-type': 'application/json' }, `\n${sse}`);
    const viaStream = await collect(streamResponse({ model: 'm', input: 'hi' }, { baseURL: server.url, apiKey: '' }));
    expect(viaStream.error).toBeUndefined();
    expect(answerOf(viaStream.values)).toBe('Hello over JSON');
    const viaFetch = await collect(responseEvents(await post(server.url), { idleTimeoutMs: 10_000 }));
    expect(viaFetch.error).toBeUndefined();
    expect(viaFetch.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta', 'outputItemDone', 'completed']);
  });

  it('8. fails with ResponseFailedError carrying the message and code of a JSON error body sent with status 200', async () => {
    const body = JSON.stringify({ error: { message: 'Upstream timed out', type: 'server_error', code: 'timeout' } });
    const server = await answering(200, { 'content-type': 'application/json' }, body);
    const result = await collect(streamResponse({ model: 'm', input: 'hi' }, { baseURL: server.url, apiKey: '' }));
    expect(result.error).toBeInstanceOf(ResponseFailedError);
    expect(result.error).toMatchObject({
      code: 'response_failed',
      source: 'error body',
      serverCode: 'timeout',
      serverMessage: 'Upstream timed out',
      retryable: true,
    });
    await expect(checkEventStream(await post(server.url))).rejects.toBeInstanceOf(ResponseFailedError);
  });

  it('8. keeps UnexpectedContentTypeError for a 200 body that is neither SSE nor an error object', async () => {
    const server = await answering(200, { 'content-type': 'application/json' }, '{"object":"response","output":[]}');
    const result = await collect(streamResponse({ model: 'm', input: 'hi' }, { baseURL: server.url, apiKey: '' }));
    expect(result.error).toBeInstanceOf(UnexpectedContentTypeError);
    expect(result.error).toMatchObject({
      code: 'unexpected_content_type',
      contentType: 'application/json',
      bodyStart: '{"object":"response","output":[]}',
      retryable: false,
    });
    const html = await answering(200, { 'content-type': 'text/html' }, '<html>login</html>');
    const page = await collect(responseEvents(await post(html.url), { idleTimeoutMs: 10_000 }));
    expect(page.error).toBeInstanceOf(UnexpectedContentTypeError);
  });

  it('9. fails with a retryable HttpError and retryAfterMs when responseEvents is given a 429 fetch Response', async () => {
    const body = JSON.stringify({
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
    });
    const server = await answering(429, { 'content-type': 'application/json', 'retry-after': '3' }, body);
    const result = await collect(responseEvents(await post(server.url), { idleTimeoutMs: 10_000 }));
    expect(result.values).toEqual([]);
    expect(result.error).toBeInstanceOf(HttpError);
    expect(result.error).toMatchObject({
      code: 'http_error',
      status: 429,
      retryable: true,
      retryAfterMs: 3000,
      error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' },
    });
  });
});
