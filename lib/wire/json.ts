/**
 * A wire event as plain JSON, before validation: what one SSE `data:` line holds. Used where events are built, replayed
 * or relayed as they are (the embedded server, the testing kit), not parsed.
 *
 * @module
 */

/** A wire event as a plain JSON object (what one SSE `data:` line holds). */
export type WireJson = { readonly type: string; readonly [key: string]: unknown };

/**
 * True for a Responses stream event as plain JSON: an object whose `type` is `error` or starts with `response.` (every
 * event type of the streaming API's `ResponseStreamEvent` union, those this version does not know included). Another
 * JSON object with a string `type` (a `package.json`, an output item, a message) is no stream event.
 */
export function isStreamEventJson(value: unknown): value is WireJson {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && (type.startsWith('response.') || type === 'error');
}
