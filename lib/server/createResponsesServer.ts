/**
 * The embedded Responses server: a real `node:http` server that answers `POST /v1/responses` with SSE, replaying
 * recordings (or the bundled demo conversation) or relaying an upstream, in any provider shape, with injectable
 * faults. Part of the product: point any Responses client at `server.url` to reproduce a provider on a laptop.
 *
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Observable, concatMap, defer, finalize, from, lastValueFrom, map, of, takeWhile, timer } from 'rxjs';
import { fromSSE } from '../sse/fromSSE';
import type { WireJson } from '../testing/builders';
import { type ProviderShape, createShaper, isProviderShape } from '../testing/shapes';
import {
  DEFAULT_MALFORMED_EVENT,
  DEFAULT_RETRY_AFTER_SECONDS,
  type Fault,
  faultErrorBody,
  parseFault,
  validateFault,
} from './faults';
import { DEMO_REPLAY, type ReplaySource, type ResponsesRequest, resolveReplay, validateReplaySource } from './replay';
import { type StreamDigest, StreamDigester } from './summary';

/** Options of {@link createResponsesServer}. */
export interface ResponsesServerOptions {
  /**
   * What to replay (see {@link ReplaySource}). Mutually exclusive with `upstream`.
   * @defaultValue the bundled demo conversation, when `upstream` is not set either
   */
  readonly replay?: ReplaySource;
  /**
   * Passthrough mode: the upstream API root (e.g. `https://api.openai.com/v1`); requests go to `${upstream}/responses`
   * and its SSE is relayed as it arrives. Mutually exclusive with `replay`.
   * @defaultValue none (replay mode)
   */
  readonly upstream?: string;
  /**
   * Passthrough mode: the environment variable holding the upstream API key, sent as `Authorization: Bearer`. When it
   * is unset or empty, the client's own `Authorization` header is forwarded instead.
   * @defaultValue `'OPENAI_API_KEY'`
   */
  readonly keyEnv?: string;
  /**
   * The provider shape to reproduce (see `ProviderShape`), applied event by event to the replay or the upstream.
   * @defaultValue `'streamed'` (events as they are)
   */
  readonly shape?: ProviderShape;
  /**
   * Faults to inject in every answer, typed or in their string form (`'stall-after=3'`, see `parseFault`).
   * @defaultValue none
   */
  readonly fault?: Fault | string | readonly (Fault | string)[];
  /**
   * The interface to listen on.
   * @defaultValue `'127.0.0.1'` (loopback only)
   */
  readonly host?: string;
  /**
   * The port; `0` picks a free one (read it from `server.port`).
   * @defaultValue 0
   */
  readonly port?: number;
  /**
   * Replay mode: a pause before each event, in milliseconds, so a replay streams like a model does.
   * @defaultValue 0
   */
  readonly eventDelayMs?: number;
  /**
   * Receives one entry per request, per event sent and per answer finished (with the text and reasoning summary).
   * @defaultValue none (silent)
   */
  readonly log?: (entry: ServerLogEntry) => void;
  /**
   * Called when an answer to `POST /responses` is over, however it ended (see {@link RequestSummary.outcome}).
   * @defaultValue none
   */
  readonly onRequestEnd?: (summary: RequestSummary) => void;
  /**
   * Passthrough mode: the fetch used to reach the upstream.
   * @defaultValue `globalThis.fetch`
   */
  readonly fetch?: typeof fetch;
}

/** A running embedded server. */
export interface ResponsesServer {
  /** The API root to give clients as their base URL, e.g. `http://127.0.0.1:54321/v1`. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The interface the server listens on. */
  readonly host: string;
  /** `'replay'` or `'passthrough'`. */
  readonly mode: ServerMode;
  /** How many client connections are open right now. */
  readonly connections: number;
  /** Stops listening and closes every connection, stalled streams included. Safe to call twice. */
  close(): Promise<void>;
}

/** Where the server's answers come from. */
export type ServerMode = 'replay' | 'passthrough';

/**
 * How an answer ended:
 * - `finished`: the server sent everything it meant to and ended the response (a `drop-completed` fault included);
 * - `client-closed`: the connection closed first (the client aborted, or `server.close()` ended a stalled stream);
 * - `rejected`: answered with a non-2xx status (bad request, unknown model, `http-error` fault, relayed upstream error);
 * - `upstream-failed`: passthrough only, the upstream stream broke mid-way (the client's connection is reset too).
 */
