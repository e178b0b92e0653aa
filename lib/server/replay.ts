/**
 * What the embedded server replays: recordings on disk (SSE, or one JSON event per line; told apart by content),
 * wire events in memory, a folder of recordings chosen by model, or the bundled demo conversation.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidRecordingError, ProtocolMismatchError, ResponseFailedError } from '../errors';
import { fromSSE } from '../sse/fromSSE';
import { parseApiError } from '../sse/responseBody';
import { type WireJson, isStreamEventJson } from '../wire/json';
import { parseJsonLines } from './sseText';
import { demoTurnEvents, demoTurnIndex } from './conversation';

/**
 * One replayable stream: wire events, in order. A `string` entry is sent as the raw SSE data of one event (keep a
 * recording's malformed line as it is, or send `[DONE]`).
 */
export type ReplayEvents = readonly (WireJson | string)[];

/** The parsed body of a request to the server (at least an object; `model` and `input` as the client sent them). */
export interface ResponsesRequest {
  readonly model?: unknown;
  readonly input?: unknown;
  readonly previous_response_id?: unknown;
  readonly [key: string]: unknown;
}

/**
 * What the server replays. The stream is chosen per request:
 * - a path: that recording (SSE or one JSON event per line), for every request; a folder's path is `{ dir }`;
 * - an array: those wire events, for every request;
 * - `{ dir }`: the file `<dir>/<model>.sse`, `.jsonl` or `.txt` for the request's `model` (404 `model_not_found` when
 *   there is none), else `fallback` when given;
 * - `{ models }`: a map from model name to a path or events, else `fallback`;
 * - `{ demo: true }`: the bundled demo conversation, turn chosen by {@link demoTurnIndex} (the default);
 * - a function: your own choice from the request; return `undefined` for 404.
 */
export type ReplaySource =
  | string
  | ReplayEvents
  | { readonly dir: string; readonly fallback?: ReplaySource }
  | { readonly models: Readonly<Record<string, string | ReplayEvents>>; readonly fallback?: ReplaySource }
  | { readonly demo: true }
  | ((request: ResponsesRequest) => ReplayEvents | undefined | Promise<ReplayEvents | undefined>);

/** The replay source used when neither `replay` nor `upstream` is given: the demo conversation. */
export const DEMO_REPLAY: ReplaySource = { demo: true };

const RECORDING_EXTENSIONS = ['.sse', '.jsonl', '.txt'];

/**
 * Reads a recording, whatever its file name: Server-Sent Events (`event:` / `data:` lines, as a streamed answer
 * arrives; `event:` names ignored) or one JSON event per line (`.jsonl`, the recorded fixtures' `.chunks.txt`). The
 * format is told from the content (see {@link detectRecordingFormat}). In a JSON-lines recording, a line that is not a
 * JSON event is kept as a raw string, so a corrupt line is replayed as it was recorded.
 *
 * ## Example
 * ```ts
 * import { loadRecording, createResponsesServer } from 'responses-rx/server';
 *
 * const events = await loadRecording('conversation.sse');
 * const server = await createResponsesServer({ replay: events });
 * ```
 *
 * @param path the recording's path.
 * @returns its events, in order.
 * @throws InvalidRecordingError (as a rejection) when the file holds no Responses stream: an HTML page, a plain JSON
 *   body, text without SSE events, or nothing; ResponseFailedError (`source: 'error body'`) when it holds the API's
 *   error object (`{ "error": { message, code } }`, what a failed request records), as `responseEvents` reads such a
 *   body; the error of `readFile` when it cannot be read.
 */
export async function loadRecording(path: string): Promise<ReplayEvents> {
  return parseRecording(await readFile(path, 'utf8'), path);
}

/**
 * Parses the text of a recording (see {@link loadRecording}).
 *
 * ## Example
 * ```ts
 * import { parseRecording } from 'responses-rx/server';
 *
 * parseRecording('{"type":"response.created"}\n{"type":"response.completed"}\n'); // two events
 * ```
 *
 * @param text the recording.
 * @param path where it came from, named in the error.
 * @returns its events, in order.
 * @throws InvalidRecordingError when the text holds no Responses stream; ResponseFailedError when it is the API's
 *   error body (see {@link loadRecording}).
 */
export function parseRecording(input: string, path?: string): ReplayEvents {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // an editor's BOM
  const events = detectRecordingFormat(text) === 'jsonl' ? parseJsonLines(text) : parseSseRecording(text, path);
  if (events.length === 0) {
    const firstLine = firstNonBlankLine(text);
    throw new InvalidRecordingError({
      path,
      detected: firstLine === undefined ? 'nothing' : 'text without SSE events',
      ...(firstLine === undefined ? {} : { firstLine }),
    });
  }
  return events;
}

/**
 * Tells the two recording formats apart by content: `'jsonl'` when the first non-blank line is a Responses stream event
 * as JSON (its `type` is `response.*` or `error`: one JSON event per line), else `'sse'` (where a JSON body, such as a
 * one-line `package.json`, is refused as `plain JSON`).
 *
 * ## Example
 * ```ts
 * import { detectRecordingFormat } from 'responses-rx/server';
 *
 * detectRecordingFormat('event: response.created\ndata: {}\n\n'); // 'sse'
 * detectRecordingFormat('{"type":"response.created"}\n'); // 'jsonl'
 * ```
 */
