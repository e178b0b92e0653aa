/**
 * What the embedded server replays: recordings on disk (`.sse`, or one JSON event per line in `.jsonl` / `.txt`),
 * wire events in memory, a folder of recordings chosen by model, or the bundled demo conversation.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fromSSE } from '../sse/fromSSE';
import type { WireJson } from '../wire/json';
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
 * - a path: that recording (`.sse`, else one JSON event per line), for every request;
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
 * Reads a recording: an `.sse` file (SSE framing, `event:` names ignored) or, for any other extension, one JSON event
 * per line (`.jsonl`, `.txt`, the recorded fixtures' `.chunks.txt`). Data that is not a JSON event is kept as a raw
 * string, so a corrupt line is replayed as it was recorded.
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
 */
export async function loadRecording(path: string): Promise<ReplayEvents> {
  const text = await readFile(path, 'utf8');
  return extname(path).toLowerCase() === '.sse' ? parseSseRecording(text) : parseJsonLines(text);
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
 */
export function parseSseRecording(text: string): ReplayEvents {
  const events: (WireJson | string)[] = [];
  fromSSE(text).subscribe((message) => {
    if (message.type === 'event') events.push(toReplayEvent(message.data));
  });
  return events;
}

/**
 * Checks a replay source when the server is created: paths and folders must exist, maps must not be empty.
 *
 * @throws TypeError for a source of the wrong shape, or a missing file or folder.
 * @internal
 */
export async function validateReplaySource(source: ReplaySource): Promise<void> {
  if (typeof source === 'function' || Array.isArray(source)) return;
  if (typeof source === 'string') return expectPath(source, 'file');
  if (typeof source !== 'object' || source === null)
    throw new TypeError(`replay: unsupported source ${String(source)}`);
  if ('demo' in source) return;
  if ('dir' in source) {
    await expectPath(source.dir, 'directory');
  } else if ('models' in source) {
    const entries = Object.entries(source.models);
    if (entries.length === 0) throw new TypeError('replay: `models` maps no model to a recording');
    for (const [, recording] of entries) if (typeof recording === 'string') await expectPath(recording, 'file');
  } else {
    throw new TypeError(
      'replay: expected a path, an array of events, { dir }, { models }, { demo: true } or a function',
    );
  }
  if (source.fallback !== undefined) await validateReplaySource(source.fallback);
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

async function expectPath(path: string, kind: 'file' | 'directory'): Promise<void> {
  let found: boolean;
  try {
    const info = await stat(path);
    found = kind === 'file' ? info.isFile() : info.isDirectory();
  } catch {
    found = false;
  }
  if (!found) throw new TypeError(`replay: no such ${kind}: ${path}`);
}
