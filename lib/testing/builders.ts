/**
 * Small builders for Responses API wire events, output items and normalized events, so tests read as what they
 * mean instead of JSON blobs. Every builder returns a fresh plain object.
 *
 * @module
 */
import type { NormalizedEvent, PartKind, ResponseEvent } from '../events';
import type { WireJson } from '../wire/json';
import type { WireItem, WireResponse } from '../wire/schemas';

export type { WireJson } from '../wire/json';
export { items } from '../server/items';

interface PartRef {
  readonly itemId?: string;
  readonly outputIndex?: number;
}

const ref = (at: PartRef = {}): { item_id?: string; output_index?: number } => ({
  ...(at.itemId === undefined ? {} : { item_id: at.itemId }),
  ...(at.outputIndex === undefined ? {} : { output_index: at.outputIndex }),
});

/** Wire events, named after their JSON `type`. */
export const wire = {
  created(id = 'resp_1'): WireJson {
    return { type: 'response.created', response: { id, object: 'response', status: 'in_progress', output: [] } };
  },
  inProgress(id = 'resp_1'): WireJson {
    return { type: 'response.in_progress', response: { id, object: 'response', status: 'in_progress', output: [] } };
  },
  outputItemAdded(item: WireItem, outputIndex?: number): WireJson {
    return {
      type: 'response.output_item.added',
      item,
      ...(outputIndex === undefined ? {} : { output_index: outputIndex }),
    };
  },
  outputItemDone(item: WireItem, outputIndex?: number): WireJson {
    return {
      type: 'response.output_item.done',
      item,
      ...(outputIndex === undefined ? {} : { output_index: outputIndex }),
    };
  },
  contentPartAdded(at: PartRef = {}, contentIndex = 0): WireJson {
    return {
      type: 'response.content_part.added',
      ...ref(at),
      content_index: contentIndex,
      part: { type: 'output_text', text: '', annotations: [] },
    };
  },
  textDelta(delta: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return { type: 'response.output_text.delta', ...ref(at), content_index: contentIndex, delta };
  },
  textDone(text: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return { type: 'response.output_text.done', ...ref(at), content_index: contentIndex, text };
  },
  contentPartDone(text: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return {
      type: 'response.content_part.done',
      ...ref(at),
      content_index: contentIndex,
      part: { type: 'output_text', text, annotations: [] },
    };
  },
  summaryPartAdded(at: PartRef = {}, summaryIndex = 0): WireJson {
    return {
      type: 'response.reasoning_summary_part.added',
      ...ref(at),
      summary_index: summaryIndex,
      part: { type: 'summary_text', text: '' },
    };
  },
  summaryDelta(delta: string, at: PartRef = {}, summaryIndex = 0): WireJson {
    return { type: 'response.reasoning_summary_text.delta', ...ref(at), summary_index: summaryIndex, delta };
  },
  summaryDone(text: string, at: PartRef = {}, summaryIndex = 0): WireJson {
    return { type: 'response.reasoning_summary_text.done', ...ref(at), summary_index: summaryIndex, text };
  },
  reasoningTextDelta(delta: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return { type: 'response.reasoning_text.delta', ...ref(at), content_index: contentIndex, delta };
  },
  argumentsDelta(delta: string, at: PartRef = {}): WireJson {
    return { type: 'response.function_call_arguments.delta', ...ref(at), delta };
  },
  argumentsDone(args: string, at: PartRef = {}): WireJson {
    return { type: 'response.function_call_arguments.done', ...ref(at), arguments: args };
  },
  customInputDelta(delta: string, at: PartRef = {}): WireJson {
    return { type: 'response.custom_tool_call_input.delta', ...ref(at), delta };
  },
  completed(
    output: readonly WireItem[] = [],
    options: { id?: string; usage?: Record<string, unknown> } = {},
  ): WireJson {
    return {
      type: 'response.completed',
      response: {
        id: options.id ?? 'resp_1',
        object: 'response',
        status: 'completed',
        output,
        ...(options.usage === undefined ? {} : { usage: options.usage }),
      },
    };
  },
  failed(error?: { code?: string | null; message?: string }, id = 'resp_1'): WireJson {
    return {
      type: 'response.failed',
      response: { id, object: 'response', status: 'failed', output: [], ...(error === undefined ? {} : { error }) },
    };
  },
  incomplete(reason = 'max_output_tokens', id = 'resp_1'): WireJson {
    return {
      type: 'response.incomplete',
      response: { id, object: 'response', status: 'incomplete', output: [], incomplete_details: { reason } },
    };
  },
  error(code: string | null, message: string): WireJson {
    return { type: 'error', code, message, param: null };
  },
};

/** Normalized events, as `responseEvents` emits them. */
export const events = {
  created(responseId: string | undefined = 'resp_1'): ResponseEvent {
    return { type: 'created', responseId };
  },
  itemAdded(item: WireItem, outputIndex?: number): ResponseEvent {
    return { type: 'outputItemAdded', item, outputIndex };
  },
  itemDone(item: WireItem, outputIndex?: number, recovered = false): ResponseEvent {
    return { type: 'outputItemDone', item, outputIndex, recovered };
  },
  textDelta(delta: string, at: PartRef = {}, contentIndex = 0): ResponseEvent {
    return { type: 'outputTextDelta', delta, itemId: at.itemId, outputIndex: at.outputIndex, contentIndex };
  },
  summaryDelta(delta: string, at: PartRef = {}, summaryIndex = 0): ResponseEvent {
    return {
      type: 'reasoningSummaryDelta',
      delta,
      itemId: at.itemId,
      summaryIndex,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  reasoningContentDelta(delta: string, at: PartRef = {}, contentIndex = 0): ResponseEvent {
    return {
      type: 'reasoningContentDelta',
      delta,
      itemId: at.itemId,
      contentIndex,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  toolInputDelta(delta: string, at: PartRef & { callId?: string } = {}): ResponseEvent {
    return {
      type: 'toolCallInputDelta',
      delta,
      itemId: at.itemId,
      callId: at.callId,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  /** A `partDone` evidence event (between normalization and the fallback only). */
  partDone(part: PartKind, text: string, at: PartRef = {}, index = 0, partType?: string): NormalizedEvent {
    return {
      type: 'partDone',
      part,
      text,
      itemId: at.itemId,
      outputIndex: at.outputIndex,
      index,
      ...(partType === undefined ? {} : { partType }),
    };
  },
  completed(output: readonly WireItem[] = [], responseId = 'resp_1'): ResponseEvent {
    const response: WireResponse = { id: responseId, object: 'response', status: 'completed', output: [...output] };
    return { type: 'completed', responseId, usage: undefined, response };
  },
};
