/**
 * Faults the embedded server can inject, to reproduce on a laptop what networks and providers do in production.
 *
 * @module
 */

/**
 * One fault of the embedded server, applied to every streamed answer:
 * - `drop-completed`: end the response (cleanly) just before `response.completed`; nothing after it is sent.
 * - `stall-after`: after `events` events, send nothing more and keep the connection open (until the client or
 *   `server.close()` closes it).
 * - `chunk`: write the SSE bytes `bytes` at a time, each write separate, splitting lines and UTF-8 characters.
 * - `malformed`: corrupt the event at 0-based position `event` (after shaping) by cutting its JSON's last character.
 * - `http-error`: answer `status` with an OpenAI error body and a `retry-after` header, instead of a stream. Typed
 *   extras: `on: 'retrieve'` answers the stream requests of background responses (`GET …/responses/{id}?stream=true`,
 *   what a resume sends) instead of `POST /responses`; `times` limits it to the first N such requests.
 * - `drop-after`: after `events` events, close the connection (TCP FIN) without ending the HTTP answer: the client
 *   sees the stream end early. Counted per connection, so a resumed stream is dropped again after `events` more.
 * - `reset-after`: after `events` events, reset the connection (TCP RST). Counted per connection.
 */
export type Fault =
  | { readonly kind: 'drop-completed' }
  | { readonly kind: 'stall-after'; readonly events: number }
  | { readonly kind: 'chunk'; readonly bytes: number }
  | { readonly kind: 'malformed'; readonly event?: number }
  | {
      readonly kind: 'http-error';
      readonly status: number;
      readonly retryAfterSeconds?: number;
      readonly on?: 'create' | 'retrieve';
      readonly times?: number;
    }
  | { readonly kind: 'drop-after'; readonly events: number }
  | { readonly kind: 'reset-after'; readonly events: number };

/** The `kind` of a {@link Fault}. */
export type FaultKind = Fault['kind'];

/** Every {@link FaultKind}. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'drop-completed',
  'stall-after',
  'chunk',
  'malformed',
  'http-error',
  'drop-after',
  'reset-after',
];

/** The event a `malformed` fault corrupts when it names none: the second one, right after `response.created`. */
export const DEFAULT_MALFORMED_EVENT = 1;

/** The `retry-after` an `http-error` fault sends when it names none, in seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

const FORMS =
  'drop-completed, stall-after=N, chunk=N, malformed[=N], http-error=STATUS[:RETRY_AFTER_SECONDS], drop-after=N, ' +
  'reset-after=N';

/**
 * Parses the string form of a fault, as the CLI takes it: `drop-completed`, `stall-after=3`, `chunk=1`, `malformed`,
 * `malformed=4`, `http-error=429` or `http-error=503:5` (status, then `retry-after` seconds), `drop-after=5`,
 * `reset-after=5`.
 *
 * ## Example
 * ```ts
 * import { createResponsesServer, parseFault } from 'responses-rx/server';
 *
 * const server = await createResponsesServer({ fault: parseFault('stall-after=3') });
 * ```
 *
 * @param text the fault, as typed on a command line.
 * @returns the typed fault.
 * @throws TypeError naming the accepted forms when `text` is none of them.
 */
export function parseFault(text: string): Fault {
  // `stall-after=` (no number) is matched too, so the error says the number is missing rather than the fault unknown.
  const match = /^\s*([a-z-]+)\s*(?:=\s*(\S*?))?\s*$/.exec(text);
  const kind = match?.[1];
  const value = match?.[2];
  const integer = (raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
    const number = Number(raw);
    return number >= min ? number : undefined;
  };
  const fail = (why: string): never => {
    throw new TypeError(`Invalid fault ${JSON.stringify(text)}: ${why}. Accepted forms: ${FORMS}`);
  };
  switch (kind) {
    case 'drop-completed':
      return value === undefined ? { kind } : fail('drop-completed takes no value');
    case 'stall-after': {
      const events = integer(value, 0);
      return events === undefined ? fail('stall-after needs a number of events, e.g. stall-after=3') : { kind, events };
    }
    case 'drop-after':
    case 'reset-after': {
      const events = integer(value, 0);
      return events === undefined ? fail(`${kind} needs a number of events, e.g. ${kind}=5`) : { kind, events };
    }
    case 'chunk': {
      const bytes = integer(value, 1);
      return bytes === undefined ? fail('chunk needs a positive number of bytes, e.g. chunk=1') : { kind, bytes };
    }
    case 'malformed': {
      if (value === undefined) return { kind };
      const event = integer(value, 0);
      return event === undefined ? fail('malformed takes an event index, e.g. malformed=4') : { kind, event };
    }
    case 'http-error': {
      const [statusText, retryText] = (value ?? '').split(':');
      const status = integer(statusText, 400);
      if (status === undefined || status > 599)
        return fail('http-error needs a status from 400 to 599, e.g. http-error=429');
      if (retryText === undefined) return { kind, status };
      const retryAfterSeconds = integer(retryText, 0);
      return retryAfterSeconds === undefined
        ? fail('the retry-after of http-error must be whole seconds')
        : { kind, status, retryAfterSeconds };
    }
    default:
      return fail('unknown fault');
  }
}

