/**
 * The normalized events: what consumers of `responseEvents` and `streamResponse` receive, whichever subset of wire
 * events a provider sent. A union discriminated on `type`.
 *
 * @module
 */
import type { WireItem, WireResponse } from './wire/schemas';

/** Token counts of a completed response; missing details read as 0. */
export interface Usage {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningOutputTokens: number;
  readonly totalTokens: number;
}

/**
 * What every event a stream sent carries: its place in the stream. Events the fallback recovers were never sent, so
 * they have none.
 */
export interface SequencedEvent {
  /**
   * The wire event's `sequence_number`, when the server sent one: the cursor to resume a background response after
   * it (`GET /v1/responses/{id}?stream=true&starting_after=<sequenceNumber>`). Source: the Responses API streaming
   * events reference (every event has `sequence_number`).
   */
  readonly sequenceNumber?: number | undefined;
}

/** A response started (`response.created`). */
export interface CreatedEvent extends SequencedEvent {
  readonly type: 'created';
  readonly responseId?: string | undefined;
}

/**
 * A background response is waiting for capacity (`response.queued`, status `queued`); `created` came before it, and
 * output follows once it runs.
 */
export interface QueuedEvent extends SequencedEvent {
  readonly type: 'queued';
  readonly responseId?: string | undefined;
}

/**
 * The response is being generated (`response.in_progress`, status `in_progress`): after `created`, and after
 * `queued` once a background response runs. Informative: no item depends on it.
 */
export interface InProgressEvent extends SequencedEvent {
  readonly type: 'inProgress';
  readonly responseId?: string | undefined;
}

/** An output item was announced (`response.output_item.added`); its content follows as deltas. */
export interface OutputItemAddedEvent extends SequencedEvent {
  readonly type: 'outputItemAdded';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
}

/**
 * An output item is final. `recovered` is false when the stream delivered it (`response.output_item.done`) and true
 * when the fallback recovered it from `response.completed` (or rebuilt it from deltas and `*.done` events).
 */
export interface OutputItemDoneEvent extends SequencedEvent {
  readonly type: 'outputItemDone';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
  readonly recovered: boolean;
}

/** A piece of the assistant's answer text (`response.output_text.delta`). */
export interface OutputTextDeltaEvent extends SequencedEvent {
  readonly type: 'outputTextDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly contentIndex?: number | undefined;
  /**
   * The log probabilities of the delta's tokens, as the server sent them (`logprobs`, only when the request asked
   * for them with `include: ["message.output_text.logprobs"]`); absent when the server sent none or an empty list.
   */
  readonly logprobs?: readonly unknown[] | undefined;
}

/**
 * A citation or file path was attached to the answer text (`response.output_text.annotation.added`): a
 * `url_citation` (`url`, `title`, `start_index`, `end_index`), `file_citation`, `container_file_citation` or
 * `file_path`, as received.
 */
export interface OutputTextAnnotationAddedEvent extends SequencedEvent {
  readonly type: 'outputTextAnnotationAdded';
  readonly annotation: { readonly type: string; readonly [key: string]: unknown };
  /** The annotation's position among the part's annotations (`annotation_index`). */
  readonly annotationIndex: number;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly contentIndex: number;
}

/** A piece of the model's refusal (`response.refusal.delta`): the message's `refusal` content part, streaming. */
export interface RefusalDeltaEvent extends SequencedEvent {
  readonly type: 'refusalDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly contentIndex: number;
}

