/**
 * Small builders for Responses API wire events, output items and normalized events, so tests read as what they
 * mean instead of JSON blobs. Every builder returns a fresh plain object.
 *
 * @module
 */
import type {
  NormalizedEvent,
  PartKind,
  ResponseEvent,
  ToolInputItemType,
  ToolProgressItemType,
  ToolProgressStatus,
} from '../events';
import type { WireJson } from '../wire/json';
import type { WireItem, WireResponse } from '../wire/schemas';

export type { WireJson } from '../wire/json';
export { items, type AnnotationJson } from '../server/items';
import type { AnnotationJson } from '../server/items';

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
  queued(id = 'resp_1'): WireJson {
    return { type: 'response.queued', response: { id, object: 'response', status: 'queued', output: [] } };
  },
  /** `response.content_part.added`: an empty `output_text` part, or an empty `refusal` part. */
  contentPartAdded(at: PartRef = {}, contentIndex = 0, partType: 'output_text' | 'refusal' = 'output_text'): WireJson {
    return {
      type: 'response.content_part.added',
      ...ref(at),
      content_index: contentIndex,
      part:
        partType === 'refusal' ? { type: 'refusal', refusal: '' } : { type: 'output_text', text: '', annotations: [] },
    };
  },
  annotationAdded(annotation: AnnotationJson, at: PartRef = {}, contentIndex = 0, annotationIndex = 0): WireJson {
    return {
      type: 'response.output_text.annotation.added',
      ...ref(at),
      content_index: contentIndex,
      annotation_index: annotationIndex,
      annotation,
    };
  },
  refusalDelta(delta: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return { type: 'response.refusal.delta', ...ref(at), content_index: contentIndex, delta };
  },
  refusalDone(refusal: string, at: PartRef = {}, contentIndex = 0): WireJson {
    return { type: 'response.refusal.done', ...ref(at), content_index: contentIndex, refusal };
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
  summaryPartDone(text: string, at: PartRef = {}, summaryIndex = 0): WireJson {
    return {
      type: 'response.reasoning_summary_part.done',
      ...ref(at),
      summary_index: summaryIndex,
      part: { type: 'summary_text', text },
    };
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
  customInputDone(input: string, at: PartRef = {}): WireJson {
    return { type: 'response.custom_tool_call_input.done', ...ref(at), input };
  },
  codeDelta(delta: string, at: PartRef = {}): WireJson {
    return { type: 'response.code_interpreter_call_code.delta', ...ref(at), delta };
  },
  codeDone(code: string, at: PartRef = {}): WireJson {
    return { type: 'response.code_interpreter_call_code.done', ...ref(at), code };
  },
  mcpArgumentsDelta(delta: string, at: PartRef = {}): WireJson {
    return { type: 'response.mcp_call_arguments.delta', ...ref(at), delta };
  },
  mcpArgumentsDone(args: string, at: PartRef = {}): WireJson {
    return { type: 'response.mcp_call_arguments.done', ...ref(at), arguments: args };
  },
  shellCommandAdded(command: string, at: PartRef = {}, commandIndex = 0): WireJson {
    return { type: 'response.shell_call_command.added', ...ref(at), command_index: commandIndex, command };
  },
  shellCommandDelta(delta: string, at: PartRef = {}, commandIndex = 0): WireJson {
    return { type: 'response.shell_call_command.delta', ...ref(at), command_index: commandIndex, delta };
  },
  shellCommandDone(command: string, at: PartRef = {}, commandIndex = 0): WireJson {
    return { type: 'response.shell_call_command.done', ...ref(at), command_index: commandIndex, command };
  },
  shellOutputDelta(delta: { stdout?: string; stderr?: string }, at: PartRef = {}, commandIndex = 0): WireJson {
    return { type: 'response.shell_call_output_content.delta', ...ref(at), command_index: commandIndex, delta };
  },
  shellOutputDone(
    output: readonly { stdout?: string; stderr?: string; outcome?: unknown }[],
    at: PartRef = {},
    commandIndex = 0,
  ): WireJson {
    return { type: 'response.shell_call_output_content.done', ...ref(at), command_index: commandIndex, output };
  },
  applyPatchDiffDelta(delta: string, at: PartRef = {}): WireJson {
    return { type: 'response.apply_patch_call_operation_diff.delta', ...ref(at), delta };
  },
  applyPatchDiffDone(diff: string, at: PartRef = {}): WireJson {
    return { type: 'response.apply_patch_call_operation_diff.done', ...ref(at), diff };
  },
  /**
   * A hosted tool's progress: `response.<itemType>.<status>`, e.g. `toolProgress('web_search_call', 'searching')`.
   */
  toolProgress(itemType: ToolProgressItemType, status: ToolProgressStatus, at: PartRef = {}): WireJson {
    return { type: `response.${itemType}.${status}`, ...ref(at) };
  },
  partialImage(
    b64: string,
    at: PartRef = {},
    partialImageIndex = 0,
    extra: { size?: string; output_format?: string; quality?: string; background?: string } = {},
  ): WireJson {
    return {
      type: 'response.image_generation_call.partial_image',
      ...ref(at),
      partial_image_index: partialImageIndex,
      partial_image_b64: b64,
      ...extra,
    };
  },
  audioDelta(delta: string): WireJson {
    return { type: 'response.audio.delta', delta };
  },
  audioDone(): WireJson {
    return { type: 'response.audio.done' };
  },
  audioTranscriptDelta(delta: string): WireJson {
    return { type: 'response.audio.transcript.delta', delta };
  },
  audioTranscriptDone(): WireJson {
    return { type: 'response.audio.transcript.done' };
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
  queued(responseId: string | undefined = 'resp_1'): ResponseEvent {
    return { type: 'queued', responseId };
  },
  inProgress(responseId: string | undefined = 'resp_1'): ResponseEvent {
    return { type: 'inProgress', responseId };
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
  toolInputDelta(
    delta: string,
    at: PartRef & { callId?: string; commandIndex?: number } = {},
    itemType: ToolInputItemType = 'function_call',
  ): ResponseEvent {
    return {
      type: 'toolCallInputDelta',
      delta,
      itemType,
      itemId: at.itemId,
      callId: at.callId,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
      ...(at.commandIndex === undefined ? {} : { commandIndex: at.commandIndex }),
    };
  },
  annotationAdded(annotation: AnnotationJson, at: PartRef = {}, contentIndex = 0, annotationIndex = 0): ResponseEvent {
    return {
      type: 'outputTextAnnotationAdded',
      annotation,
      annotationIndex,
      itemId: at.itemId,
      contentIndex,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  refusalDelta(delta: string, at: PartRef = {}, contentIndex = 0): ResponseEvent {
    return {
      type: 'refusalDelta',
      delta,
      itemId: at.itemId,
      contentIndex,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  toolProgress(itemType: ToolProgressItemType, status: ToolProgressStatus, at: PartRef = {}): ResponseEvent {
    return {
      type: 'toolCallProgress',
      itemType,
      status,
      itemId: at.itemId,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  shellOutputDelta(stdout: string, stderr = '', at: PartRef = {}, commandIndex = 0): ResponseEvent {
    return {
      type: 'toolCallOutputDelta',
      itemType: 'shell_call_output',
      stdout,
      stderr,
      itemId: at.itemId,
      commandIndex,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  partialImage(partialImageB64: string, at: PartRef = {}, partialImageIndex = 0): ResponseEvent {
    return {
      type: 'partialImage',
      partialImageB64,
      partialImageIndex,
      itemId: at.itemId,
      ...(at.outputIndex === undefined ? {} : { outputIndex: at.outputIndex }),
    };
  },
  unknown(event: WireJson): ResponseEvent {
    return { type: 'unknownEvent', wireType: event.type, event };
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
