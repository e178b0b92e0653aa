/**
 * Helpers shared by the HTTP and server specs: collecting an Observable, running a throwaway raw HTTP server, and
 * reading the answer text the way each client (responses-rx, openai, the AI SDK) exposes it.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import OpenAI from 'openai';
import { streamText } from 'ai';
import type { ResponseEvent } from '../../lib';

export { type Collected, collect } from '../support';

/** The assistant text a responses-rx consumer reads: every message item, delivered exactly once. */
export function answerOf(events: readonly ResponseEvent[]): string {
  return events
    .flatMap((event) => (event.type === 'outputItemDone' && event.item.type === 'message' ? [event.item] : []))
    .flatMap((item) =>
      (item['content'] as { type: string; text?: string }[]).filter((part) => part.type === 'output_text'),
    )
    .map((part) => part.text ?? '')
    .join('');
}

/** The reasoning summaries a responses-rx consumer reads. */
export function reasoningOf(events: readonly ResponseEvent[]): string {
  return events
    .flatMap((event) => (event.type === 'outputItemDone' && event.item.type === 'reasoning' ? [event.item] : []))
    .flatMap((item) => item['summary'] as { text: string }[])
    .map((part) => part.text)
    .join('');
}

/** The text deltas a responses-rx consumer reads. */
export function deltasOf(events: readonly ResponseEvent[]): string {
  return events.map((event) => (event.type === 'outputTextDelta' ? event.delta : '')).join('');
}

/** A raw `node:http` server on loopback, for answers the embedded server never gives (JSON 200, HTML, silence). */
export interface RawServer {
  readonly url: string;
  readonly requests: {
    method: string | undefined;
    url: string | undefined;
    headers: IncomingMessage['headers'];
    body: string;
  }[];
  close(): Promise<void>;
}

export async function rawServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<RawServer> {
  const requests: RawServer['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What the official `openai` client yields for a streamed `responses.create`. */
export interface OpenAIClientResult {
  readonly types: string[];
  /** The concatenated `response.output_text.delta` deltas. */
  readonly deltaText: string;
  /** The text of the assistant messages in `response.output_item.done` events. */
  readonly itemDoneText: string;
  /** The `response.completed` event's `response.output_text` convenience field. */
  readonly completedOutputText: string | undefined;
}

export async function viaOpenAIClient(baseURL: string, model: string, input = 'hi'): Promise<OpenAIClientResult> {
  const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0 });
  const stream = await client.responses.create({ model, input, stream: true });
  const types: string[] = [];
  let deltaText = '';
  let itemDoneText = '';
  let completedOutputText: string | undefined;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') deltaText += event.delta;
    if (event.type === 'response.output_item.done' && event.item.type === 'message') {
      for (const part of event.item.content) if (part.type === 'output_text') itemDoneText += part.text;
    }
    if (event.type === 'response.completed')
      completedOutputText = (event.response as { output_text?: string }).output_text;
  }
  return { types, deltaText, itemDoneText, completedOutputText };
}

/** What the AI SDK's OpenAI Responses model yields from `doStream`. */
export interface AiSdkResult {
  readonly types: string[];
  readonly text: string;
  readonly reasoning: string;
  readonly errors: unknown[];
}

export async function viaAiSdk(baseURL: string, model: string, input = 'hi'): Promise<AiSdkResult> {
  const languageModel = createOpenAI({ baseURL, apiKey: 'test' }).responses(model);
  const { stream } = await languageModel.doStream({
    prompt: [{ role: 'user', content: [{ type: 'text', text: input }] }],
  });
  const types: string[] = [];
  const errors: unknown[] = [];
  let text = '';
  let reasoning = '';
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    types.push(value.type);
    if (value.type === 'text-delta') text += value.delta;
    if (value.type === 'reasoning-delta') reasoning += value.delta;
    if (value.type === 'error') errors.push(value.error);
  }
  return { types, text, reasoning, errors };
}

/** What the official `openai` client's `responses.stream()` helper gives: its final response, or the error it threw. */
export interface OpenAIStreamResult {
  /** The text of the final response's messages (`output_text`). */
  readonly text: string;
  /** The final response's reasoning summaries. */
  readonly reasoning: string;
  /** The types of the final response's output items, in order. */
  readonly outputTypes: string[];
  /** The error message when the helper threw. */
  readonly error: string | undefined;
}

export async function viaOpenAIStream(baseURL: string, model: string, input = 'hi'): Promise<OpenAIStreamResult> {
  const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0 });
  try {
    const final = await client.responses.stream({ model, input }).finalResponse();
    const reasoning = final.output
      .flatMap((item) => (item.type === 'reasoning' ? item.summary.map((part) => part.text) : []))
      .join('');
    return { text: final.output_text, reasoning, outputTypes: final.output.map((item) => item.type), error: undefined };
  } catch (error) {
    return { text: '', reasoning: '', outputTypes: [], error: (error as Error).message };
  }
}

/** What the AI SDK's `streamText` yields from the OpenAI Responses model. */
export interface StreamTextResult {
  readonly text: string;
  readonly reasoning: string;
  readonly errors: unknown[];
}

export async function viaStreamText(baseURL: string, model: string, input = 'hi'): Promise<StreamTextResult> {
  const errors: unknown[] = [];
  const result = streamText({
    model: createOpenAI({ baseURL, apiKey: 'test' }).responses(model),
    prompt: input,
    maxRetries: 0,
    onError: ({ error }) => {
      errors.push(error);
    },
  });
  let text = '';
  let reasoning = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
  }
  return { text, reasoning, errors };
}