export type RequestOutcome = 'finished' | 'client-closed' | 'rejected' | 'upstream-failed';

/** What the server did for one `POST /responses`. */
export interface RequestSummary extends StreamDigest {
  /** 1, 2, 3… in arrival order. */
  readonly requestId: number;
  /** The request's `model`, when it had one. */
  readonly model: string | undefined;
  readonly mode: ServerMode;
  /** The HTTP status sent. */
  readonly status: number;
  readonly outcome: RequestOutcome;
}

/** One log entry; `message` is a ready-to-print line. */
export type ServerLogEntry =
  | {
      readonly kind: 'request';
      readonly requestId: number;
      readonly model: string | undefined;
      readonly mode: ServerMode;
      readonly message: string;
    }
  | { readonly kind: 'event'; readonly requestId: number; readonly eventType: string; readonly message: string }
  | { readonly kind: 'end'; readonly requestId: number; readonly summary: RequestSummary; readonly message: string };

const RESPONSES_PATHS = new Set(['/v1/responses', '/responses']);
const HEALTH_PATHS = new Set(['/health', '/v1/health']);
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Upstream headers worth relaying on an error answer. */
const RELAYED_HEADERS = ['content-type', 'retry-after', 'retry-after-ms', 'x-request-id'];

/**
 * Starts the embedded Responses server on loopback. `POST /v1/responses` (and `/responses`) answers with SSE;
 * `GET /health` answers `{"ok":true}`.
 *
 * Replay mode (the default) serves recordings or the bundled demo conversation and needs no network; passthrough
 * mode (`upstream`) forwards each request and relays the upstream's events as they arrive. Either way, `shape`
 * reproduces a provider's cut-down stream and `fault` injects failures.
 *
 * ```
 * client:  POST /v1/responses {model, input}
 * server:  replay(model) | upstream --> shape --> faults --> SSE frames --> client
 * ```
 *
 * ## Example
 * ```ts
 * import { streamResponse } from 'responses-rx';
 * import { createResponsesServer } from 'responses-rx/server';
 *
 * const server = await createResponsesServer({ replay: 'conversation.sse', shape: 'final-only', port: 0 });
 * streamResponse({ model: 'demo', input: 'hi' }, { baseURL: server.url, apiKey: 'test' }).subscribe({
 *   complete: () => void server.close(),
 * });
 * ```
 *
 * @param options what to serve, in which shape, with which faults, where.
 * @returns the running server, once it listens.
 * @throws TypeError (as a rejection) for invalid options: both `replay` and `upstream`, an unknown shape or fault,
 *   a missing recording.
 */
