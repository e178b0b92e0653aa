/**
 * Three real clients against the embedded server over loopback sockets: responses-rx's `streamResponse`, the official
 * `openai` client and the AI SDK's OpenAI Responses model, in replay and in passthrough (a second server as upstream).
 */
import { streamResponse } from '../../lib/http';
import { DEMO_CONVERSATION, type ResponsesServer, createResponsesServer } from '../../lib/server';
import { answerOf, collect, deltasOf, reasoningOf, viaAiSdk, viaOpenAIClient } from './helpers';

const turnText = (index: number): string => {
  const message = DEMO_CONVERSATION[index]?.output.find((item) => item.type === 'message');
  return (message?.['content'] as { text: string }[]).map((part) => part.text).join('');
};
const turnReasoning = (index: number): string => {
  const reasoning = DEMO_CONVERSATION[index]?.output.find((item) => item.type === 'reasoning');
  return (reasoning?.['summary'] as { text: string }[]).map((part) => part.text).join('');
};

describe.each(['replay', 'passthrough'] as const)('clients over loopback, %s mode', (mode) => {
  const servers: ResponsesServer[] = [];

  /** The server clients talk to; in passthrough, it relays a second (replay) server. */
  async function start(shape: 'streamed' | 'final-only'): Promise<ResponsesServer> {
    if (mode === 'replay') {
      const server = await createResponsesServer({ shape });
      servers.push(server);
      return server;
    }
    const upstream = await createResponsesServer();
    servers.push(upstream);
    const proxy = await createResponsesServer({ upstream: upstream.url, keyEnv: 'RESPONSES_RX_TEST_UNSET_KEY', shape });
    servers.push(proxy);
    return proxy;
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it.each([0, 1, 2])('gives all three clients the same text for demo turn %i, streamed', async (turn) => {
    const server = await start('streamed');
    const model = `demo-turn-${turn + 1}`;
    const rx = await collect(streamResponse({ model, input: 'hi' }, { baseURL: server.url, apiKey: 'test' }));
    const openai = await viaOpenAIClient(server.url, model);
    const aiSdk = await viaAiSdk(server.url, model);

    expect(rx.error).toBeUndefined();
    expect(deltasOf(rx.values)).toBe(turnText(turn));
    expect(answerOf(rx.values)).toBe(turnText(turn));
    expect(reasoningOf(rx.values)).toBe(turnReasoning(turn));
    expect(openai.deltaText).toBe(turnText(turn));
    expect(openai.itemDoneText).toBe(turnText(turn));
    expect(aiSdk.errors).toEqual([]);
    expect(aiSdk.text).toBe(turnText(turn));
    expect(aiSdk.reasoning).toBe(turnReasoning(turn));
  });

  it('shows what each client makes of a final-only provider: only responses-rx keeps the answer and the reasoning', async () => {
    const server = await start('final-only');
    const rx = await collect(
      streamResponse({ model: 'demo-turn-1', input: 'hi' }, { baseURL: server.url, apiKey: 'test' }),
    );
    const openai = await viaOpenAIClient(server.url, 'demo-turn-1');
    const aiSdk = await viaAiSdk(server.url, 'demo-turn-1');

    // responses-rx: no deltas, but the message arrives whole and the reasoning is recovered from response.completed.
    expect(rx.completed).toBe(true);
    expect(deltasOf(rx.values)).toBe('');
    expect(answerOf(rx.values)).toBe(turnText(0));
    expect(reasoningOf(rx.values)).toBe(turnReasoning(0));
    expect(
      rx.values
        .filter((e) => e.type === 'outputItemDone')
        .map((e) => e.type === 'outputItemDone' && [e.item.type, e.recovered]),
    ).toEqual([
      ['message', false],
      ['reasoning', true],
    ]);

    // openai: relays the raw events; no deltas, the text only inside response.output_item.done, no output_text helper.
    expect(openai.types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(openai.deltaText).toBe('');
    expect(openai.itemDoneText).toBe(turnText(0));
    expect(openai.completedOutputText).toBeUndefined();

    // AI SDK: a text-end with no text-start and no delta; the answer and the reasoning are lost, without an error.
    expect(aiSdk.types).toEqual(['stream-start', 'response-metadata', 'text-end', 'finish']);
    expect(aiSdk.text).toBe('');
    expect(aiSdk.reasoning).toBe('');
    expect(aiSdk.errors).toEqual([]);
  });
});
