import type { ItemEvidence, PartText, StreamState } from '../streamState';
import type { WireItem, WireResponse } from '../wire/schemas';
import { type RecoveryCandidate, byOutputIndex } from './fallbackPolicy';

/**
 * The default policy: recovers every item that did not arrive whole, so that every item is delivered exactly once
 * whichever subset of events the provider sent.
 *
 * - every item of `completed.output` the stream did not deliver, and
 * - every item whose text arrived only through deltas or `*.done` events and that `completed.output` lacks, rebuilt
 *   in the wire shape (see {@link rebuildFromEvidence}).
 *
 * ## Example
 * ```ts
 * import { responseEvents, recoverMissing } from 'responses-rx';
 *
 * responseEvents(response, { fallback: recoverMissing });
 * ```
 *
 * @param state the tracked stream state.
 * @param response the completed response.
 * @returns the candidates, in output order.
 */
export function recoverMissing(state: StreamState, response: WireResponse): readonly RecoveryCandidate[] {
  return [...undeliveredOutputItems(state, response), ...rebuildFromEvidence(state, response)].sort(byOutputIndex);
}

/**
 * The items of `completed.output` the stream did not deliver whole, with their output index.
 *
 * @param state the tracked stream state.
 * @param response the completed response.
 */
export function undeliveredOutputItems(state: StreamState, response: WireResponse): RecoveryCandidate[] {
  return state
    .matchOutput(response.output ?? [])
    .output.filter((match) => !match.delivered && !match.repeat)
    .map(({ item, outputIndex }) => ({ item, outputIndex }));
}

/**
 * Items whose text arrived (deltas, `output_text.done`, `content_part.done`, `reasoning_summary_text.done`,
 * `function_call_arguments.done`, …) but that were never delivered whole and that `completed.output` lacks (matched
 * by the rules of "How items are matched": id, `call_id`, content, output index, arrival order), rebuilt in the wire
 * shape:
 * a message `{type:'message', id, role:'assistant', status:'completed', content:[{type:'output_text', text, annotations:[]}]}`,
 * a reasoning item `{type:'reasoning', id, summary:[{type:'summary_text', text}]}` (plus `content` when raw reasoning
 * arrived), a function or custom tool call from its `output_item.added` plus its `arguments` / `input`.
 * A `*.done` text wins over the deltas of the same part. An item that was only announced (`output_item.added`, no
 * text: a web search call, an empty reasoning item) is recovered as announced, so that nothing is left behind.
 *
 * @param state the tracked stream state.
 * @param response the completed response.
 */
export function rebuildFromEvidence(state: StreamState, response: WireResponse): RecoveryCandidate[] {
  const candidates: RecoveryCandidate[] = [];
  for (const evidence of state.matchOutput(response.output ?? []).missing) {
    if (!(evidence.hasText || evidence.added !== undefined)) continue;
    const item = rebuild(evidence);
    if (item) candidates.push({ item, outputIndex: evidence.outputIndex });
  }
  return candidates;
}

function texts(parts: ReadonlyMap<number, PartText>): string[] {
  return [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part.text);
}

function rebuild(evidence: ItemEvidence): WireItem | undefined {
  const id = evidence.added?.id ?? evidence.itemId;
  const base = { ...evidence.added, ...(id === undefined ? {} : { id }) };
  const kind = evidence.added ? evidence.added.type : evidence.kind;
  if (kind === 'message' || (evidence.content.size > 0 && evidence.toolInput === undefined && kind === 'other')) {
    return {
      ...base,
      type: 'message',
      role: (evidence.added?.['role'] as string | undefined) ?? 'assistant',
      status: 'completed',
      content: texts(evidence.content).map((text) => ({ type: 'output_text', text, annotations: [] })),
    };
  }
  if (kind === 'reasoning') {
    const item: { [key: string]: unknown } = {
      ...base,
      type: 'reasoning',
      summary: texts(evidence.summary).map((text) => ({ type: 'summary_text', text })),
    };
    if (evidence.reasoningContent.size > 0) {
      item['content'] = texts(evidence.reasoningContent).map((text) => ({ type: 'reasoning_text', text }));
    }
    return item as WireItem;
  }
  if (evidence.toolInput !== undefined) {
    const callId = (evidence.added?.['call_id'] as string | undefined) ?? evidence.callId;
    const withCall = callId === undefined ? {} : { call_id: callId };
    if (kind === 'custom_tool_call') {
      return { ...base, ...withCall, type: 'custom_tool_call', status: 'completed', input: evidence.toolInput.text };
    }
    if (kind === 'function_call' || kind === 'other') {
      return { ...base, ...withCall, type: 'function_call', status: 'completed', arguments: evidence.toolInput.text };
    }
    // Another tool (mcp_call, …) announced by output_item.added: keep it, with the input that streamed.
    return { ...base, type: kind, status: 'completed', arguments: evidence.toolInput.text };
  }
  // Announced only, with no text: the item as announced.
  return evidence.added === undefined ? undefined : (base as WireItem);
}
