/**
 * One SSE `data` string to one validated wire event.
 *
 * @module
 */
import { MalformedEventError, ProtocolMismatchError, ResponseFailedError, type ServerErrorObject } from '../errors';
import { passesFastCheck } from './fastChecks';
import { type WireEvent, isKnownWireEventType, wireEventIssues } from './schemas';

/** Any JSON event object with a string `type`, before validation. */
export interface RawWireEvent {
  readonly type: string;
  readonly sequence_number?: unknown;
  readonly [key: string]: unknown;
}

/**
 * Parses and validates the `data` of one SSE event. The JSON `type` decides the event, never the SSE `event:` name.
 *
 * @returns the event as received (the same object `JSON.parse` produced), or `undefined` for data to ignore:
 *   `[DONE]`, and events of a type responses-rx does not read.
 * @throws MalformedEventError when the data is not a JSON object with a string `type`, or a known event lacks a field
 *   responses-rx needs.
 * @throws ProtocolMismatchError when the data is a Chat Completions chunk.
 * @throws ResponseFailedError when the data is an error object without a `type` (`{"error":{…}}`), vLLM's
 *   `{"object":"error",…}`, or (with `midStream`) a Chat Completions chunk carrying an `error`.
 */
export function parseWireEvent(data: string, midStream = false): WireEvent | undefined {
  const raw = parseRawWireEvent(data, midStream);
  return raw === undefined ? undefined : validateWireEvent(raw, data);
}

/**
 * First half of {@link parseWireEvent}: JSON with a string `type`, not yet validated. An object without a `type` that
 * carries an `error` is the server (or a gateway's upstream) failing: `ResponseFailedError` with its code and message.
 * A Chat Completions chunk is a `ProtocolMismatchError`, unless it carries an `error` after Responses events came
 * (`midStream`): then a Chat-to-Responses bridge is relaying its upstream's failure.
 *
 * @param midStream true once a Responses event was read from this stream.
 * @returns the parsed object, or `undefined` for `[DONE]`.
 */
export function parseRawWireEvent(data: string, midStream = false): RawWireEvent | undefined {
  if (data === '[DONE]') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (cause) {
    throw new MalformedEventError({ raw: data, reason: 'the data is not valid JSON', cause });
  }
  return checkRawWireEvent(json, data, midStream);
}

/**
 * The checks of {@link parseRawWireEvent} on data already parsed (a WebSocket message, parsed once to route it).
 *
 * @param json what `JSON.parse(data)` returned.
 * @param data the text it was parsed from, quoted in errors.
 * @param midStream true once a Responses event was read from this stream.
 * @returns the object, as a raw wire event.
 * @throws what {@link parseRawWireEvent} throws for JSON that is not a Responses event.
 */
export function checkRawWireEvent(json: unknown, data: string, midStream: boolean): RawWireEvent {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MalformedEventError({ raw: data, reason: 'the data is not a JSON object' });
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') {
    const error = serverErrorOf((json as { error?: unknown }).error);
    if (looksLikeChatCompletions(json)) {
      if (midStream && error !== undefined) throw ResponseFailedError.from(error, { source: 'chat.completion.chunk' });
      throw new ProtocolMismatchError({ detected: 'Chat Completions', raw: data });
    }
    if (error !== undefined) throw ResponseFailedError.from(error, { source: 'error' });
    throw new MalformedEventError({ raw: data, reason: 'the event has no string "type"' });
  }
  return json as RawWireEvent;
}

/**
 * Second half of {@link parseWireEvent}: checks a known event against its schema.
 *
 * @param raw the parsed event.
 * @param data the SSE data it came from, quoted in errors.
 * @returns the same object, typed, or `undefined` when its type is not one responses-rx reads.
 */
export function validateWireEvent(raw: RawWireEvent, data: string): WireEvent | undefined {
  const type = raw.type;
  // The hand-written fast check passes exactly what the type's schema passes, without zod's per-field
  // copying; what it does not pass goes to zod, which decides and words the error (spec/wire/fastChecks.spec.ts).
  if (passesFastCheck(raw, type)) return raw as unknown as WireEvent;
  if (!isKnownWireEventType(type)) {
    // vLLM's error object: `{"object":"error","type":"BadRequestError","message":…,"code":400}`.
    if (raw['object'] === 'error') throw ResponseFailedError.from(serverErrorOf(raw), { source: 'error' });
    return undefined;
  }
  const issues = wireEventIssues(type, raw);
  if (issues !== undefined) {
    throw new MalformedEventError({
      raw: data,
      eventType: type,
      issues,
      reason: issues
        .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
        .join('; '),
    });
  }
  return raw as unknown as WireEvent;
}

/** The server's error object in an `error` field: an object with a code, message or type, or a bare message. */
function serverErrorOf(value: unknown): ServerErrorObject | undefined {
  if (typeof value === 'string') return { message: value };
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof record[key] === 'string' ? (record[key] as string) : undefined;
  const code = record['code'];
  const error = {
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    message: text('message'),
    type: text('type'),
  };
  return error.code === undefined && error.message === undefined && error.type === undefined ? undefined : error;
}

function looksLikeChatCompletions(json: object): boolean {
  const object = (json as { object?: unknown }).object;
  return (
    object === 'chat.completion.chunk' ||
    object === 'chat.completion' ||
    Array.isArray((json as { choices?: unknown }).choices)
  );
}
