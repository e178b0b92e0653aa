/**
 * WebSocket mode of the Responses API: many responses over one persistent socket, each read through the same
 * exactly-once pipeline as an SSE stream.
 *
 * Wire protocol (OpenAI "WebSocket mode" guide and Responses WebSocket events reference; xAI "WebSocket Mode"): the
 * client opens a WebSocket at `…/v1/responses` (`Authorization: Bearer` on the upgrade request) and sends one
 * `{"type":"response.create", …}` text message per response — the `POST /v1/responses` body without `stream` (implicit)
 * and `background` (not supported); the server answers with the same events as the SSE stream, one JSON text message
 * each. A connection runs its responses one after another; an optional `stream_id` names a lane whose events echo it,
 * so that servers that run lanes side by side can be read over one socket.
 *
 * @module
 */
import { Observable, Subject, type Subscriber, type Subscription, asyncScheduler } from 'rxjs';
import { ConnectionError, StreamClosedError } from '../errors';
import type { ResponseEvent } from '../events';
import { idleTimeout } from '../operators/idleTimeout';
import { normalizeEvents } from '../operators/normalizeEvents';
import { readWireEvents, wireEventsConfig } from '../operators/toWireEvents';
import { DEFAULT_IDLE_TIMEOUT_MS, type ResponseEventsOptions, deliverExactlyOnce } from '../responseEvents';
import type { SseEventMessage } from '../sse/fromSSE';
import { DEFAULT_BASE_URL, environment } from './connection';
import type { ResponsesRequestBody } from './streamResponse';
import { checkDuration } from '../util/duration';

/** One message of the socket as an SSE event, with what `JSON.parse` made of it (parsed once, to route it). */
type SocketMessage = SseEventMessage & { readonly json?: unknown };

/**
 * The part of the WHATWG `WebSocket` that responses-rx uses: the browser's global `WebSocket`, Node 22's, and the
 * `ws` package's all have it.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'error' | 'close', listener: (event: object) => void): void;
}

/**
 * A `WebSocket` class: `new WebSocket(url, protocols, { headers })`. Browsers ignore the third argument (they cannot
 * send an `Authorization` header); the `ws` package sends the headers with the upgrade request.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** Options of {@link responsesSocket}. Every {@link ResponseEventsOptions} option applies to each response. */
export interface ResponsesSocketOptions extends ResponseEventsOptions {
  /**
   * The WebSocket endpoint, e.g. `wss://api.openai.com/v1/responses`; an `http(s)://` URL is read as `ws(s)://`.
   * @defaultValue `${baseURL}/responses` with `ws(s)://`
   */
  readonly url?: string;
  /**
   * The API root the endpoint is derived from when `url` is not given.
   * @defaultValue `process.env.OPENAI_BASE_URL`, else `https://api.openai.com/v1`
   */
  readonly baseURL?: string;
  /**
   * Sent as `Authorization: Bearer <apiKey>` on the upgrade request (Node, through `ws`; browsers send no headers).
   * `''` sends none.
   * @defaultValue `process.env.OPENAI_API_KEY`
   */
  readonly apiKey?: string;
  /**
   * Extra headers of the upgrade request (they override `Authorization`). Ignored by browsers.
   * @defaultValue none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The WebSocket class. Node 20 has no global one: pass the `ws` package's (`import WebSocket from 'ws'`).
   * @defaultValue `globalThis.WebSocket`
   */
  readonly WebSocket?: WebSocketConstructor;
  /**
   * How long the socket stays open with no response open (none running, none queued), in milliseconds; then it is
   * closed, and the next subscription opens a new one. `Infinity` keeps it open until {@link ResponsesSocket.close}.
   * @defaultValue 30000
   */
  readonly closeWhenIdleMs?: number;
}

/** Options of one {@link ResponsesSocket.create} call. */
export interface CreateOptions {
  /**
   * The lane (`stream_id`): the requests of one lane run in the order they were subscribed, lanes side by side.
   * @defaultValue the default lane (no `stream_id` sent)
   */
  readonly streamId?: string;
}