/**
 * Checks a typed fault, so a bad one is reported when the server is created rather than on the first request.
 *
 * ## Example
 * ```ts
 * import { validateFault } from 'responses-rx/server';
 *
 * validateFault({ kind: 'chunk', bytes: 1 }); // returns it
 * validateFault({ kind: 'chunk', bytes: 0 }); // throws TypeError
 * ```
 *
 * @param fault the fault to check.
 * @returns the same fault.
 * @throws TypeError for an unknown kind or an out-of-range number.
 */
export function validateFault(fault: Fault): Fault {
  const bad = (why: string): never => {
    throw new TypeError(`Invalid fault ${JSON.stringify(fault)}: ${why}`);
  };
  const isInt = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min;
  switch (fault?.kind) {
    case 'drop-completed':
      return fault;
    case 'stall-after':
    case 'drop-after':
    case 'reset-after':
      return isInt(fault.events, 0) ? fault : bad('events must be an integer >= 0');
    case 'chunk':
      return isInt(fault.bytes, 1) ? fault : bad('bytes must be an integer >= 1');
    case 'malformed':
      return fault.event === undefined || isInt(fault.event, 0) ? fault : bad('event must be an integer >= 0');
    case 'http-error':
      if (!isInt(fault.status, 400) || fault.status > 599) return bad('status must be from 400 to 599');
      if (fault.on !== undefined && fault.on !== 'create' && fault.on !== 'retrieve')
        return bad("on must be 'create' or 'retrieve'");
      if (fault.times !== undefined && !isInt(fault.times, 1)) return bad('times must be an integer >= 1');
      return fault.retryAfterSeconds === undefined || isInt(fault.retryAfterSeconds, 0)
        ? fault
        : bad('retryAfterSeconds must be an integer >= 0');
    default:
      return bad(`unknown kind; expected one of ${FAULT_KINDS.join(', ')}`);
  }
}

/**
 * The OpenAI error body an `http-error` fault sends for a status; a 429 says to try again in the same number of seconds
 * as its `retry-after` header.
 *
 * @internal
 */
export function faultErrorBody(
  status: number,
  retryAfterSeconds: number = DEFAULT_RETRY_AFTER_SECONDS,
): {
  error: { message: string; type: string; param: null; code: string };
} {
  const [type, code, message] =
    status === 429
      ? [
          'requests',
          'rate_limit_exceeded',
          `Rate limit reached (injected by the responses-rx server). Please try again in ${retryAfterSeconds}s.`,
        ]
      : status >= 500
        ? [
            'server_error',
            'server_error',
            'The server had an error while processing your request (injected by the responses-rx server).',
          ]
        : status === 401
          ? [
              'invalid_request_error',
              'invalid_api_key',
              'Incorrect API key provided (injected by the responses-rx server).',
            ]
          : [
              'invalid_request_error',
              'invalid_request_error',
              `Bad request (HTTP ${status}, injected by the responses-rx server).`,
            ];
  return { error: { message, type, param: null, code } };
}

/**
 * What the faults make of the next event of one answer (the same rules over HTTP and over a WebSocket):
 * - `send`: send it, its JSON cut short when `malformed`, in writes of `chunkBytes` when set;
 * - `drop-completed`: it is the `response.completed` the fault drops: end the answer without it;
 * - `stall`: send nothing more, keep the connection open;
 * - `drop-after` / `reset-after`: cut the connection (FIN / RST).
 *
 * @internal
 */
export type FaultStep =
  | { readonly action: 'send'; readonly malformed: boolean; readonly chunkBytes: number | undefined }
  | { readonly action: 'drop-completed' | 'stall' | 'drop-after' | 'reset-after' };

const SEND: FaultStep = { action: 'send', malformed: false, chunkBytes: undefined };

/**
 * Decides what `faults` make of an event of type `eventType` when `sent` events of the answer are out already.
 *
 * @internal
 */
export function faultStep(faults: readonly Fault[], sent: number, eventType: string): FaultStep {
  if (faults.length === 0) return SEND;
  if (eventType === 'response.completed' && faults.some((fault) => fault.kind === 'drop-completed'))
    return { action: 'drop-completed' };
  const stall = faults.find((fault) => fault.kind === 'stall-after');
  if (stall !== undefined && sent >= stall.events) return { action: 'stall' };
  const cut = faults.find((fault) => fault.kind === 'drop-after' || fault.kind === 'reset-after');
  if (cut !== undefined && sent >= cut.events) return { action: cut.kind };
  const malformed = faults.find((fault) => fault.kind === 'malformed');
  const chunk = faults.find((fault) => fault.kind === 'chunk');
  return {
    action: 'send',
    malformed: malformed !== undefined && sent === (malformed.event ?? DEFAULT_MALFORMED_EVENT),
    chunkBytes: chunk?.bytes,
  };
}