/** A piece of a reasoning summary (`response.reasoning_summary_text.delta`). */
export interface ReasoningSummaryDeltaEvent extends SequencedEvent {
  readonly type: 'reasoningSummaryDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A piece of raw reasoning content (`response.reasoning_text.delta`). */
export interface ReasoningContentDeltaEvent extends SequencedEvent {
  readonly type: 'reasoningContentDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly contentIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A new reasoning summary part begins (`response.reasoning_summary_part.added`). */
export interface ReasoningSummaryPartAddedEvent extends SequencedEvent {
  readonly type: 'reasoningSummaryPartAdded';
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** The item types whose input streams, as {@link ToolCallInputDeltaEvent.itemType}. */
export type ToolInputItemType =
  'function_call' | 'custom_tool_call' | 'code_interpreter_call' | 'mcp_call' | 'shell_call' | 'apply_patch_call';

/**
 * A piece of a tool call's input, whatever the tool: function-call arguments (`response.function_call_arguments.delta`),
 * custom-tool input (`response.custom_tool_call_input.delta`), code-interpreter code
 * (`response.code_interpreter_call_code.delta`), MCP arguments (`response.mcp_call_arguments.delta`), a shell
 * command (`response.shell_call_command.added` / `.delta`; `commandIndex` says which command of the call), or an
 * apply_patch diff (`response.apply_patch_call_operation_diff.delta`).
 */
export interface ToolCallInputDeltaEvent extends SequencedEvent {
  readonly type: 'toolCallInputDelta';
  readonly delta: string;
  /** The item the input belongs to: `function_call`, `custom_tool_call`, `code_interpreter_call`, … */
  readonly itemType: ToolInputItemType;
  readonly itemId?: string | undefined;
  readonly callId?: string | undefined;
  readonly outputIndex?: number | undefined;
  /** For `shell_call`: the index of the command in `action.commands`. */
  readonly commandIndex?: number | undefined;
}

/** The hosted-tool items whose progress streams, as {@link ToolCallProgressEvent.itemType}. */
export type ToolProgressItemType =
  | 'web_search_call'
  | 'file_search_call'
  | 'code_interpreter_call'
  | 'image_generation_call'
  | 'mcp_call'
  | 'mcp_list_tools';

/** Where a hosted tool call stands, as {@link ToolCallProgressEvent.status}. */
export type ToolProgressStatus = 'in_progress' | 'searching' | 'interpreting' | 'generating' | 'completed' | 'failed';

/**
 * A hosted tool call moved on: `response.web_search_call.{in_progress,searching,completed}`,
 * `response.file_search_call.{in_progress,searching,completed}`,
 * `response.code_interpreter_call.{in_progress,interpreting,completed}`,
 * `response.image_generation_call.{in_progress,generating,completed}`, `response.mcp_call.{in_progress,completed,failed}`,
 * `response.mcp_list_tools.{in_progress,completed,failed}`. The result itself comes with the item
 * (`outputItemDone`).
 */
export interface ToolCallProgressEvent extends SequencedEvent {
  readonly type: 'toolCallProgress';
  readonly itemType: ToolProgressItemType;
  readonly status: ToolProgressStatus;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
}

/** Output of a hosted shell command as it runs (`response.shell_call_output_content.delta`), for a `shell_call_output` item. */
export interface ToolCallOutputDeltaEvent extends SequencedEvent {
  readonly type: 'toolCallOutputDelta';
  readonly itemType: 'shell_call_output';
  readonly stdout: string;
  readonly stderr: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly commandIndex: number;
}

/**
 * A partial image of an image generation call (`response.image_generation_call.partial_image`, when the request set
 * `partial_images`). `partialImageB64` is the whole partial image, base64-encoded in `outputFormat`; each replaces
 * the previous one. The final image is the item's `result`.
 */
export interface PartialImageEvent extends SequencedEvent {
  readonly type: 'partialImage';
  readonly partialImageB64: string;
  readonly partialImageIndex: number;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  /** `"1024x1024"`, … when the server said. */
  readonly size?: string | undefined;
  readonly outputFormat?: string | undefined;
  readonly quality?: string | undefined;
  readonly background?: string | undefined;
}

/** A piece of the response's audio (`response.audio.delta`): base64-encoded bytes in the requested format. */
export interface AudioDeltaEvent extends SequencedEvent {
  readonly type: 'audioDelta';
  readonly delta: string;
}

/** A piece of the transcript of the response's audio (`response.audio.transcript.delta`). */
export interface AudioTranscriptDeltaEvent extends SequencedEvent {
  readonly type: 'audioTranscriptDelta';
  readonly delta: string;
}

/**
 * An event of a type this version of responses-rx does not know (a newer API), emitted only when asked for
 * (`unknownEvent: 'emit'`); by default such events are ignored. Never an error.
 */
export interface UnknownEvent extends SequencedEvent {
  readonly type: 'unknownEvent';
  /** The JSON `type` of the wire event. */
  readonly wireType: string;
  /** The wire event as received. */
  readonly event: { readonly type: string; readonly [key: string]: unknown };
}

/** The response completed (`response.completed`): always the last event of a successful stream, exactly once. */
export interface CompletedEvent extends SequencedEvent {
  readonly type: 'completed';
  readonly responseId?: string | undefined;
  readonly usage?: Usage | undefined;
  /** The final response object as received. */
  readonly response: WireResponse;
}

/** Every normalized event a consumer can receive. */
export type ResponseEvent =
  | CreatedEvent
  | QueuedEvent
  | InProgressEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | OutputTextDeltaEvent
  | OutputTextAnnotationAddedEvent
  | RefusalDeltaEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningContentDeltaEvent
  | ReasoningSummaryPartAddedEvent
  | ToolCallInputDeltaEvent
  | ToolCallProgressEvent
  | ToolCallOutputDeltaEvent
  | PartialImageEvent
  | AudioDeltaEvent
  | AudioTranscriptDeltaEvent
  | UnknownEvent
  | CompletedEvent;

/** The `type` of a {@link ResponseEvent}. */
export type ResponseEventType = ResponseEvent['type'];

/** Which part of an item a {@link PartDoneEvent} finished. */
export type PartKind =
  'outputText' | 'contentPart' | 'refusal' | 'reasoningSummary' | 'reasoningContent' | 'toolCallInput' | 'shellOutput';

/**
 * The whole text of one part, sent when the part finished (`response.output_text.done`, `response.content_part.done`,
 * `response.reasoning_summary_text.done`, `response.reasoning_text.done`, `response.function_call_arguments.done`,
 * `response.custom_tool_call_input.done`, `response.refusal.done`, `response.code_interpreter_call_code.done`,
 * `response.mcp_call_arguments.done`, `response.shell_call_command.done`, `response.apply_patch_call_operation_diff.done`,
 * `response.shell_call_output_content.done`).
 *
 * Only the stages between normalization and `fallbackFromCompleted` see these: they are the evidence the fallback
 * uses to rebuild an item the provider never delivered whole. `fallbackFromCompleted` consumes them, so consumers of
 * `responseEvents` never receive them (the same text would otherwise arrive twice).
 */
export interface PartDoneEvent extends SequencedEvent {
  readonly type: 'partDone';
  readonly part: PartKind;
  readonly text: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  /** `content_index`, `summary_index` or `command_index` of the part. */
  readonly index: number;
  /** For `contentPart`: the part's own `type` (`output_text`, `reasoning_text`, …); for `toolCallInput`: the item type. */
  readonly partType?: string | undefined;
  /** For `shellOutput`: the command's `output` entries as received (`stdout`, `stderr`, `outcome`). */
  readonly output?: readonly unknown[] | undefined;
}

/** What normalization emits: the consumer events plus the {@link PartDoneEvent} evidence. */
export type NormalizedEvent = ResponseEvent | PartDoneEvent;