/** A persistent WebSocket to a Responses API, opened on demand; see {@link responsesSocket}. */
export interface ResponsesSocket {
  /**
   * One response: subscribing queues `response.create` on its lane (sent when the lane's previous response has
   * ended); the events come through the same pipeline as `responseEvents`. Unsubscribing before the end drops the
   * response's remaining events (the server still runs it to its end, the lane waits for that) and leaves the other
   * responses running; a request still queued is never sent.
   *
   * @param body the `POST /responses` body; `stream` is dropped (implicit over a socket).
   * @param options the lane.
   * @returns a cold Observable of the response's events.
   * @throws TypeError at call time when the body is not an object, asks for `background`, or the lane is not a
   *   non-empty string.
   */
  create(body: ResponsesRequestBody, options?: CreateOptions): Observable<ResponseEvent>;
  /**
   * Closes the socket now. Responses still open fail with `StreamClosedError`; a later subscription opens a new
   * socket.
   */
  close(): void;
  /** `'closed'` (no socket), `'connecting'` or `'open'`. */
  readonly state: 'closed' | 'connecting' | 'open';
}

/** The default of {@link ResponsesSocketOptions.closeWhenIdleMs}. */
export const DEFAULT_CLOSE_WHEN_IDLE_MS = 30_000;

/** The wire events after which the server starts the lane's next response. */
const TERMINAL_TYPES = new Set([
  'response.completed',
  'response.done',
  'response.failed',
  'response.incomplete',
  'response.cancelled',
  'error',
]);

/**
 * Opens (lazily) a persistent WebSocket to a Responses API and reads each response sent over it as normalized,
 * exactly-once events: the same pipeline as `responseEvents` (`toWireEvents` → `normalizeEvents` →
 * `deliverExactlyOnce`: tracking, fallback, `completed` once and last, idle timeout), one pipeline per response.
 *
 * - The socket opens on the first subscription, and closes after `closeWhenIdleMs` with no response open, or on
 *   `close()`.
 * - Events are routed by lane (`stream_id`) and then to the lane's running response (checked against its id).
 * - The requests of one lane run in order; lanes run side by side (where the server runs them so: OpenAI runs one
 *   response at a time per connection).
 * - A socket that cannot open fails the open responses with `ConnectionError`; one that errors or closes afterwards
 *   with `StreamClosedError` (both retryable: send them again, a new socket opens). A silent response fails with
 *   `IdleTimeoutError`. A server `error` event fails only its own response (`ResponseFailedError`).
 *
 * ```
 * socket:   --c1--c2--t1--t2--t2--C2--t1--C1--    (1, 2: lanes "a", "b", interleaved on one socket)
 * create(body, { streamId: 'a' })
 * result:   --c1------t1------------t1--C1|
 * create(body, { streamId: 'b' })
 * result:   ------c2------t2--t2--C2|
 * ```
 *
 * ## Example
 * ```ts
 * import WebSocket from 'ws'; // Node 20; browsers and Node 22+ have a global WebSocket
 * import { responsesSocket } from 'responses-rx/websocket';
 *
 * const socket = responsesSocket({ url: 'wss://api.openai.com/v1/responses', apiKey: 'sk-…', WebSocket });
 * socket.create({ model: 'gpt-5', input: 'Say hello' }).subscribe({
 *   next: (event) => event.type === 'outputTextDelta' && process.stdout.write(event.delta),
 *   error: (error) => console.error(error.code, error.retryable),
 *   complete: () => socket.close(),
 * });
 * ```
 *
 * @param options endpoint, key, WebSocket class, idle close, and the `responseEvents` options of every response.
 * @returns the socket: `create` responses on it, `close` it.
 * @throws TypeError at call time when no WebSocket class is available, the URL is not a URL, or options are invalid.
 * @see streamResponse for the same responses over HTTP.
 */
