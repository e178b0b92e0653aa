// responses-rx/server: the embedded Responses server (Node only: node:http, node:fs). Kept out of the main entry so
// that browser apps importing 'responses-rx' never pull Node built-ins into their bundle.
export {
  createResponsesServer,
  type ResponsesServer,
  type ResponsesServerOptions,
  type ServerMode,
  type RequestOutcome,
  type RequestSummary,
  type ServerLogEntry,
} from './createResponsesServer';
export { closeOnSignals, type CloseOnSignalsOptions } from './closeOnSignals';
export { DEFAULT_ALLOWED_ORIGINS, isAllowedOrigin, type AllowedOrigins } from './cors';
export {
  parseFault,
  validateFault,
  FAULT_KINDS,
  DEFAULT_MALFORMED_EVENT,
  DEFAULT_RETRY_AFTER_SECONDS,
  type Fault,
  type FaultKind,
} from './faults';
export {
  loadRecording,
  parseRecording,
  parseSseRecording,
  detectRecordingFormat,
  DEMO_REPLAY,
  type ReplaySource,
  type ReplayEvents,
  type ResponsesRequest,
} from './replay';
export { DEMO_CONVERSATION, demoTurnEvents, demoTurnIndex, type DemoTurn } from './conversation';
export type { StreamDigest } from './summary';
export {
  createShaper,
  applyShape,
  streamedEvents,
  tokenize,
  isProviderShape,
  PROVIDER_SHAPES,
  type ProviderShape,
} from './shapes';
