/**
 * The embedded server's options, and their validation into the config every part of the server reads.
 *
 * @module
 */
import { checkDuration } from '../util/duration';
import { type BackgroundOptions, BackgroundStore } from './background';
import { type AllowedOrigins, DEFAULT_ALLOWED_ORIGINS, validateAllowedOrigins } from './cors';
import { type Fault, parseFault, validateFault } from './faults';
import type { ServerLogEntry } from './log';
import { DEMO_REPLAY, type ReplaySource, validateReplaySource } from './replay';
import { type ProviderShape, isProviderShape } from './shapes';
import type { RequestSummary, ServerMode } from './summary';

/** Options of {@link createResponsesServer}. */
export interface ResponsesServerOptions {
  /**
   * What to replay (see {@link ReplaySource}). Mutually exclusive with `upstream`.
   * @defaultValue the bundled demo conversation, when `upstream` is not set either
   */
  readonly replay?: ReplaySource;
  /**
   * Where answers come from: `'replay'` (recordings, no network), `'passthrough'` (the upstream's events relayed as
   * they are) or `'repair'` (the upstream read through `responseEvents` and written again as the canonical Responses
   * stream, so that every client gets every item: see `serializeEvents`). Passthrough and repair need `upstream`.
   * @defaultValue `'passthrough'` when `upstream` is set, else `'replay'`
   */
  readonly mode?: ServerMode;
  /**
   * Passthrough and repair modes: the upstream API root (e.g. `https://api.openai.com/v1`); requests go to `${upstream}/responses`
   * and its SSE is relayed as it arrives. Mutually exclusive with `replay`.
   * @defaultValue none (replay mode)
   */
  readonly upstream?: string;
  /**
   * Passthrough and repair modes: the environment variable holding the upstream API key, sent as `Authorization: Bearer`. When it
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
   * Repair mode: the size, in UTF-16 code units, of the deltas an item that arrived whole is streamed in.
   * @defaultValue 32 (`DEFAULT_CHUNK_SIZE`)
   */
  readonly chunkSize?: number;
  /**
   * Repair mode: the longest silence allowed from the upstream, in milliseconds; then the client gets an `error`
   * event with code `idle_timeout`. `Infinity` disables it.
   * @defaultValue 300000 (5 minutes)
   */
  readonly idleTimeoutMs?: number;
  /**
   * Passthrough and repair modes: the fetch used to reach the upstream.
   * @defaultValue `globalThis.fetch`
   */
  readonly fetch?: typeof fetch;
  /**
   * Replay mode: how many background responses (`background: true`) are kept in memory, and for how long.
   * @defaultValue `{ maxResponses: 1000, ttlMs: 600000 }`
   */
  readonly background?: BackgroundOptions;
  /**
   * The origins whose pages may call the server from a browser (CORS): origins such as `'http://localhost:5173'`,
   * `'loopback'` for any port of localhost / 127.0.0.1 / [::1], or `'*'` for any. Preflights from other origins get
   * 403; requests without an `Origin` header (every non-browser client) are always served.
   * @defaultValue `['loopback']`
   */
  readonly allowedOrigins?: readonly string[];
}

/** What changes while the server runs. */
export interface ServerLifecycle {
  /** Answers to `POST /responses` started so far (the last request id). */
  requests: number;
  /** True once `close()` was called: connections closed after that were closed by the server, not the client. */
  closing: boolean;
}

/** The validated options, defaults filled in. */
export interface ServerConfig {
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
  readonly chunkSize: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  /** The background responses of this server. */
  readonly background: BackgroundStore;
  readonly allowedOrigins: AllowedOrigins;
  readonly lifecycle: ServerLifecycle;
}

/** Validates the options and fills in the defaults; rejects with a `TypeError` on invalid options. */
export async function resolveConfig(options: ResponsesServerOptions): Promise<ServerConfig> {
  if (options.replay !== undefined && options.upstream !== undefined) {
    throw new TypeError('createResponsesServer: pass either replay or upstream, not both');
  }
  const shape = options.shape ?? 'streamed';
  if (!isProviderShape(shape)) throw new TypeError(`createResponsesServer: unknown shape ${String(shape)}`);
  const faultList = options.fault === undefined ? [] : Array.isArray(options.fault) ? options.fault : [options.fault];
  const faults = (faultList as readonly (Fault | string)[]).map((fault) =>
    typeof fault === 'string' ? parseFault(fault) : { ...validateFault(fault) },
  );
  const upstream = options.upstream?.replace(/\/+$/, '');
  const mode = options.mode ?? (upstream === undefined ? 'replay' : 'passthrough');
  if (mode !== 'replay' && mode !== 'passthrough' && mode !== 'repair') {
    throw new TypeError(`createResponsesServer: mode is 'replay', 'passthrough' or 'repair', got ${String(mode)}`);
  }
  if (mode !== 'replay' && upstream === undefined) {
    throw new TypeError(`createResponsesServer: mode '${mode}' needs upstream (the API root to read from)`);
  }
  if (mode === 'replay' && upstream !== undefined) {
    throw new TypeError(`createResponsesServer: upstream goes with mode 'passthrough' or 'repair', not 'replay'`);
  }
  const { chunkSize, idleTimeoutMs } = options;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new TypeError(`createResponsesServer: chunkSize must be a positive integer, got ${String(chunkSize)}`);
  }
  if (idleTimeoutMs !== undefined) {
    checkDuration(idleTimeoutMs, 'createResponsesServer: idleTimeoutMs', { zero: false, infinity: 'disable it' });
  }
  if (upstream !== undefined && !URL.canParse(`${upstream}/responses`)) {
    throw new TypeError(
      `createResponsesServer: upstream must be an absolute URL, got ${JSON.stringify(options.upstream)}`,
    );
  }
  const replay = upstream === undefined ? await validateReplaySource(options.replay ?? DEMO_REPLAY) : DEMO_REPLAY;
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new TypeError(`createResponsesServer: port must be a whole number from 0 to 65535, got ${port}`);
  const eventDelayMs = checkDuration(options.eventDelayMs ?? 0, 'createResponsesServer: eventDelayMs', { zero: true });
  const background = options.background ?? {};
  for (const key of ['maxResponses', 'ttlMs'] as const) {
    const value = background[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new TypeError(`createResponsesServer: background.${key} must be a positive integer, got ${String(value)}`);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (upstream !== undefined && typeof fetchImpl !== 'function')
    throw new TypeError('createResponsesServer: no fetch; pass options.fetch');
  return {
    mode,
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
    chunkSize,
    idleTimeoutMs,
    background: new BackgroundStore(background),
    allowedOrigins: validateAllowedOrigins(options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS),
    lifecycle: { requests: 0, closing: false },
  };
}
