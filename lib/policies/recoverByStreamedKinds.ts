import type { StreamState } from '../streamState';
import type { WireResponse } from '../wire/schemas';
import type { RecoveryCandidate } from './fallbackPolicy';
import { undeliveredOutputItems } from './recoverMissing';

/**
 * The rule codex uses for final-only providers, by streamed kinds alone:
 * - no text, reasoning or tool-input delta streamed and no `output_item.done` arrived → every output item;
 * - text streamed but neither a reasoning delta nor a reasoning `output_item.done` arrived → only the reasoning items;
 * - otherwise nothing.
 *
 * Unlike {@link recoverMissing} it never rebuilds items from deltas or `*.done` events, so a provider that sends
 * text only in `output_text.done` with an empty `completed.output` yields no answer.
 *
 * ## Example
 * ```ts
 * import { responseEvents, recoverByStreamedKinds } from 'responses-rx';
 *
 * responseEvents(response, { fallback: recoverByStreamedKinds });
 * ```
 *
 * @param state the tracked stream state.
 * @param response the completed response.
 * @returns the candidates, in output order.
 */
export function recoverByStreamedKinds(state: StreamState, response: WireResponse): readonly RecoveryCandidate[] {
  const { text, reasoning, toolInput } = state.streamed;
  if (!text && !reasoning && !toolInput && state.delivered.length === 0) {
    return (response.output ?? []).map((item, outputIndex) => ({ item, outputIndex }));
  }
  if (text && !reasoning && !state.reasoningDelivered) {
    return undeliveredOutputItems(state, response).filter((candidate) => candidate.item.type === 'reasoning');
  }
  return [];
}