export function responsesSocket(options: ResponsesSocketOptions = {}): ResponsesSocket {
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  if (typeof WebSocketClass !== 'function') {
    throw new TypeError(
      'responsesSocket: no WebSocket class. Node 20 has no global WebSocket: install the ws package and pass it, ' +
        "responsesSocket({ WebSocket }) with import WebSocket from 'ws'",
    );
  }
  const url = endpointOf(options);
  const closeWhenIdleMs = checkDuration(
    options.closeWhenIdleMs ?? DEFAULT_CLOSE_WHEN_IDLE_MS,
    'responsesSocket: closeWhenIdleMs',
    { zero: true, infinity: 'keep the socket open until close()' },
  );
  const env = environment();
  const apiKey = options.apiKey ?? env['OPENAI_API_KEY'] ?? '';
  const headers = { ...(apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }), ...options.headers };
  // Validated now, not on subscribe.
  const waitForEvents = idleTimeout<SocketMessage>(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const wireEvents = readWireEvents(wireEventsConfig(options));
  const deliver = deliverExactlyOnce(options.fallback);
  const connection = new SocketConnection(url, WebSocketClass, headers, closeWhenIdleMs);

  return {
    create(body, createOptions = {}) {
      const message = createMessage(body, createOptions.streamId);
      const lane = createOptions.streamId ?? '';
      const messages$ = new Observable<SocketMessage>((subscriber) => {
        const request = connection.enqueue(lane, message, subscriber, (events$) =>
          subscriber.add(events$.pipe(waitForEvents).subscribe(subscriber)),
        );
        return () => connection.release(request);
      });
      return messages$.pipe(wireEvents, normalizeEvents(), deliver);
    },
    close: () => connection.close(),
    get state() {
      return connection.state;
    },
  };
}

/** One `response.create` on its way: queued on its lane, running, or abandoned by its consumer. */
interface Request {
  readonly lane: string;
  readonly message: string;
  readonly subscriber: Subscriber<SocketMessage>;
  readonly start: (events$: Observable<SocketMessage>) => void;
  /** Set once sent: the response's events. */
  events?: Subject<SocketMessage>;
  /** The response id, once an event named it. */
  responseId?: string;
  /** True when its consumer left before its end: its remaining events are dropped. */
  abandoned: boolean;
}

/** A lane: its running response, and the requests waiting for it to end. */
interface Lane {
  running: Request | undefined;
  readonly queue: Request[];
}

/** The socket, opened on demand, and the lanes multiplexed over it. */
class SocketConnection {
  private socket: WebSocketLike | undefined;
  private opened = false;
  private readonly lanes = new Map<string, Lane>();
  private idleTimer: Subscription | undefined;

  constructor(
    private readonly url: string,
    private readonly WebSocketClass: WebSocketConstructor,
    private readonly headers: Record<string, string>,
    private readonly closeWhenIdleMs: number,
  ) {}

  get state(): 'closed' | 'connecting' | 'open' {
    if (this.socket === undefined) return 'closed';
    return this.opened ? 'open' : 'connecting';
  }

  enqueue(
    laneId: string,
    message: string,
    subscriber: Subscriber<SocketMessage>,
    start: (events$: Observable<SocketMessage>) => void,
  ): Request {
    this.idleTimer?.unsubscribe();
    this.idleTimer = undefined;
    const request: Request = { lane: laneId, message, subscriber, start, abandoned: false };
    let lane = this.lanes.get(laneId);
    if (lane === undefined) {
      lane = { running: undefined, queue: [] };
      this.lanes.set(laneId, lane);
    }
    lane.queue.push(request);
    this.ensureSocket();
    if (lane.running === undefined) this.advance(lane);
    return request;
  }

  /** The consumer of `request` left: never send it, or drop the rest of its events. */
  release(request: Request): void {
    const lane = this.lanes.get(request.lane);
    if (lane === undefined) return;
    if (lane.running === request) {
      request.abandoned = true;
    } else {
      const index = lane.queue.indexOf(request);
      if (index >= 0) lane.queue.splice(index, 1);
    }
    this.scheduleIdleClose();
  }

  close(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.fail(socket, new StreamClosedError({ cause: new Error('the WebSocket was closed by close()') }));
    socket.close(1000, 'closed by the client');
  }