export async function createResponsesServer(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  const config = await resolveConfig(options);
  const sockets = new Set<Socket>();
  let requestCount = 0;
  const server = createServer({ noDelay: true }, (request, response) => {
    requestCount += 1;
    handle(config, requestCount, request, response).catch((error: unknown) => {
      // A bug, not a client's fault: answer 500 when still possible, and never crash the host process.
      if (!response.headersSent)
        sendJsonError(response, 500, 'server_error', 'server_error', `responses-rx server error: ${String(error)}`);
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${hostInUrl}:${port}/v1`,
    port,
    host: config.host,
    mode: config.mode,
    get connections() {
      return sockets.size;
    },
    close: () => closeServer(server, sockets),
  };
}

interface ServerConfig {
  readonly mode: ServerMode;
  readonly replay: ReplaySource;
  readonly upstream: string | undefined;
  readonly keyEnv: string;
  readonly shape: ProviderShape;
  readonly faults: readonly Fault[];
  readonly host: string;
  readonly port: number;
  readonly eventDelayMs: number;
  readonly log: ((entry: ServerLogEntry) => void) | undefined;
  readonly onRequestEnd: ((summary: RequestSummary) => void) | undefined;
  readonly fetch: typeof fetch;
}

async function resolveConfig(options: ResponsesServerOptions): Promise<ServerConfig> {
  if (options.replay !== undefined && options.upstream !== undefined) {
    throw new TypeError('createResponsesServer: pass either replay or upstream, not both');
  }
  const shape = options.shape ?? 'streamed';
  if (!isProviderShape(shape)) throw new TypeError(`createResponsesServer: unknown shape ${String(shape)}`);
  const faultList = options.fault === undefined ? [] : Array.isArray(options.fault) ? options.fault : [options.fault];
  const faults = (faultList as readonly (Fault | string)[]).map((fault) =>
    typeof fault === 'string' ? parseFault(fault) : validateFault(fault),
  );
  const upstream = options.upstream?.replace(/\/+$/, '');
  if (upstream !== undefined && !URL.canParse(`${upstream}/responses`)) {
    throw new TypeError(
      `createResponsesServer: upstream must be an absolute URL, got ${JSON.stringify(options.upstream)}`,
    );
  }
  const replay = options.replay ?? DEMO_REPLAY;
  if (upstream === undefined) await validateReplaySource(replay);
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new TypeError(`createResponsesServer: invalid port ${port}`);
  const eventDelayMs = options.eventDelayMs ?? 0;
  if (!(Number.isFinite(eventDelayMs) && eventDelayMs >= 0)) {
    throw new TypeError(`createResponsesServer: eventDelayMs must be a number >= 0, got ${eventDelayMs}`);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (upstream !== undefined && typeof fetchImpl !== 'function')
    throw new TypeError('createResponsesServer: no fetch; pass options.fetch');
  return {
    mode: upstream === undefined ? 'replay' : 'passthrough',
    replay,
    upstream,
    keyEnv: options.keyEnv ?? 'OPENAI_API_KEY',
    shape,
    faults,
    host: options.host ?? '127.0.0.1',
    port,
    eventDelayMs,
    log: options.log,
    onRequestEnd: options.onRequestEnd,
    fetch: fetchImpl,
  };
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const socketsClosed = [...sockets].map(
    (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
  );
  server.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  await Promise.all([closed, ...socketsClosed]);
}

async function handle(
  config: ServerConfig,
  requestId: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  if (HEALTH_PATHS.has(path) && (request.method === 'GET' || request.method === 'HEAD')) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    return;
  }
  if (!RESPONSES_PATHS.has(path)) {
    request.resume();
    sendJsonError(
      response,
      404,
      'invalid_request_error',
      'not_found',
      `No route ${request.method} ${path}; use POST /v1/responses.`,
    );
    return;
  }
  if (request.method !== 'POST') {
    request.resume();
    response.setHeader('allow', 'POST');
    sendJsonError(response, 405, 'invalid_request_error', 'method_not_allowed', `Use POST ${path}.`);
    return;
  }
  const exchange = new Exchange(config, requestId, response);
  const body = await readJsonBody(request);
  if (typeof body === 'string') {
    exchange.reject(400, 'invalid_request_error', 'invalid_json', body);
    return;
  }
  exchange.begin(body);
  const httpError = config.faults.find(
    (fault): fault is Extract<Fault, { kind: 'http-error' }> => fault.kind === 'http-error',
  );
  if (httpError !== undefined) {
    const { error } = faultErrorBody(httpError.status);
    exchange.reject(httpError.status, error.type, error.code, error.message, {
      'retry-after': String(httpError.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS),
    });
    return;
  }
  if (config.upstream === undefined) {
    const events = await resolveReplay(config.replay, body);
    if (events === undefined) {
      exchange.reject(
        404,
        'invalid_request_error',
        'model_not_found',
        `No recording to replay for model ${JSON.stringify(body.model)}.`,
        {},
        'model',
      );
      return;
    }
    const envelope = {
      model: typeof body.model === 'string' ? body.model : 'responses-rx-replay',
      created_at: Math.floor(Date.now() / 1000),
    };
    const replayed = events.map((event) => (typeof event === 'string' ? event : withEnvelope(event, envelope)));
    const paced$ =
      config.eventDelayMs > 0
        ? from(replayed).pipe(concatMap((event) => timer(config.eventDelayMs).pipe(map(() => event))))
        : from(replayed);
    await exchange.stream(paced$);
  } else {
    await passthrough(config, config.upstream, body, request, exchange);
  }
}

async function passthrough(
  config: ServerConfig,
  upstream: string,
  body: ResponsesRequest,
  request: IncomingMessage,
  exchange: Exchange,
): Promise<void> {
  const controller = new AbortController();
  exchange.onClientClose(() => controller.abort());
  const key = process.env[config.keyEnv];
  const authorization = key ? `Bearer ${key}` : request.headers.authorization;
  let answer: Response;
  try {
    answer = await config.fetch(`${upstream}/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ ...body, stream: true }),
      signal: controller.signal,
    });
  } catch (error) {
    if (!controller.signal.aborted)
      exchange.reject(
        502,
        'server_error',
        'upstream_unreachable',
        `Could not reach the upstream ${upstream}: ${String(error)}.`,
      );
    return;
  }
  const contentType = answer.headers.get('content-type') ?? '';
  if (!answer.ok || !/^\s*text\/event-stream/i.test(contentType)) {
    // Relayed as is: the client sees the upstream's status, body and retry headers.
    const text = await answer.text().catch(() => '');
    const headers: Record<string, string> = {};
    for (const name of RELAYED_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    exchange.relay(answer.status, headers, text);
    return;
  }
  const events$ = fromSSE(answer).pipe(
    concatMap((message) => (message.type === 'event' ? of(toWireJson(message.data)) : of())),
    finalize(() => controller.abort()),
  );
  await exchange.stream(events$);
}

