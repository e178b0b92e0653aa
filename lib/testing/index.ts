export { items, wire, events, type WireJson } from './builders';
export {
  createShaper,
  applyShape,
  streamedEvents,
  tokenize,
  isProviderShape,
  PROVIDER_SHAPES,
  type ProviderShape,
} from '../server/shapes';
export { toSseText, splitBytes, splitAt, parseJsonLines, type ToSseTextOptions } from './sse';
export { createTestScheduler } from './marbles';