  private ensureSocket(): void {
    if (this.socket !== undefined) return;
    const socket = new this.WebSocketClass(this.url, [], { headers: this.headers });
    this.socket = socket;
    this.opened = false;
    socket.binaryType = 'arraybuffer';
    let socketError: unknown;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.opened = true;
      for (const lane of this.lanes.values()) if (lane.running !== undefined) socket.send(lane.running.message);
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.route((event as { data: unknown }).data);
    });
    socket.addEventListener('error', (event) => {
      const { error, message } = event as { error?: unknown; message?: string };
      socketError = error ?? new Error(message ?? 'WebSocket error');
    });
    socket.addEventListener('close', (closeEvent) => {
      if (this.socket !== socket) return;
      const event = closeEvent as { code?: number; reason?: string };
      const closed = `the WebSocket closed (code ${event.code ?? 1006}${event.reason ? `: ${event.reason}` : ''})`;
      const cause = socketError ?? new Error(closed);
      this.fail(socket, this.opened ? new StreamClosedError({ cause }) : new ConnectionError({ url: this.url, cause }));
    });
  }

  /** Sends the lane's next request, if any. */
  private advance(lane: Lane): void {
    const request = lane.queue.shift();
    lane.running = request;
    if (request === undefined) {
      this.scheduleIdleClose();
      return;
    }
    const events = new Subject<SocketMessage>();
    request.events = events;
    if (this.opened) this.socket?.send(request.message);
    request.start(events);
  }

  /** One message from the server: to its lane's running response, unless it belongs to another response. */
  private route(data: unknown): void {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
    // Parsed once: the wire events read this parse (`json`), not the text again.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      // Not a JSON object: whose it was cannot be told, so every running response reads it (and fails, or skips it).
      for (const lane of this.lanes.values())
        if (lane.running?.abandoned === false) lane.running.events?.next({ type: 'event', data: text, json: parsed });
      return;
    }
    const json = parsed as { type?: unknown; stream_id?: unknown; response?: { id?: unknown } | null };
    const laneId = typeof json.stream_id === 'string' ? json.stream_id : '';
    const lane = this.lanes.get(laneId);
    const request = lane?.running;
    if (lane === undefined || request === undefined) return; // nothing asked for it: a stray event
    const responseId = json.response?.id;
    if (typeof responseId === 'string') {
      if (request.responseId !== undefined && request.responseId !== responseId) return;
      request.responseId = responseId;
    }
    if (!request.abandoned) request.events?.next({ type: 'event', data: text, json });
    if (typeof json.type === 'string' && TERMINAL_TYPES.has(json.type)) {
      request.events?.complete();
      this.advance(lane);
    }
  }

  /** The socket is gone: every open response fails with `error`; the next subscription opens a new socket. */
  private fail(socket: WebSocketLike, error: unknown): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.opened = false;
    this.idleTimer?.unsubscribe();
    this.idleTimer = undefined;
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    for (const lane of lanes) {
      for (const request of [lane.running, ...lane.queue]) {
        if (request === undefined || request.abandoned) continue;
        if (request.events === undefined) request.subscriber.error(error);
        else request.events.error(error);
      }
    }
  }

  /** Closes the socket after `closeWhenIdleMs` when no response is open. */
  private scheduleIdleClose(): void {
    if (this.socket === undefined || this.idleTimer !== undefined || !this.idle()) return;
    if (this.closeWhenIdleMs === Infinity) return;
    const socket = this.socket;
    this.idleTimer = asyncScheduler.schedule(() => {
      this.idleTimer = undefined;
      if (this.socket !== socket || !this.idle()) return;
      this.socket = undefined;
      this.opened = false;
      this.lanes.clear();
      socket.close(1000, 'idle');
    }, this.closeWhenIdleMs);
  }

  private idle(): boolean {
    for (const lane of this.lanes.values()) if (lane.running !== undefined || lane.queue.length > 0) return false;
    return true;
  }
}

/** The `response.create` message of a request body, checked. */
function createMessage(body: ResponsesRequestBody, streamId: string | undefined): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TypeError('responsesSocket.create: the request body must be an object such as { model, input }');
  }
  if (body.background === true) {
    throw new TypeError(
      'responsesSocket.create: background responses are not supported over a WebSocket; use streamResponse',
    );
  }
  if (streamId !== undefined && (typeof streamId !== 'string' || streamId === '')) {
    throw new TypeError(`responsesSocket.create: streamId must be a non-empty string, got ${String(streamId)}`);
  }
  const { stream: _stream, background: _background, ...rest } = body;
  return JSON.stringify({
    type: 'response.create',
    ...rest,
    ...(streamId === undefined ? {} : { stream_id: streamId }),
  });
}

/** The `ws(s)://…/responses` endpoint of the options. */
function endpointOf(options: ResponsesSocketOptions): string {
  const base = options.baseURL ?? environment()['OPENAI_BASE_URL'] ?? DEFAULT_BASE_URL;
  const raw = options.url ?? `${base.replace(/\/+$/, '')}/responses`;
  if (!URL.canParse(raw)) throw new TypeError(`responsesSocket: the url must be absolute, got ${JSON.stringify(raw)}`);
  const url = new URL(raw);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`responsesSocket: the url must be ws://, wss://, http:// or https://, got ${raw}`);
  }
  return url.href;
}
