// responses-rx/serialize: normalized events back to the canonical Responses stream (the inverse of reading), for
// servers, proxies and edge functions that re-emit what they read. Kept out of the main entry so that apps which only
// read streams do not bundle the writer.
export { serializeEvents } from './serializeEvents';
export { DEFAULT_CHUNK_SIZE, type CanonicalWireEvent, type SerializeEventsOptions } from './wireWriter';
export { encodeSSE, encodeSSEBytes, type TypedEvent } from './encodeSSE';
