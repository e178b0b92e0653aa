// responses-rx/http: the HTTP client. One call from a request body to the event stream (streamResponse), a background
// response's stream by id (retrieveResponseEvents), cancelling one (cancelResponse), and the operators they use to
// send a request again before any output (retryBeforeOutput) or resume a dropped background stream (resumeStream).
// The main entry reads any Response or byte stream you already have; this subpath also makes the request, so apps
// that fetch themselves (or through another client) do not bundle it. WebSocket mode: responses-rx/websocket.
export {
  streamResponse,
  DEFAULT_BASE_URL,
  type StreamResponseOptions,
  type ResponsesRequestBody,
} from './streamResponse';
export { type ConnectionOptions } from './connection';
export {
  retrieveResponseEvents,
  type RetrieveResponseEventsOptions,
  type ResumeOptions,
} from './retrieveResponseEvents';
export { cancelResponse } from './cancelResponse';
export { resumeStream, type ResumeStreamConfig, type ResumeCursor } from '../operators/resumeStream';
export { retryBeforeOutput, type RetryBeforeOutputConfig } from '../operators/retryBeforeOutput';
export {
  backoffDelay,
  resolveBackoff,
  DEFAULT_BACKOFF,
  type BackoffConfig,
  type ResolvedBackoff,
} from '../policies/backoff';
