/**
 * The NestJS relay of examples/nestjs, run as a real Nest application over loopback: a final-only provider (the
 * embedded server) behind it, a plain fetch in front of it reading the SSE it sends.
 */
import type { INestApplication } from '@nestjs/common';
import { type ResponseEvent, responseEvents } from '../../lib';
import { DEMO_CONVERSATION, type ResponsesServer, createResponsesServer } from '../../lib/server';
import { createChatApp } from '../../examples/nestjs/app';
import { collect } from '../support';

const turn = DEMO_CONVERSATION[0]!;
const textOf = (type: string, key: string) =>
  turn.output
    .filter((item) => item.type === type)
    .flatMap((item) => item[key] as { text: string }[])
    .map((part) => part.text)
    .join('');

describe('examples/nestjs: an @Sse() relay of streamResponse', () => {
  let provider: ResponsesServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    provider = await createResponsesServer({ shape: 'final-only' });
    app = await createChatApp({ baseURL: provider.url, apiKey: 'test' });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    await provider.close();
  });

  it('streams a final-only answer as canonical Responses events: the deltas spell the answer and the reasoning', async () => {
    const answer = await fetch(`${url}/chat?input=hi&model=demo-turn-1`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await answer.text();
    // Nest names each SSE message after the event's type and numbers it.
    expect(text).toMatch(/^\nevent: response\.created\nid: 1\ndata: \{"type":"response\.created","sequence_number":0,/);

    const read = await collect(responseEvents(text));
    expect(read.error).toBeUndefined();
    const values: ResponseEvent[] = read.values;
    const deltas = (type: ResponseEvent['type']) =>
      values.map((event) => (event.type === type && 'delta' in event ? event.delta : '')).join('');
    expect(deltas('outputTextDelta')).toBe(textOf('message', 'content'));
    expect(deltas('reasoningSummaryDelta')).toBe(textOf('reasoning', 'summary'));
    expect(values.filter((event) => event.type === 'outputItemDone').every((event) => !event.recovered)).toBe(true);
    expect(values.at(-1)?.type).toBe('completed');
  });

  it('sends the upstream failure as the canonical error event', async () => {
    const failing = await createResponsesServer({ fault: 'http-error=429:1' });
    const relay = await createChatApp({ baseURL: failing.url, apiKey: 'test' });
    await relay.listen(0, '127.0.0.1');
    try {
      const text = await (await fetch(`${(await relay.getUrl()).replace('[::1]', '127.0.0.1')}/chat?input=hi`)).text();
      expect(text).toMatch(/event: error\nid: 1\ndata: \{"type":"error","sequence_number":0,"code":"http_error"/);
    } finally {
      await relay.close();
      await failing.close();
    }
  });
});
