/**
 * Recordings as a newcomer makes them: saved under any name, sometimes not a stream at all (a login page, a JSON error
 * body, an empty file). A file that is not a recording is a typed error — never an empty replay, never a dead process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRecordingError, ResponseFailedError } from '../../lib';
import { streamResponse } from '../../lib/http';
import {
  type ResponsesServer,
  createResponsesServer,
  detectRecordingFormat,
  loadRecording,
  parseRecording,
} from '../../lib/server';
import { items, streamedEvents, toSseText } from '../../lib/testing';
import { answerOf, collect } from './helpers';

let dir: string;
const servers: ResponsesServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'responses-rx-recordings-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const events = streamedEvents([items.message('msg_1', 'From a file')], { responseId: 'resp_file' });
const file = async (name: string, text: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

const NOT_RECORDINGS: [string, string, string][] = [
  ['an HTML page', 'page.sse', '<!doctype html>\n<html><body>Sign in</body></html>\n'],
  ['a plain JSON body', 'body.sse', '{\n  "name": "app",\n  "private": true\n}\n'],
  ['a one-line package.json (a string type, not an event)', 'package.json', '{"name":"app","type":"module"}\n'],
  ['a one-line JSON output item', 'item.json', '{"id":"msg_1","type":"message","role":"assistant","content":[]}\n'],
  ['text without SSE events', 'notes.txt', 'hello world\nthis is not a stream\n'],
  ['nothing', 'empty.sse', ''],
];

/** A failed request recorded: the API's error body, read as the library reads one (a `ResponseFailedError`). */
const API_ERROR_BODIES: [string, string, string, string | undefined][] = [
  [
    'a pretty-printed JSON error body',
    'body.sse',
    '{\n  "error": { "message": "Invalid API key", "code": "invalid_api_key" }\n}\n',
    'invalid_api_key',
  ],
  ['a one-line JSON error body', 'error.json', '{"error":{"message":"Invalid API key"}}\n', undefined],
];

describe('loadRecording', () => {
  it.each(API_ERROR_BODIES)(
    'rejects %s with the ResponseFailedError its body says',
    async (_what, name, text, serverCode) => {
      const error = await loadRecording(await file(name, text)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseFailedError);
      expect(error).toMatchObject({
        code: 'response_failed',
        serverCode,
        serverMessage: 'Invalid API key',
        source: 'error body',
      });
    },
  );

  it.each(NOT_RECORDINGS)('rejects %s with InvalidRecordingError', async (_what, name, text) => {
    const path = await file(name, text);
    const error = await loadRecording(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRecordingError);
    expect(error).toMatchObject({ code: 'invalid_recording', path, retryable: false });
    expect((error as Error).message).toContain(path);
  });

  it('leaves the process alive after rejecting an HTML page (no unhandled error)', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(loadRecording(await file('login.sse', '<html>login</html>'))).rejects.toBeInstanceOf(
        InvalidRecordingError,
      );
      // rxjs reports an unhandled error on a later macrotask: give it one.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it.each([
    ['SSE saved as .txt', 'stream.txt', toSseText(events)],
    ['SSE saved with no extension', 'stream', toSseText(events)],
    ['JSON lines saved as .sse', 'lines.sse', events.map((e) => JSON.stringify(e)).join('\n')],
    ['JSON lines with CRLF and a BOM', 'lines.jsonl', `\uFEFF${events.map((e) => JSON.stringify(e)).join('\r\n')}`],
  ])('reads %s by its content', async (_what, name, text) => {
    expect(await loadRecording(await file(name, text))).toEqual(events);
  });

  it('tells the formats apart by content', () => {
    expect(detectRecordingFormat(toSseText(events))).toBe('sse');
    expect(detectRecordingFormat(`${JSON.stringify(events[0])}\n`)).toBe('jsonl');
    expect(detectRecordingFormat('{"error":{}}\n')).toBe('sse'); // a JSON body is no event: read as SSE, then refused
    expect(() => parseRecording('{"error":{}}\n')).toThrow(ResponseFailedError);
    // A JSON-lines recording holds Responses stream events: a `response.*` type, or `error`.
    expect(detectRecordingFormat('{"type":"error","code":"server_error","message":"boom"}\n')).toBe('jsonl');
    expect(detectRecordingFormat('{"type":"response.future_event"}\n')).toBe('jsonl');
    expect(detectRecordingFormat('{"name":"app","type":"module"}\n')).toBe('sse');
    expect(() => parseRecording('{"name":"app","type":"module"}\n', 'package.json')).toThrow(
      expect.objectContaining({ code: 'invalid_recording', detected: 'plain JSON', path: 'package.json' }),
    );
  });
});

describe('the server with a recording that is not one', () => {
  it.each(API_ERROR_BODIES)('refuses to start on %s, with its error', async (_what, name, text) => {
    const path = await file(`serve-${name}`, text);
    await expect(createResponsesServer({ replay: path })).rejects.toBeInstanceOf(ResponseFailedError);
  });

  it.each(NOT_RECORDINGS)('refuses to start on %s', async (_what, name, text) => {
    const path = await file(`serve-${name}`, text);
    await expect(createResponsesServer({ replay: path })).rejects.toBeInstanceOf(InvalidRecordingError);
  });

  it('answers 500 invalid_recording for a bad file in a folder, and keeps serving', async () => {
    const folder = await mkdtemp(join(dir, 'folder-'));
    await writeFile(join(folder, 'broken.sse'), '<html>proxy error</html>');
    await writeFile(join(folder, 'good.txt'), toSseText(events));
    const server = await createResponsesServer({ replay: folder });
    servers.push(server);
    const broken = await collect(streamResponse({ model: 'broken' }, { baseURL: server.url, apiKey: 'k' }));
    expect(broken.error).toMatchObject({ code: 'http_error', status: 500, error: { code: 'invalid_recording' } });
    const good = await collect(streamResponse({ model: 'good' }, { baseURL: server.url, apiKey: 'k' }));
    expect(answerOf(good.values)).toBe('From a file');
  });

  it('serves a folder given as a plain path, choosing the recording by model', async () => {
    const folder = await mkdtemp(join(dir, 'models-'));
    await writeFile(join(folder, 'my-model.sse'), toSseText(events));
    const server = await createResponsesServer({ replay: folder });
    servers.push(server);
    const result = await collect(streamResponse({ model: 'my-model' }, { baseURL: server.url, apiKey: 'k' }));
    expect(answerOf(result.values)).toBe('From a file');
    const missing = await collect(streamResponse({ model: 'other' }, { baseURL: server.url, apiKey: 'k' }));
    expect(missing.error).toMatchObject({ status: 404, error: { code: 'model_not_found' } });
  });
});
