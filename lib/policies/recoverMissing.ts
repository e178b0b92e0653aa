import { INPUT_FIELD, type ItemEvidence, type PartText, type StreamState } from '../streamState';
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
  const candidates = undeliveredOutputItems(state, response);
  candidates.push(...rebuildFromEvidence(state, response));
  return candidates.sort(byOutputIndex);
}

/**
 * The items of `completed.output` the stream did not deliver whole, with their output index.
 *
 * @param state the tracked stream state.
 * @param response the completed response.
 */
export function undeliveredOutputItems(state: StreamState, response: WireResponse): RecoveryCandidate[] {
  // Built by push, not by filter and map (see `StreamTracker.pairOutput`).
  const candidates: RecoveryCandidate[] = [];
  for (const match of state.matchOutput(response.output ?? []).output) {
    if (!match.delivered && !match.repeat) candidates.push({ item: match.item, outputIndex: match.outputIndex });
  }
  return candidates;
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

/** A message's content parts in `content_index` order: text parts with their annotations, and refusal parts. */
function messageContent(evidence: ItemEvidence): Record<string, unknown>[] {
  const indexes = [...new Set([...evidence.content.keys(), ...evidence.refusals.keys()])].sort((a, b) => a - b);
  return indexes.map((index) => {
    const refusal = evidence.refusals.get(index);
    if (refusal !== undefined && !evidence.content.has(index)) return { type: 'refusal', refusal: refusal.text };
    const annotations = (evidence.annotations.get(index) ?? []).filter((annotation) => annotation !== undefined);
    return { type: 'output_text', text: evidence.content.get(index)?.text ?? '', annotations };
  });
}

/** Where a hosted tool call stands when the response completed: `failed` if a progress event said so. */
function finalStatus(evidence: ItemEvidence): string {
  return evidence.toolStatus === 'failed' ? 'failed' : 'completed';
}

function rebuild(evidence: ItemEvidence): WireItem | undefined {
  const id = evidence.added?.id ?? evidence.itemId;
  const base: { readonly [key: string]: unknown } = { ...evidence.added, ...(id === undefined ? {} : { id }) };
  const kind = evidence.added ? evidence.added.type : evidence.kind;
  if (
    kind === 'message' ||
    (kind === 'other' && (evidence.content.size > 0 || evidence.refusals.size > 0) && evidence.toolInput === undefined)
  ) {
    return {
      ...base,
      type: 'message',
      role: (evidence.added?.['role'] as string | undefined) ?? 'assistant',
      status: 'completed',
      content: messageContent(evidence),
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
  const callId = (evidence.added?.['call_id'] as string | undefined) ?? evidence.callId;
  const withCall = callId === undefined ? {} : { call_id: callId };
  const type = kind === 'other' ? (evidence.toolInput !== undefined ? 'function_call' : undefined) : kind;
  if (type === undefined) return evidence.added === undefined ? undefined : (base as WireItem);
  const item: { [key: string]: unknown } = { ...base, ...withCall, type };
  const input = evidence.toolInput;
  if (input !== undefined) {
    const field = INPUT_FIELD[type];
    if (field !== undefined) item[field] = input.text;
    else if (type === 'shell_call') {
      const action = (typeof base['action'] === 'object' && base['action'] !== null ? base['action'] : {}) as object;
      item['action'] = { ...action, commands: texts(evidence.commands) };
    } else if (type === 'apply_patch_call') {
      const operation = (
        typeof base['operation'] === 'object' && base['operation'] !== null ? base['operation'] : {}
      ) as object;
      item['operation'] = { ...operation, diff: input.text };
    } else item['arguments'] = input.text;
  }
  if (type === 'image_generation_call' && evidence.partialImage !== undefined && !base['result']) {
    // The final image travels only in the item; the latest partial image is the closest the stream carried.
    item['result'] = evidence.partialImage;
  }
  if (type === 'shell_call_output' && evidence.shellOutput.size > 0) {
    item['output'] = [...evidence.shellOutput.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, out]) => out.final ?? { stdout: out.stdout, stderr: out.stderr });
  }
  if (type === 'mcp_call' && evidence.toolStatus === 'failed' && base['error'] == null) {
    item['error'] = 'The MCP call failed (response.mcp_call.failed); the stream carried no error details.';
  }
  // A hosted tool, or a call whose input streamed: final now that the response completed.
  if (evidence.toolStatus !== undefined || input !== undefined || 'status' in base)
    item['status'] = finalStatus(evidence);
  return item as WireItem;
}
