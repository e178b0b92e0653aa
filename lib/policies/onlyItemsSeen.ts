import type { FallbackPolicy } from './fallbackPolicy';

/**
 * Wraps a policy for a stream that continues another (read with `starting_after`): only the candidates this stream
 * carried some of (an `outputItemAdded`, a delta, a `*.done` part, a delivered item — matched by the tracker's own
 * rule) are kept. An item of `completed.output` with no trace after the cursor finished before it and was
 * delivered then, so it is not recovered again.
 *
 * ## Example
 * ```ts
 * import { onlyItemsSeen, recoverMissing, responseEvents } from 'responses-rx';
 *
 * responseEvents(resumedResponse, { fallback: onlyItemsSeen(recoverMissing) });
 * ```
 *
 * @param policy the policy to narrow.
 * @returns a policy that returns what `policy` returns, minus the items this stream never carried.
 */
export function onlyItemsSeen(policy: FallbackPolicy): FallbackPolicy {
  if (typeof policy !== 'function') throw new TypeError('onlyItemsSeen: policy must be a function');
  return (state, response) => policy(state, response).filter(({ item, outputIndex }) => state.saw(item, outputIndex));
}