/**
 * Fills the fields every real response object has (`model`, `created_at`) where a recording or a builder left them
 * out: strict clients (the AI SDK) reject a `response.created` without them. Fields present are kept as recorded.
 */
function withEnvelope(event: WireJson, envelope: { model: string; created_at: number }): WireJson {
  const response = event['response'];
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return event;
  return { ...event, response: { ...envelope, ...(response as Record<string, unknown>) } };
}

function toWireJson(data: string): WireJson | string {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as WireJson).type === 'string'
      ? (value as WireJson)
      : data;
  } catch {
    return data;
  }
}

/** One request and its answer: applies shape and faults, frames SSE, logs, and reports how it ended. */
class Exchange {
  private model: string | undefined;
  private readonly digester = new StreamDigester();
  private readonly closeHandlers: (() => void)[] = [];
  private clientClosed = false;
  private ended = false;
  private sent = 0;

  constructor(
    private readonly config: ServerConfig,
    private readonly requestId: number,
    private readonly response: ServerResponse,
  ) {
    response.once('close', () => {
      if (!response.writableFinished) {
        this.clientClosed = true;
        for (const handler of this.closeHandlers) handler();
      }
    });
  }

  begin(body: ResponsesRequest): void {
    this.model = typeof body.model === 'string' ? body.model : undefined;
    this.config.log?.({
      kind: 'request',
      requestId: this.requestId,
      model: this.model,
      mode: this.config.mode,
      message: `#${this.requestId} POST /responses model=${this.model ?? '(none)'} (${this.config.mode}, shape ${this.config.shape})`,
    });
  }

  onClientClose(handler: () => void): void {
    if (this.clientClosed) handler();
    else this.closeHandlers.push(handler);
  }

  reject(
    status: number,
    type: string,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    param: string | null = null,
  ): void {
    sendJsonError(this.response, status, type, code, message, headers, param);
    this.end(status, 'rejected');
  }

  relay(status: number, headers: Record<string, string>, body: string): void {
    if (!this.clientClosed) this.response.writeHead(status, headers).end(body);
    this.end(status, status >= 200 && status < 300 ? 'finished' : 'rejected');
  }

