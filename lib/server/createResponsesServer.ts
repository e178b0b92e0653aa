/**
 * The embedded Responses server: a real `node:http` server that answers `POST /v1/responses` with SSE, replaying
 * recordings (or the bundled demo conversation) or relaying an upstream, in any provider shape, with injectable
 * faults. Part of the product: point any Responses client at `server.url` to reproduce a provider on a laptop.
 *
 * The parts, by job: `options` (validation and defaults), `routes` (which request goes where), `answerReplay` and
 * `answerPassthrough` (where an answer's events come from), `exchange` (SSE framing, shape and faults, per request),
 * `http` (JSON errors, request bodies), `log` and `summary` (what the server reports).
 *
 * @module
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { applyCors } from './cors';
import { sendJsonError } from './http';
import { type ResponsesServerOptions, resolveConfig } from './options';
import { route } from './routes';
import { acceptSockets } from './socket';
import type { ServerMode } from './summary';

export type { ResponsesServerOptions } from './options';
export type { ServerLogEntry } from './log';
export type { RequestOutcome, RequestSummary, ServerMode } from './summary';

/** A running embedded server. */
export interface ResponsesServer {
  /** The API root to give clients as their base URL, e.g. `http://127.0.0.1:54321/v1`. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The interface the server listens on. */
  readonly host: string;
  /** `'replay'`, `'passthrough'` or `'repair'`. */
  readonly mode: ServerMode;
  /** How many client connections are open right now. */
  readonly connections: number;
  /** Stops listening and closes every connection, stalled streams included. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Responses server on loopback. `POST /v1/responses` (and `/responses`) answers with SSE;
 * `GET /health` answers `{"ok":true}`.
 *
 * Replay mode (the default) serves recordings or the bundled demo conversation and needs no network; passthrough
 * mode (`upstream`) forwards each request and relays the upstream's events as they arrive; repair mode
 * (`mode: 'repair', upstream`) reads the upstream through `responseEvents` and writes the canonical stream again
 * (`serializeEvents`), event by event, so that any client gets every item of a final-only, done-only or
 * no-reasoning provider. In every mode, `shape` reproduces a provider's cut-down stream and `fault` injects failures.
 *
 * ```
 * client:  POST /v1/responses {model, input}
 * server:  replay(model) | upstream | upstream -> responseEvents -> serializeEvents
 *          --> shape --> faults --> SSE frames --> client
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
 * @throws TypeError (as a rejection) for invalid options: both `replay` and `upstream`, passthrough or repair without
 *   `upstream`, an unknown shape or fault, a missing recording.
 */
export async function createResponsesServer(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  const config = await resolveConfig(options);
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (request, response) => {
    if (applyCors(config.allowedOrigins, request, response)) return;
    route(config, request, response).catch((error: unknown) => {
      // A bug, not a client's fault: answer 500 when still possible, and never crash the host process.
      if (!response.headersSent)
        sendJsonError(response, 500, 'server_error', 'server_error', `responses-rx server error: ${String(error)}`);
      else response.destroy();
    });
  });
  // WebSocket mode on the same port: upgrades at /v1/responses (see ./socket).
  acceptSockets(config, server);
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
    close: () => {
      config.lifecycle.closing = true;
      return closeServer(server, sockets);
    },
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
