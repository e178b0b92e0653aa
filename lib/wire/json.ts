/**
 * A wire event as plain JSON, before validation: what one SSE `data:` line holds. Used where events are built, replayed
 * or relayed as they are (the embedded server, the testing kit), not parsed.
 *
 * @module
 */

/** A wire event as a plain JSON object (what one SSE `data:` line holds). */
export type WireJson = { readonly type: string; readonly [key: string]: unknown };