export function detectRecordingFormat(text: string): 'sse' | 'jsonl' {
  const line = firstNonBlankLine(text)?.trim();
  if (line === undefined || !line.startsWith('{')) return 'sse';
  try {
    return isStreamEventJson(JSON.parse(line)) ? 'jsonl' : 'sse';
  } catch {
    return 'sse';
  }
}

function firstNonBlankLine(text: string): string | undefined {
  const match = /^[\s\uFEFF]*([^\r\n]+)/.exec(text.slice(0, 64 * 1024));
  return match?.[1];
}

/**
 * Parses SSE text into the events it carries (the JSON `data` of each event; non-JSON data kept as a string).
 *
 * ## Example
 * ```ts
 * import { parseSseRecording } from 'responses-rx/server';
 *
 * parseSseRecording('event: response.created\ndata: {"type":"response.created"}\n\n'); // [{ type: 'response.created' }]
 * ```
 *
 * @throws InvalidRecordingError when the text is an HTML page or a plain JSON body (an empty result otherwise);
 *   ResponseFailedError (`source: 'error body'`) when that JSON body is the API's error object, read as an HTTP answer's
 *   error body is.
 */
export function parseSseRecording(text: string, path?: string): ReplayEvents {
  const events: (WireJson | string)[] = [];
  let failure: unknown;
  fromSSE(text).subscribe({
    next: (message) => {
      if (message.type === 'event') events.push(toReplayEvent(message.data));
    },
    error: (error: unknown) => (failure = error),
  });
  if (failure instanceof ProtocolMismatchError) {
    // A failed request recorded (curl saves the error body): the API's own code and message, as an answer's body is read.
    const apiError = failure.detected === 'plain JSON' ? parseApiError(text) : undefined;
    if (apiError !== undefined) throw ResponseFailedError.from(apiError, { source: 'error body' });
    throw new InvalidRecordingError({ path, detected: failure.detected, firstLine: failure.raw, cause: failure });
  }
  if (failure !== undefined) throw failure;
  return events;
}

/**
 * Checks a replay source when the server is created, and returns it ready to use: a path that names a folder becomes
 * `{ dir }`; a recording named by path is read once now, so a file that is not a recording fails here rather than on
 * the first request; maps must not be empty.
 *
 * @throws TypeError for a source of the wrong shape, or a missing file or folder; InvalidRecordingError for a file
 *   that holds no Responses stream.
 * @internal
 */
export async function validateReplaySource(source: ReplaySource): Promise<ReplaySource> {
  if (typeof source === 'function' || Array.isArray(source)) return source;
  if (typeof source === 'string') {
    if ((await kindOf(source)) === 'directory') return { dir: source };
    await expectPath(source, 'file');
    await loadRecording(source);
    return source;
  }
  if (typeof source !== 'object' || source === null)
    throw new TypeError(`replay: unsupported source ${String(source)}`);
  if ('demo' in source) return source;
  if ('dir' in source) {
    await expectPath(source.dir, 'directory');
  } else if ('models' in source) {
    const entries = Object.entries(source.models);
    if (entries.length === 0) throw new TypeError('replay: `models` maps no model to a recording');
    for (const [, recording] of entries) {
      if (typeof recording !== 'string') continue;
      await expectPath(recording, 'file');
      await loadRecording(recording);
    }
  } else {
    throw new TypeError(
      'replay: expected a path, an array of events, { dir }, { models }, { demo: true } or a function',
    );
  }
  return source.fallback === undefined ? source : { ...source, fallback: await validateReplaySource(source.fallback) };
}

/**
 * The events to replay for one request, or `undefined` when the source has none for it (the server answers 404).
 *
 * @internal
 */
export async function resolveReplay(
  source: ReplaySource,
  request: ResponsesRequest,
): Promise<ReplayEvents | undefined> {
  if (typeof source === 'function') return source(request);
  if (typeof source === 'string') return loadRecording(source);
  if (isReplayEvents(source)) return source;
  if ('demo' in source) return demoTurnEvents(demoTurnIndex(request));
  const model = typeof request.model === 'string' ? request.model : undefined;
  if ('dir' in source) {
    // The model names a file inside the folder, never a path out of it.
    if (model !== undefined && /^[\w.-]+$/.test(model) && !model.startsWith('.')) {
      for (const extension of RECORDING_EXTENSIONS) {
        const path = join(source.dir, `${model}${extension}`);
        if (await isFile(path)) return loadRecording(path);
      }
    }
  } else {
    const recording = model === undefined || !Object.hasOwn(source.models, model) ? undefined : source.models[model];
    if (recording !== undefined) return typeof recording === 'string' ? loadRecording(recording) : recording;
  }
  return source.fallback === undefined ? undefined : resolveReplay(source.fallback, request);
}

function toReplayEvent(data: string): WireJson | string {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as WireJson).type === 'string'
      ? (value as WireJson)
      : data;
  } catch {
    return data;
  }
}

function isReplayEvents(source: ReplaySource): source is ReplayEvents {
  return Array.isArray(source);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function kindOf(path: string): Promise<'file' | 'directory' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

async function expectPath(path: string, kind: 'file' | 'directory'): Promise<void> {
  if ((await kindOf(path)) !== kind) throw new TypeError(`replay: no such ${kind}: ${path}`);
}
