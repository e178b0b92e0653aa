import type { RecoveryCandidate } from './fallbackPolicy';

/**
 * Recovers nothing: only what the stream delivered reaches the consumer.
 *
 * ## Example
 * ```ts
 * import { responseEvents, recoverNothing } from 'responses-rx';
 *
 * responseEvents(response, { fallback: recoverNothing });
 * ```
 *
 * @returns an empty list.
 */
export function recoverNothing(): readonly RecoveryCandidate[] {
  return [];
}
