// responses-rx/websocket: the Responses API's WebSocket mode, many responses over one socket, each read through the
// same pipeline as an HTTP stream (browser WebSocket, or ws in Node). Kept out of the main entry so that apps that
// stream over HTTP do not bundle it.
export {
  responsesSocket,
  DEFAULT_CLOSE_WHEN_IDLE_MS,
  type ResponsesSocket,
  type ResponsesSocketOptions,
  type CreateOptions,
  type WebSocketLike,
  type WebSocketConstructor,
} from './responsesSocket';
