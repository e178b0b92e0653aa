// bytes -> SSE messages
export { chunksOf, type SseSource, type SseChunk, type ResponseLike } from './sse/source';
export {
  fromSSE,
  DEFAULT_MAX_EVENT_SIZE,
  type SseMessage,
  type SseEventMessage,
  type SseCommentMessage,
  type FromSSEOptions,
} from './sse/fromSSE';

// SSE messages -> wire events
export {
  wireEventSchemas,
  wireItemSchema,
  wireResponseSchema,
  isKnownWireEventType,
  type WireEvent,
  type WireEventOf,
  type WireItem,
  type WireResponse,
  type WireUsage,
  type WireErrorObject,
  type KnownWireEventType,
  type UnknownWireEvent,
} from './wire/schemas';
export { parseWireEvent } from './wire/parseWireEvent';
export {
  toWireEvents,
  type ToWireEventsOptions,
  type SequenceGap,
  type SequenceAnomaly,
} from './operators/toWireEvents';

// wire events -> normalized events
export type {
  ResponseEvent,
  ResponseEventType,
  CreatedEvent,
  QueuedEvent,
  InProgressEvent,
  SequencedEvent,
  OutputItemAddedEvent,
  OutputItemDoneEvent,
  OutputTextDeltaEvent,
  ReasoningSummaryDeltaEvent,
  ReasoningContentDeltaEvent,
  ReasoningSummaryPartAddedEvent,
  ToolCallInputDeltaEvent,
  ToolInputItemType,
  OutputTextAnnotationAddedEvent,
  RefusalDeltaEvent,
  ToolCallProgressEvent,
  ToolProgressItemType,
  ToolProgressStatus,
  ToolCallOutputDeltaEvent,
  PartialImageEvent,
  AudioDeltaEvent,
  AudioTranscriptDeltaEvent,
  UnknownEvent,
  CompletedEvent,
  Usage,
  PartDoneEvent,
  PartKind,
  NormalizedEvent,
} from './events';
export { normalizeEvents, normalizeWireEvent, toUsage } from './operators/normalizeEvents';

// normalized events -> exactly-once consumer events
export { trackStreamedKinds, type TrackedEvent } from './operators/trackStreamedKinds';
export { fallbackFromCompleted } from './operators/fallbackFromCompleted';
export { emitCompletedOnce } from './operators/emitCompletedOnce';
export { idleTimeout, type IdleTimeoutConfig } from './operators/idleTimeout';
export type {
  StreamState,
  StreamedKinds,
  DeliveredItem,
  ItemEvidence,
  EvidenceKind,
  ShellOutputEvidence,
  PartText,
  OutputItemMatch,
  OutputMatches,
} from './streamState';
export type { FallbackPolicy, RecoveryCandidate } from './policies/fallbackPolicy';
export { recoverMissing, undeliveredOutputItems, rebuildFromEvidence } from './policies/recoverMissing';
export { recoverByStreamedKinds } from './policies/recoverByStreamedKinds';
export { recoverNothing } from './policies/recoverNothing';
export {
  responseEvents,
  normalizedEventsOf,
  deliverExactlyOnce,
  DEFAULT_IDLE_TIMEOUT_MS,
  type ResponseEventsOptions,
  type NormalizedEventsOptions,
} from './responseEvents';
export { onlyItemsSeen } from './policies/onlyItemsSeen';

// errors
export {
  ResponsesRxError,
  MalformedEventError,
  ProtocolMismatchError,
  EventTooLargeError,
  ResponseFailedError,
  ResponseIncompleteError,
  StreamClosedError,
  IdleTimeoutError,
  HttpError,
  UnexpectedContentTypeError,
  ConnectionError,
  ResumeRefusedError,
  ResponseCancelledError,
  InvalidRecordingError,
  isResponsesRxError,
  NON_RETRYABLE_SERVER_CODES,
  isRetryableStatus,
  parseRetryAfterMessage,
  type ResponsesRxErrorCode,
  type FailureSource,
  type ServerErrorObject,
  isRetryableServerCode,
  type AnyResponsesRxError,
  type EventIssue,
  type ApiErrorBody,
} from './errors';

// HTTP answers you fetched yourself. The HTTP client (streamResponse, retrieveResponseEvents, cancelResponse,
// resumeStream, retryBeforeOutput, the backoff) is in responses-rx/http, WebSocket mode in responses-rx/websocket.
export { checkEventStream, toHttpError, parseApiError } from './http/checkResponse';
export { parseRetryAfter, type HeaderLookup } from './http/retryAfter';

// consumers: responses-rx/transcript (toTranscript), responses-rx/serialize, responses-rx/terminal

// The terminal renderer is in responses-rx/terminal, the embedded server in responses-rx/server (both Node only), the
// builders and provider shapes in responses-rx/testing (and the shapes in responses-rx/server).
