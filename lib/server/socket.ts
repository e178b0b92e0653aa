/**
 * WebSocket mode of the embedded server, on the same port as HTTP: an upgrade at `/v1/responses` (and `/responses`)
 * opens a socket on which each `{"type":"response.create", …}` message is answered like a `POST /v1/responses` with
 * `stream: true` (same replay, passthrough or repair, shapes, faults, log), its events sent as JSON text messages.
 * Requests of one lane (`stream_id`, echoed in each event of its answers) are answered in order; lanes side by side.
 *
 * Faults over a socket: `drop-after=N` / `reset-after=N` cut the TCP connection (every lane of the socket fails),
 * `stall-after=N` silences the request's lane (the socket and the other lanes go on), `drop-completed` closes the
 * socket instead of sending `response.completed`, `malformed` cuts the JSON of a message, `http-error` answers with an
 * `error` event carrying the status; `chunk` does nothing (a message arrives whole).
 *
 * @module
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isAllowedOrigin } from './cors';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';
import { RESPONSES_PATHS, answerCreate, nextRequestId } from './routes';
import { SocketExchange } from './socketExchange';

/** The largest message a client may send, in bytes (as for a request body). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Accepts WebSocket upgrades at the create endpoint of `server`; refuses other paths and disallowed origins. */
export function acceptSockets(config: ServerConfig, server: Server): void {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, tcp: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    if (!RESPONSES_PATHS.has(path)) return refuse(tcp, 404, `No WebSocket at ${path}; use /v1/responses.`);
    const origin = request.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(origin, config.allowedOrigins))
      return refuse(tcp, 403, `Origin ${origin} is not allowed; add it to allowedOrigins.`);
    sockets.handleUpgrade(request, tcp, head, (ws) => serveSocket(config, ws, request, tcp as Socket));
  });
}

/** Answers the `response.create` messages of one socket, lane by lane. */
function serveSocket(config: ServerConfig, ws: WebSocket, request: IncomingMessage, tcp: Socket): void {
  const lanes = new Map<string, Promise<void>>();
  ws.on('error', () => undefined); // a broken socket closes; its exchanges see that
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const message = readMessage(data, isBinary);
    const streamId = typeof message === 'object' && typeof message.stream_id === 'string' ? message.stream_id : '';
    if (typeof message === 'string') {
      ws.send(JSON.stringify(errorEvent(400, 'invalid_request_error', 'invalid_json', message)));
      return;
    }
    const { type, stream_id: _lane, ...body } = message;
    if (type !== 'response.create') {
      const error = errorEvent(
        400,
        'invalid_request_error',
        'unknown_event_type',
        `Unknown client event type ${JSON.stringify(type)}; send {"type":"response.create", …}.`,
      );
      ws.send(JSON.stringify(streamId === '' ? error : { ...error, stream_id: streamId }));
      return;
    }
    const previous = lanes.get(streamId) ?? Promise.resolve();
    const next = previous.then(() => answerMessage(config, body, request, ws, tcp, streamId || undefined));
    lanes.set(streamId, next);
    void next.finally(() => {
      if (lanes.get(streamId) === next) lanes.delete(streamId);
    });
  });
}

/** Answers one `response.create`: its body as a streaming `POST /responses` body. */
async function answerMessage(
  config: ServerConfig,
  body: ResponsesRequest,
  request: IncomingMessage,
  ws: WebSocket,
  tcp: Socket,
  streamId: string | undefined,
): Promise<void> {
  if (ws.readyState !== ws.OPEN) return;
  const exchange = new SocketExchange(config, nextRequestId(config), ws, tcp, streamId);
  try {
    if (body['background'] === true) {
      exchange.begin(body);
      exchange.reject(
        400,
        'invalid_request_error',
        'unsupported_parameter',
        'background is not supported over a WebSocket; POST /v1/responses instead.',
        {},
        'background',
      );
      return;
    }
    await answerCreate(config, { ...body, stream: true }, request, exchange);
  } catch (error) {
    // A bug, not a client's fault: answer with an error event, never crash the host process.
    exchange.reject(500, 'server_error', 'server_error', `responses-rx server error: ${String(error)}`);
  }
}

/** The JSON object of a text message, or a string saying why it is not one. */
function readMessage(data: RawData, isBinary: boolean): (ResponsesRequest & { stream_id?: unknown }) | string {
  if (isBinary) return 'Send client events as JSON text messages.';
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(new Uint8Array(data)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'The message is not valid JSON.';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'The message must be a JSON object.';
  return json as ResponsesRequest;
}

function errorEvent(status: number, type: string, code: string, message: string): Record<string, unknown> {
  return { type: 'error', status, error: { type, code, message, param: null } };
}

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
function refuse(tcp: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'not_allowed' } });
  tcp.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Forbidden'}\r\nconnection: close\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