  /** Sends the events as SSE, shaped and with the faults applied; resolves when the answer is over. */
  async stream(events$: Observable<WireJson | string>): Promise<void> {
    const response = this.response;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': `req_rx_${this.requestId}`,
    });
    response.flushHeaders();
    const shaper = createShaper(this.config.shape);
    const send$ = defer(() => events$).pipe(
      concatMap((event) => (typeof event === 'string' ? [event] : shaper(event))),
      takeWhile(() => !this.clientClosed),
      concatMap((event) => this.send(event)),
      takeWhile((goOn) => goOn),
    );
    let outcome: RequestOutcome = 'finished';
    try {
      await lastValueFrom(send$, { defaultValue: true });
    } catch {
      outcome = 'upstream-failed';
    }
    if (this.clientClosed) {
      this.end(200, 'client-closed');
    } else if (outcome === 'upstream-failed') {
      response.destroy();
      this.end(200, outcome);
    } else {
      response.end();
      this.end(200, 'finished');
    }
  }

  /** Sends one event; resolves false when the answer must stop here. */
  private async send(event: WireJson | string): Promise<boolean> {
    const faults = this.config.faults;
    const eventType = typeof event === 'string' ? '(raw)' : event.type;
    if (eventType === 'response.completed' && faults.some((fault) => fault.kind === 'drop-completed')) return false;
    const stall = faults.find(
      (fault): fault is Extract<Fault, { kind: 'stall-after' }> => fault.kind === 'stall-after',
    );
    if (stall !== undefined && this.sent >= stall.events) {
      await new Promise<void>((resolve) => this.onClientClose(resolve));
      return false;
    }
    let data = typeof event === 'string' ? event : JSON.stringify(event);
    const malformed = faults.find(
      (fault): fault is Extract<Fault, { kind: 'malformed' }> => fault.kind === 'malformed',
    );
    if (malformed !== undefined && this.sent === (malformed.event ?? DEFAULT_MALFORMED_EVENT)) data = data.slice(0, -1);
    const frame = `${typeof event === 'string' ? '' : `event: ${eventType}\n`}data: ${data}\n\n`;
    const chunk = faults.find((fault): fault is Extract<Fault, { kind: 'chunk' }> => fault.kind === 'chunk');
    this.sent += 1;
    this.digester.push(eventType, frame);
    this.config.log?.({
      kind: 'event',
      requestId: this.requestId,
      eventType,
      message: `#${this.requestId} → ${eventType}`,
    });
    return this.write(Buffer.from(frame, 'utf8'), chunk?.bytes);
  }

  private async write(bytes: Buffer, chunkSize: number | undefined): Promise<boolean> {
    const size = chunkSize ?? bytes.length;
    for (let start = 0; start < bytes.length; start += size) {
      if (this.clientClosed) return false;
      if (!this.response.write(bytes.subarray(start, start + size))) {
        await new Promise<void>((resolve) => {
          this.response.once('drain', resolve);
          this.onClientClose(resolve);
        });
      }
      // Each chunk leaves in its own write, so the client's reads see the split.
      if (chunkSize !== undefined) await nextTurn();
    }
    return !this.clientClosed;
  }

  private end(status: number, outcome: RequestOutcome): void {
    if (this.ended) return;
    this.ended = true;
    const summary: RequestSummary = {
      requestId: this.requestId,
      model: this.model,
      mode: this.config.mode,
      status,
      outcome,
      ...this.digester.digest(),
    };
    this.config.log?.({ kind: 'end', requestId: this.requestId, summary, message: describeSummary(summary) });
    this.config.onRequestEnd?.(summary);
  }
}

function describeSummary(summary: RequestSummary): string {
  const lines = [
    `#${summary.requestId} ${summary.outcome} (HTTP ${summary.status}, ${summary.eventTypes.length} events` +
      `${summary.completed ? ', completed' : ''}): ${compressTypes(summary.eventTypes)}`,
  ];
  if (summary.reasoningSummary) lines.push(`#${summary.requestId} reasoning: ${summary.reasoningSummary}`);
  if (summary.text) lines.push(`#${summary.requestId} text: ${summary.text}`);
  return lines.join('\n');
}

/** `a, b, b, b, c` → `a, b ×3, c`. */
function compressTypes(types: readonly string[]): string {
  const runs: { type: string; count: number }[] = [];
  for (const type of types) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.type === type) last.count += 1;
    else runs.push({ type, count: 1 });
  }
  return runs.map((run) => (run.count > 1 ? `${run.type} ×${run.count}` : run.type)).join(', ') || '(none)';
}

function sendJsonError(
  response: ServerResponse,
  status: number,
  type: string,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  param: string | null = null,
): void {
  if (response.headersSent || response.destroyed) return;
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify({ error: { message, type, param, code } }));
}

/** The parsed JSON object of a request body, or a string saying why it is not one. */
async function readJsonBody(request: IncomingMessage): Promise<ResponsesRequest | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return `The request body exceeds ${MAX_REQUEST_BYTES} bytes.`;
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'The request body must be a JSON object.';
  return body as ResponsesRequest;
}
