import type { StreamState } from '../streamState';
import type { WireItem, WireResponse } from '../wire/schemas';

/** An item a policy proposes to recover, with its position in the response's output. */
export interface RecoveryCandidate {
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
}

/**
 * Decides, at `response.completed`, which items to recover: a plain function of the tracked state and the completed
 * response. It may return anything; `fallbackFromCompleted` still never emits an item the stream already delivered,
 * nor the same item twice.
 */
export type FallbackPolicy = (state: StreamState, response: WireResponse) => readonly RecoveryCandidate[];

/** Orders candidates by output index; those without one go last, in the order given. */
export function byOutputIndex(a: RecoveryCandidate, b: RecoveryCandidate): number {
  return (a.outputIndex ?? Number.MAX_SAFE_INTEGER) - (b.outputIndex ?? Number.MAX_SAFE_INTEGER);
}
